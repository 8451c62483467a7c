"""Imported market data sets: one md_sets row per file and its trade or book rows.

Reads take a Connection and return plain dicts or tuples; the import writes through the
Connection of one transaction its caller holds, so a file is stored whole or not at all.
"""
from sqlalchemy import delete as sql_delete, func, select

from . import schema as S

KINDS = ("trades", "book")
TABLES = {"trades": S.MdTrade, "book": S.MdBook}
COLUMNS = {"trades": ("ts", "price", "qty", "side"),
           "book": ("ts", "side", "price", "size", "kind")}


def exists(conn, name: str) -> bool:
    return conn.execute(select(func.count()).select_from(S.MdSet)
                        .where(S.MdSet.name == name)).scalar() > 0


def insert_rows(conn, kind: str, name: str, rows: list[tuple]) -> None:
    """(line, *COLUMNS[kind]) tuples for data set `name`."""
    if rows:
        cols = ("line", *COLUMNS[kind])
        conn.execute(TABLES[kind].__table__.insert(),
                     [{"dataset": name, **dict(zip(cols, r))} for r in rows])


def add_set(conn, name: str, kind: str, symbol: str, rows: int, first_ts: int | None,
            last_ts: int | None, source: str, created_ts: int) -> None:
    conn.execute(S.MdSet.__table__.insert().values(
        name=name, kind=kind, symbol=symbol, rows=rows, first_ts=first_ts, last_ts=last_ts,
        source=source, created_ts=created_ts))


def sets(conn) -> list[dict]:
    return [dict(r) for r in conn.execute(select(S.MdSet).order_by(S.MdSet.name)).mappings()]


def get_set(conn, name: str) -> dict | None:
    row = conn.execute(select(S.MdSet).where(S.MdSet.name == name)).mappings().first()
    return dict(row) if row else None


def rows(conn, kind: str, name: str, start: int | None = None, end: int | None = None,
         limit: int | None = None):
    """The stored rows (ts, ...COLUMNS[kind][1:]) in file order, start <= ts < end."""
    t = TABLES[kind]
    q = select(*(getattr(t, c) for c in COLUMNS[kind])).where(t.dataset == name)
    if start is not None:
        q = q.where(t.ts >= start)
    if end is not None:
        q = q.where(t.ts < end)
    q = q.order_by(t.line)
    if limit is not None:
        q = q.limit(limit)
    return conn.execution_options(yield_per=10_000).execute(q)


def delete_set(conn, name: str) -> bool:
    """Remove a data set and its rows; False when there was none."""
    found = get_set(conn, name)
    if found is None:
        return False
    t = TABLES[found["kind"]]
    conn.execute(sql_delete(t).where(t.dataset == name))
    conn.execute(sql_delete(S.MdSet).where(S.MdSet.name == name))
    return True
