"""The exchange on a database: every writer locks, catches up on the journal, applies,
appends and commits; readers follow the journal. One transaction per batch of commands.
"""
from dataclasses import dataclass, field
from typing import NamedTuple

import orjson
from sqlalchemy import bindparam, func, literal_column, select, update

from souq.engine.events import Outcome
from souq.engine.stream import parse_command

from . import schema as S
from .authgen import bump_auth_generation
from .collector import paused_gc
from .connection import (  # noqa: F401  (connect ... busy: their old home, still imported)
    DatabaseBusy, busy, connect, create_schema, is_locked, lock_timeout, migrate,
)
from .load import ClientIds, load_exchange
from .projection import (  # noqa: F401  (order_row, trade_row, symbol_row: their old home)
    ORDER_UPDATES, Changes, ledger_rows, order_row, order_update_row, session_row, symbol_row,
    trade_row, update_kind, wallet_values,
)
from .sql import Bulk
from .urls import default_url, normalise_url  # noqa: F401  (their old home)


def _columns(table, skip: tuple = ()) -> tuple[str, ...]:
    """A table's column names in schema order (db/schema.py), less `skip`."""
    return tuple(c.name for c in table.__table__.columns if c.name not in skip)


ORDER_COLS = _columns(S.OrderRow)
JOURNAL_COLS = _columns(S.Journal)
TRADE_COLS = _columns(S.TradeRow)
LEDGER_COLS = _columns(S.LedgerRow, skip=("id",))    # id: the database numbers moves
WALLET_COLS = _columns(S.WalletRow)
WALLET_VALUES = WALLET_COLS[2:]                        # after the (user, asset) key
SYMBOL_COLS = _columns(S.SymbolRow)
SESSION_OPEN_COLS = ("symbol", "opened_seq", "opened_ts", "opening_price", "maker_fee",
                     "taker_fee")
SESSION_CLOSE_COLS = ("symbol", "closed_seq", "closed_ts", "maker_fee", "taker_fee")


@dataclass
class BatchResult:
    """A committed batch: each command's engine.events.Outcome (seq, code, reason, typed
    events), the orders it touched as they stand after it (oid -> Order), its trades
    (engine.events.Trade), and all it changed (db.projection.Changes: wallets touched,
    users changed ...)."""
    outcomes: list[Outcome] = field(default_factory=list)
    orders: dict = field(default_factory=dict)
    trades: list = field(default_factory=list)
    changes: Changes | None = None


class Entry(NamedTuple):
    """A journal entry as this process applied it (catching up or committing), for
    `Store.entry_listeners`: what the journal's row holds, with `events` as the rows its
    events column holds encoded (engine.events journal rows: ("order", oid, status,
    reason), ("trade", id), ...), so a listener need not read and decode them again."""
    seq: int
    ts: int
    actor: str
    op: str
    status: str            # accepted | rejected
    reason: str | None
    events: list


def entry(out: Outcome, ts: int, actor: str, op: str, events: list) -> Entry:
    return Entry(out.seq, ts, actor, op, "accepted" if out.reason is None else "rejected",
                 out.reason, events)


def prepare(obj, actor: str, *, extended: bool = True, body: str | None = None):
    """A stream object to a submittable item. Raises StreamError on a bad shape."""
    cmd = parse_command(obj, extended=extended)
    return cmd, body if body is not None else orjson.dumps(obj).decode(), actor, obj["op"]


class _Statements:
    """The write path's statements, compiled once for the dialect (db.sql.Bulk)."""
    __slots__ = ("catch_up", "lock", "journal", "order_new", "order_updates", "trade",
                 "ledger", "wallet_new", "wallet_update")

    def __init__(self, bulk: Bulk) -> None:
        J, W = S.Journal, S.WriterLock
        self.catch_up = bulk.statement("catch_up", lambda: select(
            J.seq, J.ts, J.actor, J.body).where(J.seq > bindparam("after")).order_by(J.seq),
            ("after",))
        self.lock = bulk.statement("lock", lambda: update(W).where(
            W.id == bindparam("id")).values(n=W.n + literal_column("1")), ("id",))
        self.journal = bulk.insert(J.__table__, JOURNAL_COLS)
        orders = S.OrderRow.__table__
        self.order_new = bulk.insert(orders, ORDER_COLS)
        self.order_updates = tuple(bulk.update(orders, ("id",), cols) for cols in ORDER_UPDATES)
        self.trade = bulk.insert(S.TradeRow.__table__, TRADE_COLS)
        self.ledger = bulk.insert(S.LedgerRow.__table__, LEDGER_COLS)
        wallets = S.WalletRow.__table__
        self.wallet_new = bulk.insert(wallets, WALLET_COLS)
        self.wallet_update = bulk.update(wallets, WALLET_COLS[:2], WALLET_VALUES)


class Store:
    """One process's view of the exchange on a database, kept current by the journal."""

    def __init__(self, url: str | None = None, *, create: bool = True) -> None:
        self.url = normalise_url(url or default_url())
        self.engine = connect(self.url)
        if create:
            create_schema(self.engine)
        self.bulk = Bulk(self.engine.dialect)
        self._sql = _Statements(self.bulk)
        self._client_ids = ClientIds(self.bulk)
        self._wallets_known: set = set()
        self._symbols_written: dict = {}    # name -> (spec, active, sessions, open, last,
                                            # row) as this process last wrote it
        self._raw = None
        self._entries: list | None = None   # the batch's entries being committed
        self.trade_listeners: list = []     # called with engine trade tuples once committed
        self.entry_listeners: list = []     # called with Entry tuples once committed (below)
        self.reload()

    # --------------------------------------------------------------- reading
    def reload(self) -> None:
        """Rebuild the in-memory exchange from the projections, all read at one point of
        the journal: SQLite's driver gives each bare SELECT its own snapshot, so a writer
        committing between two of them would leave a state mixing two journal points."""
        with self.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            if self.engine.dialect.name == "sqlite":
                raw.cursor().execute("BEGIN")   # one read snapshot for every SELECT below
            else:
                self._lock(raw.cursor())        # no writer commits while we read
            try:
                self.ex, self._wallets_known = load_exchange(conn)
                self._symbols_written.clear()
            finally:
                raw.rollback()

    def refresh(self) -> int:
        """Apply journal entries other processes committed; returns how many."""
        with self.engine.connect() as conn:
            n = self._catch_up(conn.connection.dbapi_connection.cursor())
            conn.rollback()
        return n

    def _catch_up(self, cur) -> int:
        ex = self.ex
        Bulk.run(cur, self._sql.catch_up, [(ex.seq,)])
        rows = cur.fetchall()
        objs = [orjson.loads(body) for _, _, _, body in rows]
        cmds = [parse_command(obj, extended=True) for obj in objs]
        self._client_ids.seed(cur, ex, cmds)
        outcomes = []
        for (seq, ts, actor, _), cmd in zip(rows, cmds):
            outcomes.append(ex.apply(cmd, ts, actor))
            if ex.seq != seq:
                raise RuntimeError(f"journal gap: expected seq {ex.seq}, found {seq}")
        if rows:
            changes = Changes()
            events = [changes.add(out) for out in outcomes]
            self._wallets_known.update(changes.wallets)
            self._symbols_written.clear()    # others may have written them since
            self._tell(changes.trades)
            if self.entry_listeners:
                self._tell_entries([entry(out, ts, actor, obj["op"], ev) for (_, ts, actor, _),
                                    obj, out, ev in zip(rows, objs, outcomes, events)])
        return len(rows)

    def _tell(self, trades) -> None:
        if trades:
            for listen in self.trade_listeners:
                listen(trades)

    def _tell_entries(self, entries: list) -> None:
        for listen in self.entry_listeners:
            listen(entries)

    # --------------------------------------------------------------- writing
    def submit(self, items, ts: int, within=None) -> BatchResult:
        """Apply prepared items [(command, body, actor, op)] in one transaction and commit.
        `within(cursor, bulk, result)`, when given, writes its own rows in the same
        transaction (under the write lock) after the projections; raising rolls all back.
        The cyclic garbage collector is paused for the batch (then left as it was)."""
        raw = self._writer()
        with paused_gc():
            return self._submit(raw, items, ts, within)

    def _submit(self, raw, items, ts: int, within) -> BatchResult:
        try:
            cur = raw.cursor()
            self._lock(cur)
            self._catch_up(cur)
            self._client_ids.seed(cur, self.ex, [item[0] for item in items])
            start = self.ex.seq
            result, journal, changes = self._apply(items, ts)
            result.orders, result.trades, result.changes = changes.orders, changes.trades, changes
            self._write(cur, start, journal, changes)
            if within is not None:
                within(cur, self.bulk, result)
            raw.commit()
            self._tell(changes.trades)
            if self.entry_listeners:
                self._tell_entries(self._entries)
        except BaseException as exc:
            try:
                raw.rollback()
            finally:
                self.reload()
            if is_locked(exc):
                raise busy() from None
            raise
        return result

    def _writer(self):
        """One DBAPI connection kept for writing: no pool round trip per command."""
        if self._raw is None:
            self._raw = self.engine.raw_connection()
        return self._raw

    def _lock(self, cur) -> None:
        """Take the database's write lock before reading what others wrote."""
        if self.engine.dialect.name == "sqlite":
            cur.execute("BEGIN IMMEDIATE")   # SQLite's own write lock; dirties no page
            return
        Bulk.run(cur, self._sql.lock, [(1,)])

    def _apply(self, items, ts):
        """Apply prepared items: (the BatchResult of their outcomes, their journal rows,
        the Changes they make)."""
        ex = self.ex
        result = BatchResult()
        changes = Changes()
        journal = []
        told = self._entries = [] if self.entry_listeners else None
        for cmd, body, actor, op in items:
            out = ex.apply(cmd, ts, actor)
            rows = changes.add(out, ts)
            journal.append((out.seq, ts, actor, op, body,
                            "accepted" if out.reason is None else "rejected", out.reason,
                            orjson.dumps(rows).decode()))
            result.outcomes.append(out)
            if told is not None:
                told.append(entry(out, ts, actor, op, rows))
        return result, journal, changes

    def _write(self, cur, start: int, journal: list, ch: Changes) -> None:
        """Append the journal rows and update the projections with the batch's changes;
        orders placed after `start` (the seq before the batch) are new rows."""
        ex = self.ex
        sql = self._sql
        run = Bulk.run
        last = ex.seq
        run(cur, sql.journal, journal)
        new_rows, updates = [], ([], [], [])     # updates by db.projection.update_kind
        for oid, o in ch.orders.items():
            if oid > start:
                new_rows.append(order_row(o, last))
            else:
                kind = update_kind(ch, oid)
                updates[kind].append(order_update_row(o, last, kind))
        run(cur, sql.order_new, new_rows)
        for statement, rows in zip(sql.order_updates, updates):
            run(cur, statement, rows)
        if ch.trades:
            run(cur, sql.trade, [trade_row(t) for t in ch.trades])
        run(cur, sql.ledger, ledger_rows(ch.moves))
        known = self._wallets_known
        users = ex.users
        w_new, w_upd = [], []
        for key in ch.wallets:
            values = wallet_values(users[key[0]].wallets[key[1]])
            if key in known:
                w_upd.append(values + key)
            else:
                w_new.append(key + values)
        run(cur, sql.wallet_new, w_new)
        run(cur, sql.wallet_update, w_upd)
        known.update(ch.wallets)
        for u in ch.users.values():
            self._upsert(cur, S.UserRow.__table__, ("name",), (u.name,), ("role", "status"),
                         (u.role, u.status))
        if ch.users:      # a user added or suspended: gateways check their tokens again
            bump_auth_generation(cur, self.bulk)
        for asset, places in ch.assets.items():
            self._upsert(cur, S.AssetRow.__table__, ("name",), (asset,), ("precision",),
                         (places,))
        written = self._symbols_written
        for sym in ch.symbols.values():
            # a trade at the last price changes nothing; the spec is frozen (replaced
            # whole when it changes), so the same object means the same text
            state = (sym.spec, sym.active, sym.sessions, sym.open, sym.last)
            was = written.get(sym.name)
            if was is not None and was[0] is state[0] and was[1:] == state[1:]:
                continue
            row = symbol_row(sym)
            if was is None or was[5] != row:
                self._upsert(cur, S.SymbolRow.__table__, ("name",), row[:1], SYMBOL_COLS[1:],
                             row[1:])
            written[sym.name] = state + (row,)
        for seq, ts, sym, opened in ch.sessions:
            self._write_session(cur, session_row(seq, ts, sym, opened), opened)

    def _upsert(self, cur, table, keys, key_values, cols, values) -> None:
        if not Bulk.run(cur, self.bulk.update(table, keys, cols), [values + key_values]):
            Bulk.run(cur, self.bulk.insert(table, keys + cols), [key_values + values])

    def _write_session(self, cur, row: tuple, opened: bool) -> None:
        """A session opening starts a row; a closing ends the open one (or starts a row
        of its own when none is open)."""
        table = S.SessionRow.__table__
        if opened:
            Bulk.run(cur, self.bulk.insert(table, SESSION_OPEN_COLS), [row])
            return
        c = table.c
        done = Bulk.run(cur, self.bulk.statement("session_close", lambda: update(
            table).where(c.symbol == bindparam("symbol"), c.closed_seq.is_(None))
            .values(closed_seq=bindparam("seq"), closed_ts=bindparam("ts")),
            ("symbol", "seq", "ts")), [row[:3]])
        if not done:
            Bulk.run(cur, self.bulk.insert(table, SESSION_CLOSE_COLS), [row])

    # --------------------------------------------------------------- helpers
    def journal_length(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(S.Journal)).scalar_one()

    def close(self) -> None:
        if self._raw is not None:
            self._raw.close()
            self._raw = None
        self.engine.dispose()
