"""Rows of the projections to the gateway's JSON shapes (exchange design field names)."""
from datetime import datetime, timezone
from functools import lru_cache

from souq.db.shapes import with_avg_price


@lru_cache(maxsize=1)
def iso(ns: int | None) -> str | None:
    """Nanoseconds since the epoch to ISO-8601 UTC with microseconds. The last value is
    remembered (functools.lru_cache of one): every order and trade of a committed batch
    carries the batch's one journal time, so an answer's created_at and its trades' times
    are formatted once a batch (2.4 % of the event loop's samples under `souq bench --api`
    before)."""
    if ns is None:
        return None
    return datetime.fromtimestamp(ns // 1000 / 1e6, timezone.utc).isoformat(
        timespec="microseconds").replace("+00:00", "Z")


def wallet_id(user: str, asset: str) -> str:
    return f"{user}:{asset}"


def order_out(d: dict, trades: list | None = None) -> dict:
    """An order row (db.queries or committer shape) to the OrderOut shape; created_at from
    its "placed_ts" (ns, db.queries.journal_times; gateway.placed fills it in) when the row
    carries one."""
    return {"order_id": str(d["id"]), "client_order_id": d["client_id"], "user_id": d["user"],
            "symbol": d["symbol"], "side": d["side"], "type": d["type"], "price": d["price"],
            "stop_price": d["stop_price"], "quantity": d["qty"], "filled": d["filled"],
            "avg_price": d.get("avg_price") or with_avg_price(dict(d))["avg_price"],
            "time_in_force": d["tif"], "stp": d["stp"], "status": d["status"],
            "reason": d["reason"], "cost": d["cost"], "hold": d["hold"], "trades": trades or [],
            "created_at": iso(d.get("placed_ts"))}


def trade_out(t: dict, public: bool = False) -> dict:
    """A trade in the order-stream shape (db.queries.trade_shape, plus ts and taker_side)
    to TradeOut; `public` leaves out who traded."""
    out = {"trade_id": str(t["seq"]), "symbol": t["symbol"], "price": t["price"],
           "quantity": t["qty"], "taker_side": t["taker_side"], "time": iso(t["ts"])}
    if not public:
        out.update(maker_user=t["maker_user"], taker_user=t["taker_user"], maker_order=t["maker"],
                   taker_order=t["taker"], maker_fee=t["maker_fee"], taker_fee=t["taker_fee"])
    return out


def trade_row_out(row: dict, public: bool = False) -> dict:
    """A trades-table row to TradeOut."""
    from souq.db.queries import trade_shape
    return trade_out({**trade_shape(row), "ts": row["ts"], "taker_side": row["taker_side"]},
                     public)


def wallet_out(r: dict) -> dict:
    return {"wallet_id": wallet_id(r["user"], r["asset"]), "user_id": r["user"],
            "asset": r["asset"], "balance": r["balance"], "hold": r["hold"],
            "available": r["available"]}


def ledger_out(r: dict) -> dict:
    return {"entry_id": str(r["id"]), "transaction_id": str(r["seq"]), "kind": r["kind"],
            "asset": r["asset"], "from_user": r["from_user"], "from_bucket": r["from_bucket"],
            "to_user": r["to_user"], "to_bucket": r["to_bucket"], "amount": r["amount"],
            "ref": None if r["ref"] is None else str(r["ref"])}


SYMBOL_KEYS = ("base", "quote", "tick_size", "qty_step", "min_qty", "max_qty", "daily_limit",
               "ref_price", "maker_fee", "taker_fee", "active", "sessions", "open", "last_price")


def symbol_out(r: dict) -> dict:
    return {"symbol": r["name"], **{k: r[k] for k in SYMBOL_KEYS}}


def session_out(r: dict) -> dict:
    return {"symbol": r["symbol"], "opened_at": iso(r["opened_ts"]),
            "closed_at": iso(r["closed_ts"]), "opening_price": r["opening_price"],
            "maker_fee": r["maker_fee"], "taker_fee": r["taker_fee"]}


def book_out(b: dict) -> dict:
    side = lambda levels: [{"price": x["price"], "quantity": x["qty"], "orders": x["orders"]}
                           for x in levels]
    return {"symbol": b["symbol"], "bids": side(b["bids"]), "asks": side(b["asks"])}
