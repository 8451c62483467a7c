"""The exchange on a database: every writer locks, catches up on the journal, applies,
appends and commits; readers follow the journal. One transaction per batch of commands.

A Store made with `defer=N` commits only the journal rows of its batches and writes their
projections once N commands wait (and before it closes, and at once for any batch with
an operator command), in one transaction: db/projected.py says how the projections' journal
point is kept and how readers and start-up catch them up.
"""
from dataclasses import dataclass, field
from typing import NamedTuple

import orjson
from sqlalchemy import bindparam, func, literal_column, select, update
from sqlalchemy.dialects import postgresql, sqlite

from souq.engine.events import LedgerMoved, Outcome
from souq.engine.stream import parse_command

from . import schema as S
from .authgen import bump_auth_generation
from .collector import paused_gc
from .connection import (  # noqa: F401  (connect ... busy: their old home, still imported)
    DatabaseBusy, busy, connect, create_schema, is_locked, lock_timeout, migrate,
)
from .load import ClientIds, load_exchange
from .projected import ALL, MARK_KEY, inside, mark_of, parse_mark
from .projection import (  # noqa: F401  (order_row, trade_row, symbol_row: their old home)
    ORDER_UPDATES, Changes, ledger_rows, order_row, order_rows, session_row, symbol_row,
    trade_row, wallet_rows,
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
#: ops whose projections may wait in a deferring Store: order flow and money in or out;
#: any other (users, symbols, sessions, assets, audits) writes the projections at once
DEFERRABLE_OPS = frozenset(("limit", "market", "stop_limit", "stop_market", "cancel", "amend",
                            "cancel_all", "deposit", "withdraw"))


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
                 "ledger", "wallet_new", "wallet_update", "mark")

    def __init__(self, bulk: Bulk) -> None:
        J, W = S.Journal, S.WriterLock
        self.catch_up = bulk.statement("catch_up", lambda: select(
            J.seq, J.ts, J.actor, J.body).where(J.seq > bindparam("after")).order_by(J.seq),
            ("after",))
        M = S.Meta
        self.mark = bulk.statement("mark", lambda: select(M.value).where(
            M.key == bindparam("key")), ("key",))
        self.lock = bulk.statement("lock", lambda: update(W).where(
            W.id == bindparam("id")).values(n=W.n + literal_column("1")), ("id",))
        self.journal = bulk.insert(J.__table__, JOURNAL_COLS)
        orders = S.OrderRow.__table__
        self.order_new = bulk.insert(orders, ORDER_COLS)
        self.order_updates = tuple(bulk.update(orders, ("id",), cols) for cols in ORDER_UPDATES)
        self.trade = bulk.insert(S.TradeRow.__table__, TRADE_COLS)
        self.ledger = bulk.insert(S.LedgerRow.__table__, LEDGER_COLS)
        wallets = S.WalletRow.__table__
        self.wallet_new = _upsert_statement(bulk, wallets, WALLET_COLS, WALLET_COLS[:2])
        self.wallet_update = bulk.update(wallets, WALLET_COLS[:2], WALLET_VALUES)


def _upsert_statement(bulk: Bulk, table, cols: tuple[str, ...], keys: tuple[str, ...]):
    """INSERT of `cols` that updates the row when its `keys` exist (SQLite, PostgreSQL):
    a deferring writer's projections may find a row another process already wrote. Other
    dialects: a plain INSERT."""
    dialect = {"sqlite": sqlite, "postgresql": postgresql}.get(bulk.dialect.name)
    if dialect is None:
        return bulk.insert(table, cols)

    def build():
        stmt = dialect.insert(table).values({c: bindparam(c) for c in cols})
        return stmt.on_conflict_do_update(index_elements=list(keys), set_={
            c: stmt.excluded[c] for c in cols if c not in keys})
    return bulk.statement(("upsert", table.name), build, cols)


class Store:
    """One process's view of the exchange on a database, kept current by the journal."""

    def __init__(self, url: str | None = None, *, create: bool = True, defer: int = 0) -> None:
        """`defer`: commands whose projections may wait after their journal rows commit
        (0: written in each batch's own transaction; see the module doc)."""
        self.url = normalise_url(url or default_url())
        self.engine = connect(self.url)
        if create:
            token = inside.set(True)            # reload below catches projections up
            try:
                create_schema(self.engine)
            finally:
                inside.reset(token)
        self.defer = defer
        # the changes of journal entries after the last point this process knows to be
        # projected, up to ex.seq (a superset of what the projections lack), the commands
        # they hold, the seq each order was last changed at, and the lowest seq they hold
        self._pending = Changes()
        self._pending_n = 0
        self._pending_touch: dict[int, int] = {}
        self._pending_low: int | None = None
        self._mark_left: int | None = None      # the mark as this process last saw it
        self._data_version = None   # SQLite: the writer connection's PRAGMA data_version
                                    # when it last looked (another's commit changes it)
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
    def reload(self, *, project: bool = True) -> None:
        """Rebuild the in-memory exchange from the projections, all read at one point of
        the journal: SQLite's driver gives each bare SELECT its own snapshot, so a writer
        committing between two of them would leave a state mixing two journal points.
        When the projections lag the journal (a deferring writer's window, or one killed
        mid-window: db/projected.py), the exchange stands at their point and, with
        `project`, the projections are then caught up from the journal (`project`)."""
        token = inside.set(True)
        try:
            with self.engine.connect() as conn:
                raw = conn.connection.dbapi_connection
                if self.engine.dialect.name == "sqlite":
                    raw.cursor().execute("BEGIN")   # one read snapshot for every SELECT below
                else:
                    self._lock(raw.cursor())        # no writer commits while we read
                try:
                    self.ex, self._wallets_known = load_exchange(conn)
                    self._client_ids.loaded(self.ex.seq)
                    self._mark_left = mark_of(conn)
                    lag = self._mark_left is not None
                    self._symbols_written.clear()
                finally:
                    raw.rollback()
        finally:
            inside.reset(token)
        self._drop_pending()
        self._data_version = None
        if lag and project:
            self.project()

    def refresh(self) -> int:
        """Apply journal entries other processes committed; returns how many."""
        token = inside.set(True)
        try:
            with self.engine.connect() as conn:
                cur = conn.connection.dbapi_connection.cursor()
                mark = self._read_mark(cur)     # before the journal: it only moves on
                if mark != self._mark_left:
                    self._symbols_written.clear()
                    self._mark_left = mark
                if mark is None:
                    self._drop_pending()        # all this process applied is projected
                n = self._catch_up(cur, -1 if mark is None else mark, under_lock=False)
                conn.rollback()
        finally:
            inside.reset(token)
        return n

    def _read_mark(self, cur) -> int | None:
        Bulk.run(cur, self._sql.mark, [(MARK_KEY,)])
        row = cur.fetchone()
        return parse_mark(row[0] if row else None)

    def _drop_pending(self) -> None:
        self._pending = Changes()
        self._pending_n = 0
        self._pending_touch = {}
        self._pending_low = None

    def _keep(self, ch: Changes, first: int, last: int, commands: int) -> None:
        """Fold the changes of journal entries first..last into the pending ones."""
        p = self._pending
        p.orders.update(ch.orders)
        self._pending_touch.update(dict.fromkeys(ch.orders, last))
        p.trades += ch.trades
        p.moves += ch.moves
        p.wallets |= ch.wallets
        p.users.update(ch.users)
        p.symbols.update(ch.symbols)
        p.assets.update(ch.assets)
        p.sessions += ch.sessions
        p.statused |= ch.statused
        p.ranked |= ch.ranked
        self._pending_n += commands
        if self._pending_low is None:
            self._pending_low = first

    def _catch_up(self, cur, floor: int | None, under_lock: bool = True) -> int:
        """Apply the journal entries after ex.seq. Their changes after seq `floor` are kept
        as pending projections (None: every entry is projected)."""
        ex = self.ex
        Bulk.run(cur, self._sql.catch_up, [(ex.seq,)])
        rows = cur.fetchall()
        if not rows:
            return 0
        objs = [orjson.loads(body) for _, _, _, body in rows]
        cmds = [parse_command(obj, extended=True) for obj in objs]
        self._client_ids.seed(cur, ex, cmds)
        done, kept = Changes(), Changes()
        first = None
        told = [] if self.entry_listeners else None
        for (seq, ts, actor, _), obj, cmd in zip(rows, objs, cmds):
            out = ex.apply(cmd, ts, actor)
            if ex.seq != seq:
                raise RuntimeError(f"journal gap: expected seq {ex.seq}, found {seq}")
            if floor is not None and seq > floor:
                events = kept.add(out, ts)
                first = seq if first is None else first
            else:
                events = done.add(out, ts)
            if told is not None:
                told.append(entry(out, ts, actor, obj["op"], events))
        if first is not None:
            self._keep(kept, first, ex.seq, ex.seq - first + 1)
        if under_lock or floor is not None:
            self._wallets_known.update(done.wallets)    # projected: their rows exist
        self._symbols_written.clear()    # others may have written them since
        self._tell(done.trades + kept.trades)
        if told:
            self._tell_entries(told)
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
        token = inside.set(True)
        try:
            with paused_gc():
                return self._submit(raw, items, ts, within)
        finally:
            inside.reset(token)

    def project(self) -> None:
        """Write the projections of every journal entry not yet projected (this process's
        deferred window, or any other writer's) and commit: then they stand at the journal."""
        self.submit([], 0)

    def _submit(self, raw, items, ts: int, within) -> BatchResult:
        try:
            cur = raw.cursor()
            self._lock(cur)
            if self._nobody_else_wrote(cur):
                mark = self._mark_left      # the journal ends at ex.seq, the mark is ours
            else:
                mark = self._read_mark(cur)
                if mark != self._mark_left:     # another process wrote projections: the
                    self._symbols_written.clear()     # symbol rows may not be this one's
                if mark is None:
                    self._drop_pending()        # every entry committed so far is projected
                self._catch_up(cur, mark)
            self._client_ids.seed(cur, self.ex, [item[0] for item in items])
            start = self.ex.seq
            result, journal, changes = self._apply(items, ts)
            result.orders, result.trades, result.changes = changes.orders, changes.trades, changes
            Bulk.run(cur, self._sql.journal, journal)
            floor = start if mark is None else mark    # where the projections stand
            write = not items or not self.defer or self._pending_n + len(items) >= self.defer \
                or any(item[3] not in DEFERRABLE_OPS for item in items)
            left = mark
            if not write:
                self._keep(changes, start + 1, self.ex.seq, len(items))
                if mark is None:
                    self._set_mark(cur, str(start))    # a window opens: projected to start
                    left = start
            else:
                left = None
                if self._pending_low is None:
                    self._write(cur, floor, changes)    # nothing else waits: the batch's own
                else:
                    if items:
                        self._keep(changes, start + 1, self.ex.seq, len(items))
                    self._write(cur, floor, self._pending)
                if mark is not None:
                    self._set_mark(cur, ALL)
            if within is not None:
                within(cur, self.bulk, result)
            raw.commit()
            self._mark_left = left
            if write:
                self._drop_pending()
            self._tell(result.trades)
            if self._entries:           # none for a batch of no commands (project)
                self._tell_entries(self._entries)
        except BaseException as exc:
            self._data_version = None
            try:
                raw.rollback()
            finally:
                self.reload(project=False)
            if is_locked(exc):
                raise busy() from None
            raise
        return result

    def _nobody_else_wrote(self, cur) -> bool:
        """Under the write lock: True when no other connection committed since this
        Store's last batch (SQLite's PRAGMA data_version is unchanged), so neither the
        journal nor the mark moved: the look at both is skipped. Elsewhere: False."""
        if self.engine.dialect.name != "sqlite":
            return False
        cur.execute("PRAGMA data_version")
        version = cur.fetchone()[0]
        same = version == self._data_version
        self._data_version = version
        return same

    def _set_mark(self, cur, value: str) -> None:
        self._upsert(cur, S.Meta.__table__, ("key",), (MARK_KEY,), ("value",), (value,))

    def _writer(self):
        """One DBAPI connection kept for writing: no pool round trip per command."""
        if self._raw is None:
            self._raw = self.engine.raw_connection()
        return self._raw

    def no_autocheckpoint(self) -> None:
        """SQLite: this Store's commits never run a checkpoint themselves (PRAGMA
        wal_autocheckpoint=0 on its writer connection); whoever calls this keeps the log
        bounded instead (db.walkeeper). Nothing on other databases."""
        if self.engine.dialect.name == "sqlite":
            cur = self._writer().cursor()
            cur.execute("PRAGMA wal_autocheckpoint=0")
            cur.close()

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

    def _write(self, cur, floor: int, ch: Changes) -> None:
        """Update the projections, which stand at journal seq `floor`, with the changes `ch`
        of the entries after it, as the exchange stands now: orders placed after `floor`
        are new rows. `ch` may also hold changes of entries at or before `floor` (pending
        changes another process projected meanwhile): those are left out."""
        ex = self.ex
        sql = self._sql
        run = Bulk.run
        last = ex.seq
        stale = self._pending_low is not None and self._pending_low <= floor
        new_rows, updates = order_rows(ch, floor, last, self._pending_touch if stale else None)
        run(cur, sql.order_new, new_rows)
        for statement, rows in zip(sql.order_updates, updates):
            run(cur, statement, rows)
        trades, moves, sessions = ch.trades, ch.moves, ch.sessions
        if stale:
            trades = [t for t in trades if t[1] > floor]
            moves = [m for m in moves if (m[0] if type(m) is LedgerMoved else m[1]) > floor]
            sessions = [s for s in sessions if s[0] > floor]
        if trades:
            run(cur, sql.trade, [trade_row(t) for t in trades])
        run(cur, sql.ledger, ledger_rows(moves))
        w_new, w_upd = wallet_rows(ch, ex.users, self._wallets_known)
        run(cur, sql.wallet_new, w_new)
        run(cur, sql.wallet_update, w_upd)
        self._wallets_known.update(ch.wallets)
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
        for seq, ts, sym, opened in sessions:
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
        """Write the projections still waiting (a deferring Store), then let go."""
        try:
            if self._pending_n:
                self.project()
        finally:
            self._close()

    def _close(self) -> None:
        if self._raw is not None:
            self._raw.close()
            self._raw = None
        self.engine.dispose()
