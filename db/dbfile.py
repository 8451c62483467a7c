"""Who may read the database, and which database souq may open.

A SQLite database holds every balance and the journal, so it is created owner-only: the
data directory 0700, the database file 0600 (SQLite gives its -wal and -shm files the
database file's mode). An existing database that other users can read is opened with a
warning (`DatabaseExposed`), never silently. A file that holds tables but not souq's
marker row is someone else's database: refused before anything is written to it (no
tables added, no switch to WAL). An empty URL is a mistake, never "the default".
"""
import os
import sqlite3
import stat
import warnings
from pathlib import Path


DIR_MODE = 0o700
FILE_MODE = 0o600
MARKER_TABLE, MARKER_KEY = "meta", "schema"


class DatabaseExposed(UserWarning):
    """An existing database file that users other than its owner can read."""


def require_url(url: str | None, source: str) -> str:
    """`url` unless it is empty or blank; ValueError naming `source` (--db, SOUQ_DB)."""
    if url is None or not url.strip():
        raise ValueError(f"{source} is empty; give a database file or SQLAlchemy URL, or "
                         f"leave {source} out for the default database")
    return url


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL; None for another database or an in-memory one."""
    from sqlalchemy.engine import make_url   # lazily: the CLI's fast reads skip SQLAlchemy
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or u.database in (None, "", ":memory:"):
        return None
    if u.database.startswith("file:"):         # URI form: SQLite's own rules apply
        return None
    return Path(u.database)


def data_dir(path: Path) -> Path:
    """Create souq's own data directory owner-only (0700), and make an existing one so
    (it is souq's folder, holding only souq's databases)."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if stat.S_IMODE(path.stat().st_mode) != DIR_MODE and path.stat().st_uid == os.geteuid():
        path.chmod(DIR_MODE)
    return path


def prepare_sqlite(path: Path) -> None:
    """Before SQLite touches `path`: create a missing file 0600 (never through a symlink),
    refuse a file that is not a souq database, warn when others may read an existing one.

    Raises ValueError (foreign database, not a regular file, missing folder)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
    except FileExistsError:
        _check_existing(path)
        return
    except FileNotFoundError:
        raise ValueError(f"database {str(path)!r}: folder {str(path.parent)!r} does not "
                         "exist") from None
    os.close(fd)


def _check_existing(path: Path) -> None:
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise ValueError(f"database {str(path)!r} is not a regular file")
    foreign = foreign_tables(path)
    if foreign:
        raise ValueError(f"{str(path)!r} is not a souq database (it holds "
                         f"{', '.join(foreign[:5])}{' ...' if len(foreign) > 5 else ''}); "
                         "give a new file or a souq database")
    if st.st_mode & 0o077 and st.st_size:
        warnings.warn(DatabaseExposed(
            f"database {path} is readable by other users (mode {stat.S_IMODE(st.st_mode):o}); "
            f"chmod 600 {path}"), stacklevel=2)


def foreign_tables(path: Path) -> list[str]:
    """The tables of a non-empty SQLite file without souq's marker row; [] for an empty
    file or a souq database. Nothing is written, the journal mode is unchanged.
    ValueError when the file is not a SQLite database at all."""
    if os.path.getsize(path) == 0:
        return []
    try:    # reading sqlite_master writes nothing and leaves the journal mode alone
        conn = sqlite3.connect(path, timeout=30)
        try:
            tables = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
            return [] if tables and _marked(conn, tables) else tables
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise ValueError(f"{str(path)!r} is not a souq database ({exc})") from None


def _marked(conn, tables: list[str]) -> bool:
    if MARKER_TABLE not in tables:
        return False
    row = conn.execute(f"SELECT value FROM {MARKER_TABLE} WHERE key = ?",
                       (MARKER_KEY,)).fetchone()
    return row is not None


def check_foreign(conn, table_names: list[str]) -> None:
    """The same refusal for a server database (PostgreSQL...): tables but no marker."""
    if not table_names:
        return
    if MARKER_TABLE in table_names and conn.exec_driver_sql(
            f"SELECT value FROM {MARKER_TABLE} WHERE key = 'schema'").first() is not None:
        return
    raise ValueError(f"the database is not a souq database (it holds "
                     f"{', '.join(sorted(table_names)[:5])}); give an empty database")
