"""What every CLI command shares: the database, the acting user, output and failure.

Cheap to import: the database layer loads only when a command first asks for it."""
import sys
from contextlib import contextmanager

import orjson
import typer
from rich.console import Console

from souq.engine.model import OPERATOR

# Piped output keeps whole rows on one line; a terminal gets its own width.
out = Console(highlight=False, width=None if sys.stdout.isatty() else 250)
err = Console(stderr=True, highlight=False)


class State:
    db: str | None = None
    actor: str = OPERATOR
    server: str | None = None       # --server URL: act through a gateway with --key
    key: str | None = None
    _api = None

    @classmethod
    def api(cls):
        """The full exchange API (db.api.Api) on the chosen database, as the acting user."""
        if cls._api is None:
            if cls.server:
                cls._api = remote_api(cls.server, cls.key)
                cls.actor = cls._api.actor
            else:
                from souq.db.api import Api
                cls._api = Api(cls.db, cls.actor)
        return cls._api

    @staticmethod
    def market(api):
        """The venue (mm/venue DatabaseVenue) over `api`'s database: its market port reads
        symbols, books and the journal's position from the exchange in memory."""
        from souq.mm.venue.database import DatabaseVenue
        return DatabaseVenue(api)

    @classmethod
    def reader(cls):
        """Something with Api's read methods: the light SQLite reader (db.lite) when it
        applies, else the full Api."""
        if cls._api is None and not cls.server:
            from souq.db.lite import open_reader
            from souq.db.urls import chosen_url
            reader = open_reader(chosen_url(cls.db), cls.actor)
            if reader is not None:
                return reader
        return cls.api()


def remote_api(url: str, client_id: str | None):
    """The gateway as the key's user; the secret from SOUQ_SECRET or a hidden prompt,
    never from the command line."""
    import os
    if not client_id:
        fail("--server needs --key CLIENT_ID (the secret comes from SOUQ_SECRET or a prompt)")
    secret = os.environ.get("SOUQ_SECRET")
    if not secret:
        if not sys.stdin.isatty():
            fail("set SOUQ_SECRET to the key's client secret (no terminal to prompt on)")
        secret = typer.prompt("client secret", hide_input=True)
    from souq.db.access import AccessDenied
    from souq.gateway.remote import RemoteApi
    try:
        return RemoteApi(url, client_id, secret)
    except (AccessDenied, ValueError) as exc:
        fail(f"{url}: {exc}")
    except OSError as exc:
        fail(str(exc))


def admin_api(what: str):
    """The acting user's Api after checking that it is an admin (db.api.Api.require_admin,
    which raises AccessDenied naming `what`)."""
    api = State.api()
    api.require_admin(what)
    return api


def fail(message: str, code: int = 1):
    """One line naming the problem, a non-zero exit."""
    err.print(f"error: {message}", markup=False, soft_wrap=True)
    raise typer.Exit(code)


def _database_error(exc: Exception) -> bool:
    """A SQLAlchemy or sqlite3 error (without importing SQLAlchemy when nothing else did)."""
    sa, lite = sys.modules.get("sqlalchemy.exc"), sys.modules.get("sqlite3")
    return ((sa is not None and isinstance(exc, sa.SQLAlchemyError))
            or (lite is not None and isinstance(exc, lite.Error)))


@contextmanager
def guarded():
    """Turn every expected failure into one line and a non-zero exit: bad numbers and
    stream objects (ValueError), access denied and file errors (OSError), database errors."""
    try:
        yield
    except typer.Exit:
        raise
    except ValueError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(os_error(exc))
    except Exception as exc:
        if type(exc).__name__ == "DatabaseBusy":      # db.store: the lock timeout ran out
            fail(str(exc))
        if _database_error(exc):
            from souq.db.store import busy, is_locked
            fail(str(busy()) if is_locked(exc) else f"database: {str(exc).splitlines()[0]}")
        raise


def shown_url(url: str) -> str:
    """A database as people name it: a SQLite file by its path, any other URL with its
    password masked (output may be shared; a password never is)."""
    if url.startswith("sqlite:///"):
        return url[len("sqlite:///"):] or url
    import re
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)


def os_error(exc: OSError) -> str:
    """An operating-system error as one plain line naming the file: "/x: no such file or
    directory", never Python's "[Errno 2] ..." form."""
    if exc.strerror and exc.filename is not None:
        return f"{exc.filename}: {exc.strerror[0].lower()}{exc.strerror[1:]}"
    return str(exc)


def print_json(value) -> None:
    sys.stdout.write(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode() + "\n")


def result_or_fail(result, what: str):
    """Print an accepted command's outcome, or fail with the exchange's reason."""
    if result.reason is not None:
        rejected(what, result.reason)
    return result


def rejected(what: str, reason: str):
    """Fail with the exchange's reason for refusing `what`, its numbers grouped as people
    read them (mm.display.grouped_text; --json output keeps the reason exact)."""
    from souq.mm.display import rejection
    fail(rejection(what, reason))
