"""What every CLI command shares: the database, the acting user, output and failure."""
import sys
from contextlib import contextmanager

import orjson
import typer
from rich.console import Console
from sqlalchemy.exc import SQLAlchemyError

from db.api import AccessDenied, Api
from engine.model import OPERATOR
from engine.numbers import BadNumber
from engine.stream import StreamError

# Piped output keeps whole rows on one line; a terminal gets its own width.
out = Console(highlight=False, width=None if sys.stdout.isatty() else 250)
err = Console(stderr=True, highlight=False)


class State:
    db: str | None = None
    actor: str = OPERATOR
    server: str | None = None       # --server URL: act through a gateway with --key
    key: str | None = None
    _api: Api | None = None

    @classmethod
    def api(cls) -> Api:
        if cls._api is None:
            if cls.server:
                cls._api = remote_api(cls.server, cls.key)
                cls.actor = cls._api.actor
            else:
                cls._api = Api(cls.db, cls.actor)
        return cls._api


def remote_api(url: str, client_id: str | None) -> Api:
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
    from gateway.remote import RemoteApi
    try:
        return RemoteApi(url, client_id, secret)
    except (AccessDenied, ValueError) as exc:
        fail(f"{url}: {exc}")
    except OSError as exc:
        fail(str(exc))


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
    except (StreamError, BadNumber, AccessDenied, ValueError) as exc:
        fail(str(exc))
    except SQLAlchemyError as exc:
        fail(f"database: {str(exc).splitlines()[0]}")
    except OSError as exc:
        fail(str(exc))


def print_json(value) -> None:
    sys.stdout.write(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode() + "\n")


def result_or_fail(result, what: str):
    """Print an accepted command's outcome, or fail with the exchange's reason."""
    if result.reason is not None:
        fail(f"{what} rejected: {result.reason}")
    return result
