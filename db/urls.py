"""Where the database is: cheap to import (the CLI's read commands start here)."""
import os
from pathlib import Path


def default_url() -> str:
    """SOUQ_DB, else a SQLite file in the user's data directory (XDG)."""
    url = os.environ.get("SOUQ_DB")
    if url:
        return url
    from platformdirs import user_data_dir
    path = Path(user_data_dir("souq")) / "souq.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def normalise_url(url: str) -> str:
    """Accept a bare file path as well as a SQLAlchemy URL."""
    return url if "://" in url else f"sqlite:///{url}"
