"""Start-up: rebuild the in-memory exchange from the projections, not by replaying.

Books come back in their time priority (`rank`, unique), stops in placement order. Only
open orders are read, so start-up costs the same at 1k or 1M journal entries; a client id
from the closed history is looked up when a command names it (`ClientIds`), so duplicates
stay rejected and a cancel of a closed order keeps its reason.
"""
from sqlalchemy import and_, bindparam, exists, func, or_, select, text

from souq.engine.commands import CancelOrder, PlaceOrder
from souq.engine.exchange import Exchange, book_order
from souq.engine.fees import precision_unit
from souq.engine.model import (
    QUEUED, STATUSES, Order, Symbol, User, closed,
)
from souq.engine.numbers import AMOUNT_DP, PRICE_DP
from souq.engine.symbols import SymbolSpec

from . import schema as S
from .predicates import OPEN_ORDER, RANKED
from .projected import point
from .sql import Bulk

_P = 10**PRICE_DP
_STATUS = {s: s for s in STATUSES}   # the engine compares statuses by identity
_A = 10**AMOUNT_DP


def to_int(text: str | None, scale: int = _P) -> int | None:
    """Trusted decimal string from our own tables to an integer at `scale`."""
    if text is None:
        return None
    neg = text.startswith("-")
    if neg:
        text = text[1:]
    whole, _, frac = text.partition(".")
    digits = len(str(scale)) - 1
    value = int(whole) * scale + (int(frac.ljust(digits, "0")) if frac else 0)
    return -value if neg else value


def load_exchange(conn):
    ex = Exchange()
    for r in conn.execute(select(S.UserRow)).mappings():
        u = ex.users.get(r["name"]) or User(r["name"], r["role"])
        u.role, u.status = r["role"], r["status"]
        ex.users[u.name] = u
    for name, places in conn.execute(select(S.AssetRow.name, S.AssetRow.precision)):
        ex.assets[name] = places
    for r in conn.execute(select(S.SymbolRow)).mappings():
        s = Symbol(SymbolSpec(r["name"], r["base"], r["quote"], to_int(r["tick_size"]),
                              to_int(r["qty_step"]), to_int(r["min_qty"]), to_int(r["max_qty"]),
                              to_int(r["daily_limit"]), to_int(r["ref_price"]),
                              to_int(r["maker_fee"]), to_int(r["taker_fee"])))
        s.active, s.sessions, s.open = bool(r["active"]), bool(r["sessions"]), bool(r["open"])
        s.last = to_int(r["last_price"])
        if s.spec.quote in ex.assets:
            s.fee_q = precision_unit(ex.assets[s.spec.quote])
        ex.symbols[s.name] = s
    known = set()
    for user, asset, hold, available in conn.execute(
            select(S.WalletRow.user, S.WalletRow.asset, S.WalletRow.hold, S.WalletRow.available)):
        ex.users[user].wallets[asset] = [to_int(available, _A), to_int(hold, _A)]
        known.add((user, asset))
    _load_orders(conn, ex)
    ex.seq = point(conn)       # the projections' journal point (db/projected.py)
    ex.trade_seq = conn.execute(select(func.max(S.TradeRow.id))).scalar() or 0
    ex.rank_seq = conn.execute(select(func.max(S.OrderRow.rank)).where(
        text(RANKED))).scalar() or 0                    # ix_orders_ranked's predicate
    return ex, known


def _load_orders(conn, ex: Exchange) -> None:
    users, symbols = ex.users, ex.symbols
    T = S.OrderRow
    resting = []
    rows = conn.execute(select(
        T.id, T.user, T.client_id, T.symbol, T.side, T.type, T.tif, T.stp, T.price, T.stop_price,
        T.qty, T.filled, T.cost, T.status, T.reason, T.hold, T.rank,
    ).where(text(OPEN_ORDER)).order_by(T.id))       # ix_orders_open's predicate
    for (oid, user, cid, sym, side, type_, tif, stp, price, stop, qty, filled, cost, status,
         reason, hold, rank) in rows:
        u, s = users[user], symbols[sym]
        o = Order(oid, u, cid, s, side, type_, tif, stp, to_int(price), to_int(stop), to_int(qty))
        o.filled, o.cost = to_int(filled), to_int(cost, _A)
        o.status, o.reason, o.hold, o.rank = _STATUS[status], reason, to_int(hold, _A), rank
        u.orders[cid] = o
        if status == QUEUED:
            s.stops.append(o)
        else:
            resting.append(o)
    rest_in_books(resting)


def rest_in_books(resting: list[Order]) -> None:
    """Put resting orders back on their symbols' books, queued by rank (time priority),
    as the engine rests them (engine.matching.book_order)."""
    for o in sorted(resting, key=_rank):
        book_order(o)


def _rank(o: Order) -> int:
    return o.rank


class ClientIds:
    """Brings the client ids that commands name back from the orders table, before the
    engine applies them: start-up loads only open orders, so a closed order's id (a
    duplicate to refuse, a cancel to answer "already filled") may not be in memory yet.

    `seed(cursor, ex, commands)` looks up, in chunks of up to CHUNK (user, id) pairs per
    query on the (user, client_id) index, every id a PlaceOrder or CancelOrder names that
    its user does not hold in memory, among orders placed at or before `ex.seq` (entries
    after it are being replayed and bring their own ids). Found ids are stored as their
    ClosedOrder, which is how the engine keeps closed orders. Uses a raw DBAPI cursor.

    Told where the exchange was loaded (`loaded(seq)`: start-up reads the open orders of
    the projections at that journal point, and every order placed after it is applied in
    this process, so its id is in memory, closed or not), it asks the pairs only of users
    with an order placed at or before that point, each user's answer asked once: a user
    without one has every id in memory (a new user, or any user of a new database). Not
    told (db.check, which starts from a checkpoint), it asks every pair."""
    CHUNK = 100
    SIZES = (1, 10, CHUNK)    # statements by how many pairs they take: a command at a time
                              # asks one, not a hundred padded (a quarter of its commit)

    def __init__(self, bulk: Bulk) -> None:
        self._bulk = bulk
        self._sql: dict = {}        # size -> compiled look-up
        self._loaded_at: int | None = None
        self._history: dict[str, bool] = {}   # user -> has an order placed by _loaded_at

    def loaded(self, seq: int) -> None:
        """The exchange was (re)loaded at journal point `seq` (db.load.load_exchange)."""
        self._loaded_at = seq
        self._history = {}

    def _had_orders(self, cur, user: str) -> bool:
        """Whether `user` placed an order at or before the load point (asked once)."""
        known = self._history.get(user)
        if known is None:
            T = S.OrderRow
            sql = self._bulk.statement("client_ids_history", lambda: select(exists().where(
                T.user == bindparam("user"), T.id <= bindparam("upto"))), ("user", "upto"))
            Bulk.run(cur, sql, [(user, self._loaded_at)])
            known = self._history[user] = bool(cur.fetchone()[0])
        return known

    def _statement(self, size: int):
        """The look-up of `size` (user, id) pairs, compiled at its first use (a statement
        of a hundred pairs takes SQLAlchemy tens of milliseconds to compile: a process
        that places one order never needs it)."""
        if size in self._sql:
            return self._sql[size]
        T = S.OrderRow
        names = tuple(f"{k}{i}" for i in range(size) for k in ("u", "c"))
        # OR of (user, id) pairs: each an index search on SQLite and PostgreSQL alike
        # (SQLite scans the table for a row-value IN list of more than one pair)
        self._sql[size] = self._bulk.statement(("client_ids", size), lambda: select(
            T.id, T.user, T.client_id, T.status).where(or_(*(
                and_(T.user == bindparam(f"u{i}"), T.client_id == bindparam(f"c{i}"))
                for i in range(size)))), names)
        return self._sql[size]

    def seed(self, cur, ex: Exchange, commands) -> None:
        users = ex.users
        wanted: dict[tuple, None] = {}
        for cmd in commands:
            if type(cmd) is PlaceOrder or type(cmd) is CancelOrder:
                u = users.get(cmd.user)
                if u is not None and cmd.cid is not None and cmd.cid not in u.orders:
                    wanted[cmd.user, cmd.cid] = None
        if wanted and self._loaded_at is not None:
            wanted = {pair: None for pair in wanted if self._had_orders(cur, pair[0])}
        if not wanted:
            return
        pairs = list(wanted)
        upto = ex.seq
        for i in range(0, len(pairs), self.CHUNK):
            part = pairs[i:i + self.CHUNK]
            size = next(n for n in self.SIZES if n >= len(part))
            part += [part[-1]] * (size - len(part))   # a few compiled statements for all
            Bulk.run(cur, self._statement(size), [[v for pair in part for v in pair]])
            for oid, user, cid, status in cur.fetchall():
                if oid <= upto:
                    users[user].orders.setdefault(cid, closed(status))
