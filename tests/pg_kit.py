"""PostgreSQL for the tests: SOUQ_TEST_PG_URL names a server and a role allowed to create
databases (e.g. postgresql+psycopg://souq:souq@127.0.0.1:5432/souq_ci); each user of
`fresh_database` gets a database of its own, dropped afterwards.

Without the variable the PostgreSQL tests are skipped on a developer's machine, and fail in
CI (CI=true or SOUQ_TEST_PG=required), where a missing server must not pass for a green run.
`.ci/run` installs and starts the server and sets both variables for its PostgreSQL run."""
import os
import uuid
from contextlib import contextmanager

import pytest

ENV = "SOUQ_TEST_PG_URL"


def pg_url() -> str | None:
    """The server's URL from the environment, or None when this run is not on PostgreSQL."""
    return os.environ.get(ENV) or None


def required() -> bool:
    """True in CI: the PostgreSQL tests must run there, never skip."""
    return (os.environ.get("CI", "").lower() in ("1", "true", "yes")
            or os.environ.get("SOUQ_TEST_PG") == "required")


def need_pg() -> str:
    """The server URL; skips the calling test without one (fails it in CI)."""
    url = pg_url()
    if url is None:
        if required():
            pytest.fail(f"{ENV} is not set, and CI needs the PostgreSQL tests to run")
        pytest.skip(f"PostgreSQL tests need {ENV} (see README, 'souq on PostgreSQL')")
    return url


def _admin(url: str):
    from sqlalchemy import create_engine
    return create_engine(url, isolation_level="AUTOCOMMIT")


@contextmanager
def fresh_database(url: str):
    """Yield the URL of a new, empty database on the server of `url`; drop it after."""
    from sqlalchemy import text
    name = "souq_t_" + uuid.uuid4().hex[:12]
    admin = _admin(url)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = url.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def rows(url: str, query: str, **params) -> list[tuple]:
    """Run one read-only SQL query (named :params) on any database URL; its rows."""
    from sqlalchemy import create_engine, text
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(query), params)]
    finally:
        engine.dispose()
