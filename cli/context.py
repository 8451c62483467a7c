"""What every CLI command shares: the database, the acting user, output and failure."""
import sqlite3
import sys
from contextlib import contextmanager

import orjson
import typer
from rich.console import Console
from sqlalchemy.exc import SQLAlchemyError

from db.api import AccessDenied, Api
from db.store import DatabaseBusy, busy, is_locked
from engine.model import OPERATOR
from engine.numbers import BadNumber
from engine.stream import StreamError

# Piped output keeps whole rows on one line; a terminal gets its own width.
out = Console(highlight=False, width=None if sys.stdout.isatty() else 250)
err = Console(stderr=True, highlight=False)


class State:
    db: str | None = None
    actor: str = OPERATOR
    _api: Api | None = None

    @classmethod
    def api(cls) -> Api:
        if cls._api is None:
            cls._api = Api(cls.db, cls.actor)
        return cls._api


def fail(message: str, code: int = 1):
    """One line naming the problem, a non-zero exit."""
    err.print(f"error: {message}", markup=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def guarded():
    """Turn every expected failure into one line and a non-zero exit."""
    try:
        yield
    except typer.Exit:
        raise
    except (StreamError, BadNumber, AccessDenied, ValueError, DatabaseBusy) as exc:
        fail(str(exc))
    except (SQLAlchemyError, sqlite3.Error) as exc:
        fail(str(busy()) if is_locked(exc) else f"database: {str(exc).splitlines()[0]}")
    except OSError as exc:
        fail(str(exc))


def print_json(value) -> None:
    sys.stdout.write(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode() + "\n")


def result_or_fail(result, what: str):
    """Print an accepted command's outcome, or fail with the exchange's reason."""
    if result.reason is not None:
        fail(f"{what} rejected: {result.reason}")
    return result
