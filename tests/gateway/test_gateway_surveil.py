"""The surveillance follower runs inside `souq serve`: wash trades sent through the gateway
by two accounts linked as one owner open a case while the server runs, with no
`souq surveil` process anywhere."""
import sqlite3
import time

import pytest

import pg_kit
from gw_kit import Client, Server, make_key
from souq_cli import Souq

P = "100000000"


@pytest.fixture
def private_server(gw_market):
    """A server of its own, so the cases this test opens are its alone (a copy of the
    SQLite file; the follower's PostgreSQL path is the one `souq surveil` takes, covered by
    the SQLite run and tests/db/test_postgres.py)."""
    if pg_kit.pg_url():
        pytest.skip("copies the market's SQLite file; the PostgreSQL run has no such file")
    db = gw_market.db.with_name("surveil.db")
    with sqlite3.connect(gw_market.db) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    db.chmod(0o600)             # owner-only, as souq keeps its databases
    cli = Souq(db)
    server = Server(cli, "--rate", "0")
    try:
        yield cli, server
    finally:
        code, err = server.stop()
        assert code == 0 and err == "", (code, err)


def _cases(db) -> list[tuple]:
    with sqlite3.connect(db) as c:
        return c.execute("select rule, users, symbol, status, alerts from surv_cases").fetchall()


def _wait_for_case(db, deadline_s: float = 120.0) -> list[tuple]:
    """Wait until the follower has stored a case (the condition), giving up after a
    deadline far beyond any machine's speed so a broken follower fails, not hangs."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        cases = _cases(db)
        if cases:
            return cases
        time.sleep(0.05)
    return _cases(db)


def test_wash_trades_through_the_gateway_open_a_case(private_server):
    cli, server = private_server
    cli.ok("surveil", "link", "alice", "bob", "--note", "one beneficial owner")
    alice = Client(server, make_key(cli, "alice"))
    bob = Client(server, make_key(cli, "bob"))
    assert _cases(cli.db) == []
    for i in range(4):
        seller, buyer = (alice, bob) if i % 2 == 0 else (bob, alice)
        r = seller.post("/orders", json={"symbol": "BTC-IRR", "side": "sell", "type": "limit",
                                         "price": P, "quantity": "0.1"})
        assert r.status_code == 201, r.text
        r = buyer.post("/orders", json={"symbol": "BTC-IRR", "side": "buy", "type": "limit",
                                        "price": P, "quantity": "0.1", "time_in_force": "ioc"})
        assert r.status_code == 201 and r.json()["status"] == "filled", r.text
    assert _wait_for_case(cli.db) == [("wash_trading", '["alice","bob"]', "BTC-IRR", "open", 1)]
