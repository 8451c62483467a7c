"""A trader's position and PnL in one symbol, by the average-cost method.

Realised PnL is what closed quantity earned against the average cost; unrealised is the
open position marked at the mid; fees are shown apart, all in the quote asset.
"""
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True)
class Position:
    qty: Decimal          # base asset, positive long, negative short
    avg_price: Decimal    # average cost of the open position (0 when flat)
    realised: Decimal
    unrealised: Decimal   # open position marked at the mid (0 without a mid)
    fees: Decimal
    value_at_mid: Decimal


def position(trades, user: str, mid: Decimal | None) -> Position:
    """`trades` oldest first, each with price, qty, maker_user, taker_user, taker_side and
    the two fees as decimal strings (the trades table's rows)."""
    qty = cost = realised = fees = ZERO
    for t in trades:
        price, size = Decimal(t["price"]), Decimal(t["qty"])
        if t["taker_user"] == user and t["maker_user"] == user:
            fees += Decimal(t["taker_fee"]) + Decimal(t["maker_fee"])   # a self-trade: flat
            continue
        if t["taker_user"] == user:
            side, fee = t["taker_side"], Decimal(t["taker_fee"])
        elif t["maker_user"] == user:
            side = "sell" if t["taker_side"] == "buy" else "buy"
            fee = Decimal(t["maker_fee"])
        else:
            continue
        fees += fee
        signed = size if side == "buy" else -size
        if qty == 0 or (qty > 0) == (signed > 0):          # opening or adding
            cost += price * signed
            qty += signed
            continue
        avg = cost / qty
        closing = min(abs(signed), abs(qty))
        realised += (price - avg) * closing * (1 if qty > 0 else -1)
        cost -= avg * closing * (1 if qty > 0 else -1)
        qty += signed
        if qty and (qty > 0) == (signed > 0):               # flipped: the rest opens anew
            cost = price * qty
    avg = cost / qty if qty else ZERO
    unrealised = mid * qty - cost if mid is not None and qty else ZERO   # exact: no avg
    value = mid * qty if mid is not None else ZERO
    return Position(qty, avg, realised, unrealised, fees, value)
