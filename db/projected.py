"""Projections off the command path (issue 16): how far the projection tables stand.

The journal is the truth and is committed with every command. The projection tables
(orders, trades, ledger, wallets, symbols, users, assets, sessions) may stand at an
earlier journal point: a writer that defers them (db.store.Store's `defer`) commits only
the journal rows of its batches and writes the projections of many batches later, in one
transaction, under the write lock. The `meta` row MARK_KEY says where they stand:

- `all`: the projections are those of the whole journal (every writer that does not
  defer keeps it so, and never writes this row);
- a number P: they are those of the journal up to seq P; entries after P are not projected.

A deferring writer writes P once, when its window opens (the seq before its first
deferred batch), and `all` when it writes the window's projections. Both writes are in the
transaction of the journal rows or projections they describe, so the mark and the tables
always agree, and a `kill -9` mid-window leaves a database whose projections stand at P:
any process that opens it (db.store.Store's start-up) or reads it catches them up from the
journal.

Readers: every engine made by db.connection.connect checks the mark when a connection is
opened (`guard`): when it is a number, the projections are brought up to the journal
first (`catch_up`: a Store on its own engine, under the write lock), so every read through
SQLAlchemy sees projections caught up to the journal as it stood when the connection
opened. db/lite.py's read-only fast path cannot write: it falls back to the full path when
the mark is not `all`. Readers that read the journal and the projections in one snapshot
take the journal point from `point` (the mark when a number), not from max(journal.seq).
"""
import contextvars
import threading

from sqlalchemy import event, func, select

from . import schema as S

MARK_KEY = "projected"
ALL = "all"

#: set while a Store reads or writes on its own engine: its connections need no guard
#: (it catches up itself) and a guard inside a transaction holding the write lock would
#: wait on that very lock
inside = contextvars.ContextVar("souq_projection_inside", default=False)
_catching_up = threading.local()


def parse_mark(value: str | None) -> int | None:
    """The meta value as the journal point the projections stand at; None for `all` (or no
    row: a database from before the mark, whose projections are always whole)."""
    if value is None or value == ALL:
        return None
    return int(value)


def mark_of(conn) -> int | None:
    """The projections' journal point on a SQLAlchemy connection (None: the whole journal)."""
    return parse_mark(conn.execute(select(S.Meta.value).where(S.Meta.key == MARK_KEY)).scalar())


def point(conn) -> int:
    """The journal point a reader of the projections stands at, read in its snapshot: the
    mark when the projections lag, else the journal's last seq (0 when empty)."""
    mark = mark_of(conn)
    if mark is not None:
        return mark
    return conn.execute(select(func.coalesce(func.max(S.Journal.seq), 0))).scalar_one()


def _raw_mark(dbapi_conn, dialect) -> int | None:
    """The mark read on a bare DBAPI connection, leaving it outside any transaction."""
    cur = dbapi_conn.cursor()
    try:
        p = "?" if dialect.paramstyle == "qmark" else "%s"
        cur.execute(f"SELECT value FROM meta WHERE key = {p}", (MARK_KEY,))
        row = cur.fetchone()
    finally:
        cur.close()
        dbapi_conn.rollback()
    return parse_mark(row[0] if row else None)


def catch_up(url: str) -> None:
    """Bring the projections of the database at `url` up to its journal: a Store on its own
    engine does it at start-up (db.store.Store.reload), under the write lock."""
    from .store import Store
    token = inside.set(True)
    try:
        Store(url, create=False).close()
    finally:
        inside.reset(token)


def guard(engine, url: str) -> None:
    """Make every connection `engine` opens (outside a Store's own work) see projections
    caught up to the journal (see the module doc)."""

    @event.listens_for(engine, "engine_connect")
    def _caught_up(conn) -> None:
        if inside.get() or getattr(_catching_up, "on", False):
            return
        try:
            mark = _raw_mark(conn.connection.dbapi_connection, engine.dialect)
        except engine.dialect.dbapi.Error:   # no meta table yet (a new database)
            conn.connection.dbapi_connection.rollback()
            return
        if mark is not None:
            _catching_up.on = True
            try:
                catch_up(url)
            finally:
                _catching_up.on = False
