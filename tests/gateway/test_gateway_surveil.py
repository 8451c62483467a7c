"""The surveillance follower runs inside `souq serve`: wash trades sent through the gateway
by two accounts linked as one owner open a case while the server runs, with no
`souq surveil` process anywhere; the server's follower is a child process that ends with
it."""
import os
import signal
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


def _wait_for_case(db) -> list[tuple]:
    """The cases once the follower has stored one (or whatever is there at _within's
    deadline)."""
    return _within(lambda: _cases(db))


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


def _children(pid: int) -> list[int]:
    """The child processes of `pid` (Linux /proc)."""
    kids = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as f:
            kids += [int(k) for k in f.read().split()]
    return kids


def _gone(pid: int) -> bool:
    """The process has exited (no such process, or a zombie nobody reaped yet)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def _within(condition, deadline_s: float = 120.0):
    """Wait for condition() to be true (returning it), giving up after a deadline far
    beyond any machine's speed so that a broken server fails, not hangs."""
    end = time.monotonic() + deadline_s
    while True:
        got = condition()
        if got or time.monotonic() > end:
            return got
        time.sleep(0.05)


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="reads Linux /proc")
def test_the_follower_is_a_child_process_that_ends_with_its_server(gw_market):
    """The follower runs in a process of its own (off the server's interpreter lock); it
    stops when its server does, cleanly on Ctrl+C, and even when the server is killed
    without a word."""
    server = Server(gw_market, "--rate", "0")
    kids = _within(lambda: _children(server.proc.pid))
    assert len(kids) == 1, kids
    with open(f"/proc/{kids[0]}/cmdline", "rb") as f:
        assert b"souq.gateway.surveil" in f.read()
    assert server.stop() == (0, "")
    assert _within(lambda: _gone(kids[0]))

    server = Server(gw_market, "--rate", "0")
    kids = _within(lambda: _children(server.proc.pid))
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait(timeout=120)
    assert _within(lambda: _gone(kids[0]))
