"""Where the database is: cheap to import (the CLI's read commands start here)."""
import os
from pathlib import Path


def default_url() -> str:
    """SOUQ_DB (refused when empty), else a SQLite file in the user's data directory (XDG),
    created owner-only (db/dbfile.py)."""
    from . import dbfile
    if "SOUQ_DB" in os.environ:
        return dbfile.require_url(os.environ["SOUQ_DB"], "SOUQ_DB")
    from platformdirs import user_data_dir
    path = dbfile.data_dir(Path(user_data_dir("souq"))) / "souq.db"
    return f"sqlite:///{path}"


def chosen_url(url: str | None) -> str:
    """The database a command names: `url` (--db) when given, refused when empty or blank
    whatever SOUQ_DB holds; else default_url()."""
    from . import dbfile
    return default_url() if url is None else dbfile.require_url(url, "--db (SOUQ_DB)")


def normalise_url(url: str) -> str:
    """Accept a bare file path as well as a SQLAlchemy URL."""
    return url if "://" in url else f"sqlite:///{url}"
