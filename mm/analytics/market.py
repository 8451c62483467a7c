"""The shape of a symbol's market: depth, the cost of trading a size, spread and depth over
time, resiliency, order-flow imbalance and the microprice.

Books are mm.desk.book.Book (prices and quantities at 1e-9). Over time the market is a list
of top-of-book samples `Top(ts, bid, bid_qty, ask, ask_qty)` (a missing side is None).
"""
from dataclasses import dataclass
from fractions import Fraction

import numpy as np


@dataclass(frozen=True, slots=True)
class Top:
    ts: int
    bid: int | None
    bid_qty: int
    ask: int | None
    ask_qty: int

    @property
    def spread(self) -> int | None:
        return self.ask - self.bid if self.bid is not None and self.ask is not None else None

    @property
    def mid(self) -> int | None:
        return (self.bid + self.ask) // 2 if self.spread is not None else None


def depth_curve(book, side: str) -> list[tuple[int, int, int]]:
    """(price, cumulative qty, cumulative notional at 1e-18) per level, best first; side
    "buy" is the bids."""
    rows = book.bids if side == "buy" else book.asks
    out, qty, notional = [], 0, 0
    for p, q in rows:
        qty, notional = qty + q, notional + p * q
        out.append((p, qty, notional))
    return out


def cost_to_trade(book, side: str, qty: int) -> dict:
    """Walk the book with a market order of `qty` (side "buy" takes the asks): quantity
    filled, notional (1e-18), average price (Fraction, 1e-9), slippage = how much worse
    than the mid the average is (price, positive = cost) and in basis points of the mid,
    the levels touched and whether the book held enough. Fees not included."""
    rows = book.asks if side == "buy" else book.bids
    left, notional, levels = qty, 0, 0
    for p, q in rows:
        if left <= 0:
            break
        take = min(q, left)
        left, notional, levels = left - take, notional + p * take, levels + 1
    filled = qty - left
    avg = Fraction(notional, filled) if filled else None
    mid = book.mid
    slip = None if avg is None or mid is None else (avg - mid) * (1 if side == "buy" else -1)
    return {"filled": filled, "notional": notional, "avg_price": avg, "slippage": slip,
            "slippage_bps": None if slip is None else float(slip / mid * 10_000),
            "levels": levels, "complete": left == 0}


def microprice(book) -> Fraction | None:
    """The size-weighted mid, (bid x ask qty + ask x bid qty) / (bid qty + ask qty): leans
    towards the side with less quantity, where the next move is likelier."""
    if not book.bids or not book.asks:
        return None
    (b, bq), (a, aq) = book.bids[0], book.asks[0]
    return Fraction(b * aq + a * bq, bq + aq)


def _stats(values) -> dict:
    if not values:
        return {"mean": None, "median": None, "std": None, "min": None, "max": None}
    x = np.array(values, dtype=np.float64)
    return {"mean": float(np.mean(x)), "median": float(np.median(x)), "std": float(np.std(x)),
            "min": min(values), "max": max(values)}


def spread_stats(tops: list[Top]) -> dict:
    """Statistics of the spread over the samples with both sides (price units 1e-9; mean,
    median and population std are floats, min and max exact). One sample per book change,
    not time-weighted."""
    return {"samples": sum(1 for t in tops if t.spread is not None),
            **_stats([t.spread for t in tops if t.spread is not None])}


def depth_stats(tops: list[Top]) -> dict:
    """Statistics of the quantity at the best bid and best ask over the samples (1e-9)."""
    return {"bid": _stats([t.bid_qty for t in tops if t.bid is not None]),
            "ask": _stats([t.ask_qty for t in tops if t.ask is not None])}


def resiliency(tops: list[Top], factor: float = 2.0) -> dict:
    """How fast the spread heals. Normal is the median spread; a shock starts at a sample
    whose spread exceeds `factor` x normal after one that did not; it is over at the first
    later sample with the spread back at or under normal. Times in seconds; shocks still
    open at the end count in `shocks` but not in the times."""
    two = [t for t in tops if t.spread is not None]
    if not two:
        return {"normal": None, "shocks": 0, "recovered": 0, "mean_s": None, "max_s": None}
    normal = float(np.median(np.array([t.spread for t in two], dtype=np.float64)))
    shocks, times, start = 0, [], None
    for t in two:
        if start is None and t.spread > factor * normal:
            start, shocks = t.ts, shocks + 1
        elif start is not None and t.spread <= normal:
            times.append((t.ts - start) / 1e9)
            start = None
    return {"normal": normal, "shocks": shocks, "recovered": len(times),
            "mean_s": float(np.mean(times)) if times else None,
            "max_s": max(times) if times else None}


def ofi(tops: list[Top]) -> list[int]:
    """Order-flow imbalance of Cont, Kukanov and Stoikov (2014), one term per change:
    e_n = [b_n >= b_n-1] qb_n - [b_n <= b_n-1] qb_n-1 - [a_n <= a_n-1] qa_n
    + [a_n >= a_n-1] qa_n-1. Positive is buying pressure. A side missing in either sample
    adds nothing. Quantities at 1e-9; their sum is the OFI over the period."""
    out = []
    for p, n in zip(tops, tops[1:]):
        e = 0
        if p.bid is not None and n.bid is not None:
            e += (n.bid_qty if n.bid >= p.bid else 0) - (p.bid_qty if n.bid <= p.bid else 0)
        if p.ask is not None and n.ask is not None:
            e += (p.ask_qty if n.ask >= p.ask else 0) - (n.ask_qty if n.ask <= p.ask else 0)
        out.append(e)
    return out
