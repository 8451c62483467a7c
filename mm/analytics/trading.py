"""How the strategy traded: win rate, sizes, fill ratio, inventory, markouts, capital and
its own market impact. Quantities at 1e-9, money at 1e-18, exact where they are money."""
from bisect import bisect_left, bisect_right
from fractions import Fraction

import numpy as np

from .series import Step, signed

MARKOUT_HORIZONS_S = (1, 10, 60)


def win_rate(closes) -> float | None:
    """Share of position-reducing fills (average cost) whose realised PnL before fees was
    positive: a round trip, or the part of one a fill closed, that made money. A close at
    exactly the average cost is not a win. None without closing fills."""
    if not closes:
        return None
    return sum(1 for c in closes if c > 0) / len(closes)


def average_trade_size(fills) -> Fraction | None:
    """Mean fill quantity (base at 1e-9, exact); None without fills."""
    if not fills:
        return None
    return Fraction(sum(f.qty for f in fills), len(fills))


def fill_ratio(orders) -> dict:
    """`qty`: filled quantity over quoted (placed) quantity, summed over every own order;
    `orders`: orders filled at least in part over orders placed. Rejected orders never
    reached the book and count in neither. Quantities may be engine integers or decimal
    strings. None without orders."""
    placed = [o for o in orders if o.get("status") != "rejected"]
    quoted = sum(Fraction(o["qty"]) for o in placed)
    filled = sum(Fraction(o["filled"]) for o in placed)
    return {"qty": float(filled / quoted) if quoted else None,
            "orders": sum(1 for o in placed if Fraction(o["filled"]) > 0) / len(placed)
            if placed else None}


def inventory_stats(inventory: list[int]) -> dict:
    """Mean (exact Fraction), population std (float) and peak absolute inventory over the
    samples, base at 1e-9. Samples are evenly spaced in time, so these are time-weighted."""
    if not inventory:
        return {"mean": None, "std": None, "peak": None}
    x = np.array(inventory, dtype=np.float64)
    return {"mean": Fraction(sum(inventory), len(inventory)), "std": float(np.std(x)),
            "peak": max(abs(q) for q in inventory)}


def markouts(fills, mids, end: int, horizons=MARKOUT_HORIZONS_S) -> dict[int, dict]:
    """Mid move h seconds after each fill, signed by side (+ when the mid moved the fill's
    way: up after a buy), against the mid the fill met (the last before its time).
    Negative means adverse selection. Per horizon: the fills counted (those with the mid
    known at the fill and with ts + h <= `end`, the run's end), the mean move per fill
    (price at 1e-9, exact) and the PnL the moves made, sum of move x qty (quote 1e-18).
    `mids` may be a Step of them."""
    step = Step.of(mids)
    ts, values = step.ts, step.values
    met = [step.before(f.ts) for f in fills]     # the mid each fill met, read once
    out = {}
    for h in horizons:
        n, moves, pnl = 0, 0, 0
        ahead = h * 10**9
        for f, m0 in zip(fills, met):
            t = f.ts + ahead
            if t > end or m0 is None:
                continue
            # step.at(t), inline: m0 known means a mid before f.ts <= t, so i > 0
            move = (1 if f.side == "buy" else -1) * (values[bisect_right(ts, t) - 1] - m0)
            n, moves, pnl = n + 1, moves + move, pnl + move * f.qty
        out[h] = {"fills": n, "mean": Fraction(moves, n) if n else None, "pnl": pnl}
    return out


def market_impact(fills, mids, observed: bool = False) -> dict:
    """The strategy's own impact: for each of its fills, the signed mid change from just
    before its time to just after everything at its time (side x (mid at ts - mid before
    ts)): positive when its trade pushed the mid its own way, as taking a level out does.
    Fills at one time share one change, counted once per fill. Mean per fill (price 1e-9,
    exact) and in basis points of the mid before (float); None without a known mid.
    `observed`: `mids` are a live run's observations (each step where the mid changed or
    fills came in, stamped no earlier than the trades read) rather than every change: the
    mid after a fill is then the first observation at or after its time. `mids` may be
    a Step of them."""
    step = Step.of(mids)
    ts, values = step.ts, step.values
    n = len(ts)
    moves, bps = [], []
    for f in fills:
        # step.before(f.ts), then step.since(f.ts) or step.at(f.ts), inline
        i = bisect_left(ts, f.ts)
        m0 = values[i - 1] if i else None
        if observed:
            m1 = values[i] if i < n else None
        else:
            j = bisect_right(ts, f.ts)
            m1 = values[j - 1] if j else None
        if m0 is None or m1 is None:
            continue
        moves.append(signed(f.side) * (m1 - m0))
        bps.append(moves[-1] / m0 * 10_000)
    if not moves:
        return {"fills": 0, "mean": None, "mean_bps": None}
    return {"fills": len(moves), "mean": Fraction(sum(moves), len(moves)),
            "mean_bps": float(np.mean(bps))}


def capital_usage(fills, series) -> dict:
    """Capital the run tied up. `peak_exposure`: the largest gross position value at the
    mid over the samples, |inventory| x mid (quote 1e-18). `peak_quote_used`: the most quote
    the fills had spent net at any point, buys' notional minus sells' plus fees, cumulated
    (0 if it never went negative on cash)."""
    exposure = max((abs(q) * m for _, _, q, m in series if m is not None), default=0)
    spent = peak = 0
    for f in fills:
        spent += signed(f.side) * f.price * f.qty + f.fee
        peak = max(peak, spent)
    return {"peak_exposure": exposure, "peak_quote_used": peak}
