"""Realised and unrealised PnL by average cost, and PnL attribution, over a run's fills.

Money stays exact: price x qty is an integer at 1e-18; the average cost is kept as a
Fraction so realised PnL carries no rounding until it is printed.
"""
from bisect import bisect_left
from dataclasses import dataclass
from fractions import Fraction
from math import gcd

from .series import Step, signed


@dataclass(frozen=True)
class Pnl:
    inventory: int          # base at 1e-9, positive long
    avg_cost: Fraction      # price at 1e-9 of the open position (0 when flat)
    realised: Fraction      # quote at 1e-18, before fees
    unrealised: Fraction    # open position at the mark, quote at 1e-18
    fees: int               # quote at 1e-18, paid (a rebate is negative)
    closes: tuple[Fraction, ...]   # realised PnL of each fill that reduced the position

    @property
    def total(self) -> Fraction:
        """Net PnL: realised + unrealised - fees."""
        return self.realised + self.unrealised - self.fees


def average_cost(fills, mark: int | None) -> Pnl:
    """`fills` oldest first (ts, side, price, qty, fee); `mark` the closing mid (None: last
    fill price). A fill that flips the position closes all of it and opens the rest anew.

    The open position's cost is kept as an exact fraction cn / cd of two integers (cd > 0,
    in lowest terms), so a fill costs integer steps and only a closing fill makes a
    Fraction (its gain): the same values as Fraction arithmetic throughout."""
    inv, cn, cd, fees, closes = 0, 0, 1, 0, []
    price = None
    for f in fills:
        price, qty = f.price, f.qty
        s = 1 if f.side == "buy" else -1
        fees += f.fee
        if inv == 0 or (inv > 0) == (s > 0):            # opening or adding
            cn += price * qty * s * cd
            inv += s * qty
            continue
        sg = 1 if inv > 0 else -1
        closing = min(qty, abs(inv))
        # (price - cost / inv) x closing x sg, over one denominator
        closes.append(Fraction((price * cd * inv - cn) * closing * sg, cd * inv))
        was = inv
        inv += s * qty
        if inv and (inv > 0) == (s > 0):                 # flipped: the rest opens at price
            cn, cd = price * inv, 1
        elif inv == 0:
            cn, cd = 0, 1
        else:                                            # cost x (what is left / was)
            cn, cd = cn * inv, cd * was
            if cd < 0:
                cn, cd = -cn, -cd
            g = gcd(cn, cd)
            cn, cd = cn // g, cd // g
    if mark is None:
        mark = price or 0
    avg = Fraction(cn, cd * inv) if inv else Fraction(0)
    # the closes' exact sum, numerators added per denominator first (the same Fraction:
    # exact sums are equal, and a Fraction is kept in lowest terms)
    by_den: dict[int, int] = {}
    for c in closes:
        d = c.denominator
        by_den[d] = by_den.get(d, 0) + c.numerator
    realised = sum((Fraction(n, d) for d, n in by_den.items()), Fraction(0))
    # realised + unrealised is a whole cash flow; each alone may be a fraction of a unit
    return Pnl(inv, avg, realised, Fraction(mark * inv * cd - cn, cd), fees, tuple(closes))


def attribution(fills, mids, mark: int | None = None) -> dict[str, int]:
    """Net PnL split into three parts that sum to it exactly (quote at 1e-18):

    - spread: each fill's edge against the mid it met (the mid just before its time),
      sum of side x (mid - price) x qty: what quoting inside the market earned;
    - inventory: the position carried through mid moves, the final position at the mark
      minus each fill valued at the mid it met: sum of inventory x mid change;
    - fees: minus the fees paid.
    The mid a fill met is the last mid before its time, else the fill's own price.
    `mids` may be a Step of them."""
    step = Step.of(mids)
    ts, values = step.ts, step.values
    spread = at_mid = inv = fees = 0
    price = None
    for f in fills:
        s, price = (1 if f.side == "buy" else -1), f.price
        i = bisect_left(ts, f.ts)       # step.before(f.ts), inline
        m = values[i - 1] if i else None
        if m is None:
            m = step.at(f.ts) or price
        spread += s * (m - price) * f.qty
        at_mid += s * m * f.qty
        inv += s * f.qty
        fees += f.fee
    if mark is None:
        mark = step.last if step else (price or 0)
    inventory = inv * mark - at_mid
    return {"spread": spread, "inventory": inventory, "fees": -fees,
            "total": spread + inventory - fees}
