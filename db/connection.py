"""Connecting to the database: the engine on a URL (SQLite made owner-only, WAL, a lock
timeout), creating the schema, bringing an older database up to SCHEMA_VERSION, and the
one error a writer gets when the write lock stays taken."""
import os
import sqlite3
import time

from sqlalchemy import create_engine, event, inspect, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import SQLModel

from . import dbfile
from . import schema as S
from .projected import ALL, MARK_KEY, guard
from .urls import normalise_url


class DatabaseBusy(RuntimeError):
    """A writer waited longer than the lock timeout for the database's write lock."""


def lock_timeout() -> float:
    """Seconds a writer waits for the write lock: SOUQ_LOCK_TIMEOUT, else 120."""
    text = os.environ.get("SOUQ_LOCK_TIMEOUT", "")
    try:
        value = float(text) if text else 120.0
    except ValueError:
        value = -1.0
    if not 0 < value <= 86_400:
        raise ValueError(f"SOUQ_LOCK_TIMEOUT must be seconds between 0 and 86400, not {text!r}")
    return value


def is_locked(exc: BaseException) -> bool:
    """True for the driver's "database is locked" (the lock timeout ran out)."""
    return isinstance(exc, (sqlite3.OperationalError, OperationalError)) and \
        "database is locked" in str(exc)


def busy() -> DatabaseBusy:
    """The one-line error for a writer that could not get the lock in time."""
    return DatabaseBusy(f"the database is busy: another writer held its write lock for more "
                        f"than {lock_timeout():g} s (SOUQ_LOCK_TIMEOUT); nothing was changed, "
                        f"try again")


def connect(url: str) -> Engine:
    """An Engine on `url`; a SQLite file is made owner-only and checked to be souq's first
    (db/dbfile.py). ValueError for an empty URL, a foreign database, a missing driver."""
    url = normalise_url(dbfile.require_url(url, "the database URL"))
    if url.startswith("sqlite"):
        path = dbfile.sqlite_path(url)
        if path is not None:
            dbfile.prepare_sqlite(path)
        engine = create_engine(url, connect_args={"timeout": lock_timeout()})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            # switching a new file to WAL ignores the busy timeout: retry while another
            # process is creating the same database
            _while_locked(lambda: cur.execute("PRAGMA journal_mode=WAL"))
            cur.execute("PRAGMA synchronous=NORMAL")   # durable across process crashes
            cur.execute("PRAGMA wal_autocheckpoint=10000")
            cur.execute("PRAGMA journal_size_limit=67108864")  # WAL cut back to 64 MB
            cur.close()
        guard(engine, url)    # readers see projections caught up to the journal
        return engine
    try:
        engine = create_engine(url)
    except ModuleNotFoundError as exc:     # e.g. postgresql:// without psycopg installed
        raise ValueError(f"the database URL needs the Python driver {exc.name!r}, which is "
                         f"not installed (pip install it, or name another driver in the "
                         f"URL, e.g. postgresql+psycopg2://)") from None
    guard(engine, url)
    return engine


def _while_locked(fn, attempts: int = 100, pause: float = 0.05):
    """Run fn, retrying SQLite's immediate 'database is locked' for a few seconds."""
    for attempt in range(attempts):
        try:
            return fn()
        except (sqlite3.OperationalError, OperationalError) as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(pause)


def create_schema(engine: Engine) -> None:
    """Create what is missing. Processes opening a new SQLite database at the same moment
    would race between "no such table" and CREATE: the creator holds the write lock."""
    if engine.dialect.name == "sqlite":
        _while_locked(lambda: _create_schema(engine))
    else:
        _create_schema(engine)


def _create_schema(engine: Engine) -> None:
    with engine.connect() as conn:
        sqlite = engine.dialect.name == "sqlite"
        if not sqlite:   # SQLite files are checked before connecting
            dbfile.check_foreign(conn, inspect(conn).get_table_names())
        if sqlite and not (set(SQLModel.metadata.tables) <= set(inspect(conn).get_table_names())):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        SQLModel.metadata.create_all(conn)
        if conn.execute(select(S.WriterLock.id)).first() is None:
            conn.execute(S.WriterLock.__table__.insert().values(id=1, n=0))
            conn.execute(S.Meta.__table__.insert().values(key="schema", value=S.SCHEMA_VERSION))
            conn.execute(S.Meta.__table__.insert().values(key=MARK_KEY, value=ALL))
        conn.commit()
        if _schema_version(conn) != S.SCHEMA_VERSION:
            if sqlite:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            migrate(conn)
            conn.commit()


def _schema_version(conn) -> str | None:
    return conn.execute(select(S.Meta.value).where(S.Meta.key == "schema")).scalar()


def migrate(conn) -> None:
    """Bring a database written by an older souq up to SCHEMA_VERSION inside `conn`'s
    transaction (the write lock is held): db/migrate.py's steps above the version found,
    stamping each. Raises migrate.SchemaTooNew for a database newer than this code."""
    from .migrate import found_version, pending
    for step in pending(found_version(conn)):    # none: another process migrated meanwhile
        step.run(conn)
        conn.execute(update(S.Meta).where(S.Meta.key == "schema").values(value=step.version))
