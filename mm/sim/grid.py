"""The one place simulator numbers become orders: integer prices and quantities snapped
to the symbol's tick, step, min/max and band, then written as order-stream decimal
strings. Nothing here sees a float, so nothing off-grid can reach the exchange."""
from souq.engine.numbers import PRICE_SCALE, fmt

from souq.mm.view import SymbolView


def price(sv: SymbolView, units: int, *, up: bool = False) -> int:
    """`units` rounded to the tick (down, or up when `up`) and clamped into the band."""
    return sv.spec.ceil_tick(units) if up else sv.spec.floor_tick(units)


def lots(sv: SymbolView, n: int) -> int:
    """n times the minimum quantity, floored to the step and held within min/max."""
    spec = sv.spec
    q = spec.min_qty * max(1, n)
    q -= q % spec.step
    q = max(q, spec.min_qty)
    if spec.max_qty is not None and q > spec.max_qty:
        q = spec.max_qty
    return q


def relative(units: int, rate_ppb: int) -> int:
    """A fraction (parts per 1e9) of a price, exactly."""
    return units * rate_ppb // PRICE_SCALE


def limit(cid: str, user: str, sv: SymbolView, side: str, p: int, qty: int,
          tif: str | None = None) -> dict:
    cmd = {"op": "limit", "id": cid, "user": user, "symbol": sv.spec.name, "side": side,
           "price": fmt(p), "qty": fmt(qty)}
    if tif is not None:
        cmd["tif"] = tif
    return cmd


def market(cid: str, user: str, sv: SymbolView, side: str, qty: int) -> dict:
    return {"op": "market", "id": cid, "user": user, "symbol": sv.spec.name, "side": side,
            "qty": fmt(qty)}


def cancel(cid: str, user: str) -> dict:
    return {"op": "cancel", "id": cid, "user": user}
