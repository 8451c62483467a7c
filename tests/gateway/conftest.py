"""Fixtures of the gateway tests: a private market per module (a copy of the SQLite
template, or a new PostgreSQL database when SOUQ_TEST_PG_URL is set), one server per
module, keys."""
import shutil
from pathlib import Path

import pytest

import pg_kit
from gw_kit import Client, Server, make_key
from market_setup import MARKET_SETUP
from souq_cli import Souq


@pytest.fixture(scope="module")
def gw_market(market_template, tmp_path_factory) -> Souq:
    """A private copy of the market for one test module, with an admin user `boss`."""
    folder = tmp_path_factory.mktemp("gw")
    db = folder / "souq.db"
    url = pg_kit.pg_url()
    if url is not None:
        with pg_kit.fresh_database(url) as fresh:
            cli = Souq(db, url=fresh)
            cli.feed(*MARKET_SETUP)
            cli.ok("user", "add", "boss", "--role", "admin")
            yield cli
        return
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(market_template) + suffix)
        if src.exists():
            shutil.copy(src, str(db) + suffix)
    cli = Souq(db)
    cli.ok("user", "add", "boss", "--role", "admin")
    yield cli


@pytest.fixture(scope="module")
def server(gw_market):
    s = Server(gw_market, "--rate", "0")
    yield s
    code, err = s.stop()
    assert code == 0 and err == "", (code, err)


@pytest.fixture(scope="module")
def keys(gw_market) -> dict:
    """Keys by name: alice/bob/carol (trade), alice_read (read), boss (admin)."""
    out = {u: make_key(gw_market, u) for u in ("alice", "bob", "carol")}
    out["alice_read"] = make_key(gw_market, "alice", "read")
    out["boss"] = make_key(gw_market, "boss", "admin")
    return out


@pytest.fixture(scope="module")
def clients(server, keys) -> dict:
    return {name: Client(server, key) for name, key in keys.items()}


@pytest.fixture(scope="module")
def maker(gw_market, server) -> dict:
    """User `maker` (market maker: 1 BTC, 1,000,000,000 IRR) and its trade key; a book
    around 100,000,000 from alice's bid at 99,000,000 and bob's ask at 101,000,000."""
    gw_market.feed({"op": "user", "user": "maker", "role": "market_maker"},
                   {"op": "deposit", "user": "maker", "asset": "BTC", "amount": "1"},
                   {"op": "deposit", "user": "maker", "asset": "IRR", "amount": "1000000000"})
    gw_market.ok("order", "place", "BTC-IRR", "buy", "0.1", "-p", "99000000", as_user="alice")
    gw_market.ok("order", "place", "BTC-IRR", "sell", "0.1", "-p", "101000000", as_user="bob")
    return make_key(gw_market, "maker")
