"""Imported market data sets: one md_sets row per file and its trade or book rows.

Reads take a Connection and return plain dicts or tuples, and see only `ready` sets.
Writing a set never holds the database's write lock for long, so trading never waits on
market data: `begin_set` reserves the name (state `importing`) in one short transaction,
each batch of rows is its own transaction, and `finish_set` flags the set `ready` in a last
one, so readers see the whole file or nothing of it. `delete_set` works the other way.
"""
from sqlalchemy import delete as sql_delete, func, select, update

from . import schema as S

KINDS = ("trades", "book")
TABLES = {"trades": S.MdTrade, "book": S.MdBook}
COLUMNS = {"trades": ("ts", "price", "qty", "side"),
           "book": ("ts", "side", "price", "size", "kind")}


IMPORTING, READY, DELETING = "importing", "ready", "deleting"
DELETE_CHUNK = 20_000   # rows removed per transaction


def state(conn, name: str) -> str | None:
    """The set's state, whatever it is; None when there is no such set."""
    return conn.execute(select(S.MdSet.state).where(S.MdSet.name == name)).scalar()


def insert_rows(conn, kind: str, name: str, rows: list[tuple]) -> None:
    """(line, *COLUMNS[kind]) tuples for data set `name`."""
    if rows:
        cols = ("line", *COLUMNS[kind])
        conn.execute(TABLES[kind].__table__.insert(),
                     [{"dataset": name, **dict(zip(cols, r))} for r in rows])


def begin_set(conn, name: str, kind: str, symbol: str, source: str, created_ts: int) -> None:
    """Reserve `name` for an import (state importing, invisible to readers). Raises
    ValueError when the name is taken, naming an unfinished import as such."""
    found = state(conn, name)
    if found == READY:
        raise ValueError(f"data set {name!r} already exists; delete it first")
    if found is not None:
        raise ValueError(f"data set {name!r} is being imported or deleted (or that was "
                         f"interrupted: `souq data delete {name}` removes what is left)")
    conn.execute(S.MdSet.__table__.insert().values(
        name=name, kind=kind, symbol=symbol, rows=0, first_ts=None, last_ts=None,
        source=source, created_ts=created_ts, state=IMPORTING))


def finish_set(conn, name: str, rows: int, first_ts: int | None, last_ts: int | None) -> bool:
    """Flag an import complete: the set becomes visible whole. False when the set was
    deleted meanwhile."""
    T = S.MdSet
    done = conn.execute(update(T).where(T.name == name, T.state == IMPORTING).values(
        rows=rows, first_ts=first_ts, last_ts=last_ts, state=READY))
    return done.rowcount == 1


def sets(conn) -> list[dict]:
    return [dict(r) for r in conn.execute(select(S.MdSet).where(S.MdSet.state == READY)
                                          .order_by(S.MdSet.name)).mappings()]


def get_set(conn, name: str) -> dict | None:
    row = conn.execute(select(S.MdSet).where(S.MdSet.name == name, S.MdSet.state == READY)
                       ).mappings().first()
    return dict(row) if row else None


def plain_rows(conn, kind: str, name: str, start: int | None = None,
               end: int | None = None, batch: int = 10_000):
    """`rows` as plain tuples straight from the database driver's cursor, `batch` at a
    time: the same query and order, without a result object around each row (loading a
    data set of a million rows spends most of its time there otherwise). On SQLite; other
    databases stream through `rows` (a server-side cursor, not all rows at once)."""
    if conn.dialect.name != "sqlite":
        for part in rows(conn, kind, name, start, end).partitions():
            yield from part
        return
    q = _rows_query(kind, name, start, end)
    compiled = q.compile(dialect=conn.dialect)
    params = (tuple(compiled.params[k] for k in compiled.positiontup) if compiled.positional
              else compiled.params)
    cur = conn.connection.cursor()
    try:
        cur.execute(str(compiled), params)
        while True:
            part = cur.fetchmany(batch)
            if not part:
                return
            yield from part
    finally:
        cur.close()


def rows(conn, kind: str, name: str, start: int | None = None, end: int | None = None,
         limit: int | None = None):
    """The stored rows (ts, ...COLUMNS[kind][1:]) in file order, start <= ts < end."""
    q = _rows_query(kind, name, start, end)
    if limit is not None:
        q = q.limit(limit)
    return conn.execution_options(yield_per=10_000).execute(q)


def _rows_query(kind: str, name: str, start: int | None, end: int | None):
    t = TABLES[kind]
    q = select(*(getattr(t, c) for c in COLUMNS[kind])).where(t.dataset == name)
    if start is not None:
        q = q.where(t.ts >= start)
    if end is not None:
        q = q.where(t.ts < end)
    return q.order_by(t.line)


def delete_set(engine, name: str) -> bool:
    """Remove a data set and its rows (also what an interrupted import or delete left),
    in transactions of DELETE_CHUNK rows; False when there was none. The set disappears
    from readers in the first transaction."""
    T = S.MdSet
    with engine.begin() as conn:
        kind = conn.execute(select(T.kind).where(T.name == name)).scalar()
        if kind is None:
            return False
        conn.execute(update(T).where(T.name == name).values(state=DELETING))
    purge_rows(engine, kind, name)
    with engine.begin() as conn:
        conn.execute(sql_delete(T).where(T.name == name))
    return True


def purge_rows(engine, kind: str, name: str) -> None:
    """Delete every row of data set `name`, DELETE_CHUNK lines per transaction."""
    t = TABLES[kind]
    while True:
        with engine.begin() as conn:
            upto = conn.execute(select(t.line).where(t.dataset == name).order_by(t.line)
                                .offset(DELETE_CHUNK - 1).limit(1)).scalar()
            q = sql_delete(t).where(t.dataset == name)
            if upto is not None:
                q = q.where(t.line <= upto)
            conn.execute(q)
        if upto is None:
            return
