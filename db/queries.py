"""Read models straight from the projections: plain dicts with decimal strings.

Reads never load the engine, so a look at a big exchange stays cheap.
"""
from sqlalchemy import desc, select, text

from souq.engine.model import ACTIVE, PARTIAL, QUEUED, WORLD

from . import schema as S
from .predicates import OPEN_ORDER
from .shapes import book_levels, plain as _plain, trade_shape, with_avg_price  # noqa: F401

OPEN = (QUEUED, ACTIVE, PARTIAL)


def users(conn) -> list[dict]:
    rows = conn.execute(select(S.UserRow).order_by(S.UserRow.name)).mappings()
    return [dict(r) for r in rows]


def user(conn, name: str) -> dict | None:
    r = conn.execute(select(S.UserRow).where(S.UserRow.name == name)).mappings().first()
    return dict(r) if r else None


def symbols(conn) -> list[dict]:
    return [dict(r) for r in conn.execute(select(S.SymbolRow).order_by(S.SymbolRow.name)).mappings()]


def assets(conn) -> list[dict]:
    """Every asset a symbol names or a precision was set for: name and precision (decimal
    places; 18, the ledger's own, until the operator sets one)."""
    places = {r.name: r.precision for r in conn.execute(select(S.AssetRow))}
    names = set(places)
    for base, quote in conn.execute(select(S.SymbolRow.base, S.SymbolRow.quote)):
        names.update((base, quote))
    return [{"asset": a, "precision": places.get(a, 18), "set": a in places} for a in sorted(names)]


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
        q = q.where(text(OPEN_ORDER))       # ix_orders_open's own predicate
    elif status is not None:
        q = q.where(T.status == status)
    if symbol is not None:
        q = q.where(T.symbol == symbol)
    q = q.order_by(desc(T.id))
    if limit:
        q = q.limit(limit)
    out = [with_avg_price(dict(r)) for r in conn.execute(q).mappings()]
    out.reverse()
    return out


def order(conn, order_id: int) -> dict | None:
    """One order row by id, with its average price; None if there is none."""
    r = conn.execute(select(S.OrderRow).where(S.OrderRow.id == order_id)).mappings().first()
    if r is None:
        return None
    return with_avg_price(dict(r))


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
    rows = conn.execute(select(T.side, T.price, T.qty, T.filled).where(
        T.symbol == name, T.status.in_((ACTIVE, PARTIAL)), text(OPEN_ORDER)))
    return book_levels(name, rows, depth)


def _newest_first_reversed(conn, q, key, limit) -> list[dict]:
    """The newest `limit` rows (all without a limit), returned oldest first."""
    q = q.order_by(desc(key))
    if limit:
        q = q.limit(limit)
    rows = [dict(r) for r in conn.execute(q).mappings()]
    rows.reverse()
    return rows


def journal_since(conn, after: int, limit: int = 500) -> list[dict]:
    """Journal entries after `after`, oldest first (for alerts and activity feeds)."""
    J = S.Journal
    q = (select(J.seq, J.ts, J.actor, J.op, J.status, J.reason, J.events)
         .where(J.seq > after).order_by(J.seq).limit(limit))
    return [dict(r) for r in conn.execute(q).mappings()]


def journal_newest_time(conn) -> int | None:
    """The newest journal entry's time (ns since the epoch), None for an empty journal."""
    J = S.Journal
    return conn.execute(select(J.ts).order_by(J.seq.desc()).limit(1)).scalar()


def journal_times(conn, seqs) -> dict[int, int]:
    """{seq: ts} of the given journal entries (an order's id is the seq that placed it,
    so this is when orders were placed)."""
    wanted = sorted(set(seqs))
    if not wanted:
        return {}
    J = S.Journal
    rows = conn.execute(select(J.seq, J.ts).where(J.seq.in_(wanted)))
    return {seq: ts for seq, ts in rows}


def trades_between(conn, symbol: str, start: int | None = None, end: int | None = None
                   ) -> list[dict]:
    """A symbol's trades with start <= ts < end (ns; None: unbounded), oldest first."""
    T = S.TradeRow
    q = select(T).where(T.symbol == symbol)
    if start is not None:
        q = q.where(T.ts >= start)
    if end is not None:
        q = q.where(T.ts < end)
    return [dict(r) for r in conn.execute(q.order_by(T.id)).mappings()]
