"""Read-model shapes shared by every reader of the projections (db.queries over SQLAlchemy,
db.lite over the standard library's sqlite3), so both return exactly the same dicts.

Stored numbers are plain decimal strings; these turn rows into what reads return.
"""
from decimal import Decimal

NINE = Decimal("0.000000001")   # prices carry at most 9 decimals


def plain(d: Decimal) -> str:
    """Plain decimal notation, no exponent, no trailing zeros."""
    d = d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()
    return format(d, "f")


def with_avg_price(row: dict) -> dict:
    """An order row plus `avg_price`: quote traded / quantity filled, to 9 decimals, or
    None before the first fill."""
    filled = Decimal(row["filled"])
    row["avg_price"] = plain((Decimal(row["cost"]) / filled).quantize(NINE)) if filled else None
    return row


def book_levels(name: str, rows, depth: int) -> dict:
    """Aggregate open orders [(side, price, qty, filled)] into depth, best prices first:
    {"symbol", "bids": [{"price", "qty", "orders"}], "asks": [...]}, prices and
    quantities as plain decimal strings."""
    levels = {"buy": {}, "sell": {}}
    for side, price, qty, filled in rows:
        p = Decimal(price)
        q, n = levels[side].get(p, (Decimal(0), 0))
        levels[side][p] = (q + Decimal(qty) - Decimal(filled), n + 1)
    bids = sorted(levels["buy"].items(), reverse=True)[:depth]
    asks = sorted(levels["sell"].items())[:depth]
    return {"symbol": name,
            "bids": [{"price": plain(p), "qty": plain(q), "orders": n} for p, (q, n) in bids],
            "asks": [{"price": plain(p), "qty": plain(q), "orders": n} for p, (q, n) in asks]}


def trade_shape(t: dict) -> dict:
    """A trade row in the order-stream format's trade shape."""
    return {"seq": t["id"], "symbol": t["symbol"], "price": t["price"], "qty": t["qty"],
            "maker": t["maker_cid"], "taker": t["taker_cid"], "maker_user": t["maker_user"],
            "taker_user": t["taker_user"], "maker_fee": t["maker_fee"], "taker_fee": t["taker_fee"]}
