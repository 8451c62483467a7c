"""Read models straight from the projections: plain dicts with decimal strings.

Reads never load the engine, so a look at a big exchange stays cheap.
"""
from decimal import Decimal

from sqlalchemy import desc, select

from engine.model import ACTIVE, BUY, PARTIAL, QUEUED, WORLD

from . import schema as S

OPEN = (QUEUED, ACTIVE, PARTIAL)
NINE = Decimal("0.000000001")   # prices carry at most 9 decimals


def users(conn) -> list[dict]:
    rows = conn.execute(select(S.UserRow).order_by(S.UserRow.name)).mappings()
    return [dict(r) for r in rows]


def user(conn, name: str) -> dict | None:
    r = conn.execute(select(S.UserRow).where(S.UserRow.name == name)).mappings().first()
    return dict(r) if r else None


def symbols(conn) -> list[dict]:
    return [dict(r) for r in conn.execute(select(S.SymbolRow).order_by(S.SymbolRow.name)).mappings()]


def symbol(conn, name: str) -> dict | None:
    r = conn.execute(select(S.SymbolRow).where(S.SymbolRow.name == name)).mappings().first()
    return dict(r) if r else None


def sessions(conn, name: str) -> list[dict]:
    T = S.SessionRow
    rows = conn.execute(select(T).where(T.symbol == name).order_by(T.id)).mappings()
    return [dict(r) for r in rows]


def orders(conn, *, user=None, status=None, symbol=None, limit=None) -> list[dict]:
    T = S.OrderRow
    q = select(T)
    if user is not None:
        q = q.where(T.user == user)
    if status == "open":
        q = q.where(T.status.in_(OPEN))
    elif status is not None:
        q = q.where(T.status == status)
    if symbol is not None:
        q = q.where(T.symbol == symbol)
    q = q.order_by(desc(T.id))
    if limit:
        q = q.limit(limit)
    out = []
    for r in conn.execute(q).mappings():
        d = dict(r)
        d["avg_price"] = avg_price(d["cost"], d["filled"])
        out.append(d)
    out.reverse()
    return out


def avg_price(cost: str, filled: str) -> str | None:
    """Average fill price: quote traded over quantity filled, to 9 decimals; None unfilled."""
    f = Decimal(filled)
    return _plain((Decimal(cost) / f).quantize(NINE)) if f else None


def order(conn, order_id: int) -> dict | None:
    """One order row by id, with its average price; None if there is none."""
    r = conn.execute(select(S.OrderRow).where(S.OrderRow.id == order_id)).mappings().first()
    if r is None:
        return None
    d = dict(r)
    d["avg_price"] = avg_price(d["cost"], d["filled"])
    return d


def order_by_client_id(conn, user: str, client_id: str) -> dict | None:
    """A user's order by its client order id (unique per user); None if there is none."""
    T = S.OrderRow
    r = conn.execute(select(T.id).where(T.user == user, T.client_id == client_id)).first()
    return order(conn, r[0]) if r else None


def trades(conn, *, user=None, symbol=None, limit=None, after=None) -> list[dict]:
    """Oldest first; the newest `limit`, and only those after trade id `after` if given."""
    T = S.TradeRow
    q = select(T)
    if after is not None:
        q = q.where(T.id > after)
    if user is not None:
        q = q.where((T.maker_user == user) | (T.taker_user == user))
    if symbol is not None:
        q = q.where(T.symbol == symbol)
    return _newest_first_reversed(conn, q, T.id, limit)


def trade_shape(t: dict) -> dict:
    """A trade row in the order-stream format's trade shape."""
    return {"seq": t["id"], "symbol": t["symbol"], "price": t["price"], "qty": t["qty"],
            "maker": t["maker_cid"], "taker": t["taker_cid"], "maker_user": t["maker_user"],
            "taker_user": t["taker_user"], "maker_fee": t["maker_fee"], "taker_fee": t["taker_fee"]}


def wallets(conn, *, user=None) -> list[dict]:
    T = S.WalletRow
    q = select(T).where(T.user != WORLD)
    if user is not None:
        q = q.where(T.user == user)
    return [dict(r) for r in conn.execute(q.order_by(T.user, T.asset)).mappings()]


def ledger(conn, *, user=None, asset=None, limit=None) -> list[dict]:
    T = S.LedgerRow
    q = select(T)
    if user is not None:
        q = q.where((T.from_user == user) | (T.to_user == user))
    if asset is not None:
        q = q.where(T.asset == asset)
    return _newest_first_reversed(conn, q, T.id, limit)


def book(conn, name: str, depth: int = 10) -> dict:
    """Aggregated depth from the open orders: [(price, qty, orders)] best first."""
    T = S.OrderRow
    levels = {BUY: {}, "sell": {}}
    rows = conn.execute(select(T.side, T.price, T.qty, T.filled).where(
        T.symbol == name, T.status.in_((ACTIVE, PARTIAL))))
    for side, price, qty, filled in rows:
        p = Decimal(price)
        q, n = levels[side].get(p, (Decimal(0), 0))
        levels[side][p] = (q + Decimal(qty) - Decimal(filled), n + 1)
    bids = sorted(levels[BUY].items(), reverse=True)[:depth]
    asks = sorted(levels["sell"].items())[:depth]
    return {"symbol": name,
            "bids": [{"price": _plain(p), "qty": _plain(q), "orders": n} for p, (q, n) in bids],
            "asks": [{"price": _plain(p), "qty": _plain(q), "orders": n} for p, (q, n) in asks]}


def _newest_first_reversed(conn, q, key, limit) -> list[dict]:
    """The newest `limit` rows (all without a limit), returned oldest first."""
    q = q.order_by(desc(key))
    if limit:
        q = q.limit(limit)
    rows = [dict(r) for r in conn.execute(q).mappings()]
    rows.reverse()
    return rows


def _plain(d: Decimal) -> str:
    """Plain decimal notation, no exponent, no trailing zeros."""
    d = d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()
    return format(d, "f")


def journal_since(conn, after: int, limit: int = 500) -> list[dict]:
    """Journal entries after `after`, oldest first (for alerts and activity feeds)."""
    J = S.Journal
    q = (select(J.seq, J.ts, J.actor, J.op, J.status, J.reason, J.events)
         .where(J.seq > after).order_by(J.seq).limit(limit))
    return [dict(r) for r in conn.execute(q).mappings()]
