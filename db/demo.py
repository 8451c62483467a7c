"""The demo database's life: marked as a demo, kept small, and started afresh on request.

A real exchange keeps its journal for ever (it is the truth). The demo exchange is a
practice ground whose simulated market writes about 7 MB a minute: left alone it grew to
244 MB with its WAL in 35 minutes (issue 15). So a database that `mm.desk.demo_configs`
built is marked `demo` in its meta table, and only such a database can be:
- reset (`souq demo reset`): every table emptied and the demo built again;
- aged out: the workstation resets a demo whose first journal entry is older than the
  retention setting (`demo_retention_hours`, default 24; 0 keeps everything).
Every SQLite database also caps its write-ahead log (`journal_size_limit` in
db/store.connect) and is checkpointed back to that size when the workstation closes.
"""
from sqlalchemy import Engine, func, select
from sqlmodel import SQLModel

from . import schema as S

DEMO_KEY = "demo"
HOUR_NS = 3600 * 10**9
DEFAULT_RETENTION_HOURS = 24


def mark_demo(engine: Engine) -> None:
    """Flag the database as the demo exchange (only demo_configs.build calls this)."""
    with engine.begin() as conn:
        if conn.execute(select(S.Meta.value).where(S.Meta.key == DEMO_KEY)).first() is None:
            conn.execute(S.Meta.__table__.insert().values(key=DEMO_KEY, value="1"))


def is_demo(engine: Engine) -> bool:
    """Whether the database holds the demo exchange (and so may be reset or aged out)."""
    with engine.connect() as conn:
        row = conn.execute(select(S.Meta.value).where(S.Meta.key == DEMO_KEY)).first()
    return row is not None and row[0] == "1"


def journal_span(engine: Engine) -> tuple[int, int | None]:
    """(journal entries, ts in ns of the first one or None when empty)."""
    with engine.connect() as conn:
        n, first = conn.execute(select(func.count(), func.min(S.Journal.ts))).one()
    return n, first


def expired(engine: Engine, now_ns: int, hours: float) -> bool:
    """Whether a demo database's first journal entry is more than `hours` old at `now_ns`
    (hours <= 0: never). False for any database that is not a demo."""
    if hours <= 0 or not is_demo(engine):
        return False
    _, first = journal_span(engine)
    return first is not None and now_ns - first > hours * HOUR_NS


def clear(engine: Engine) -> int:
    """Empty every table of a demo database, keeping the schema and the demo mark; the
    number of journal entries removed. ValueError for a database that is not a demo."""
    if not is_demo(engine):
        raise ValueError("this database is not the demo exchange: only a demo database can "
                         "be reset (a real exchange keeps its whole journal)")
    n, _ = journal_span(engine)
    keep = {S.Meta.__tablename__, S.WriterLock.__tablename__}
    with engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            if table.name not in keep:
                conn.execute(table.delete())
    checkpoint(engine)
    return n


def checkpoint(engine: Engine, mode: str = "TRUNCATE") -> None:
    """Fold SQLite's write-ahead log into the database; TRUNCATE also empties the log
    file (waiting for readers up to 30 s), PASSIVE does what it can without waiting (the
    next writer then starts the log again, cut to `journal_size_limit`). The gateway's
    checkpoint thread's own statement (db.walkeeper.checkpoint_file). Nothing on other
    databases, nor on an in-memory one."""
    from .dbfile import sqlite_path
    from .walkeeper import checkpoint_file
    if engine.url.get_backend_name() != "sqlite":
        return
    if mode not in ("PASSIVE", "TRUNCATE"):
        raise ValueError(f"checkpoint mode {mode!r} is not PASSIVE or TRUNCATE")
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    if path is not None:
        checkpoint_file(path, mode)


def age_out(url: str, now_ns: int, hours: float) -> int | None:
    """Before a workstation opens `url`: empty it when it is a demo database older than
    `hours` (see `expired`). The journal entries removed, or None when it was kept (not a
    demo, young enough, no such file yet)."""
    from .dbfile import sqlite_path
    from .store import connect
    from .urls import normalise_url
    path = sqlite_path(normalise_url(url)) if url.startswith("sqlite") else None
    if path is not None and not path.exists():
        return None
    engine = connect(url)
    try:
        with engine.connect() as conn:
            if not engine.dialect.has_table(conn, S.Meta.__tablename__):
                return None
        return clear(engine) if expired(engine, now_ns, hours) else None
    finally:
        engine.dispose()
