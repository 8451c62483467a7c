"""`souq --server URL --key CLIENT_ID`: the CLI through a real gateway prints what it
prints on the database itself (same --json shapes and values), and refuses alike."""
import json
import subprocess

import pytest

from souq_cli import SOUQ

pytestmark = pytest.mark.slow


def remote(server, key: dict, *args, secret: str | None = None):
    env = dict(server.cli.env())
    env.pop("SOUQ_DB", None)
    env["SOUQ_SECRET"] = key["client_secret"] if secret is None else secret
    argv = SOUQ + ["--server", server.url, "--key", key["client_id"], *map(str, args)]
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)


def rjson(server, key, *args):
    r = remote(server, key, *args, "--json")
    assert r.returncode == 0 and r.stderr == "", r.stderr
    return json.loads(r.stdout)


def test_orders_through_the_server_read_as_local(server, keys, gw_market):
    alice = keys["alice"]
    r = remote(server, alice, "order", "place", "BTC-IRR", "buy", "0.01", "-p", "98000000",
               "--id", "remote-1", "--json")
    assert r.returncode == 0, r.stderr
    placed = json.loads(r.stdout)
    assert placed["status"] == "accepted" and placed["order"]["client_id"] == "remote-1"
    assert placed["order"]["hold"] == "981960"    # 0.01 x 98,000,000 = 980,000, + 0.2 %
    for args in (("orders",), ("trades",), ("wallets",), ("ledger",), ("book", "BTC-IRR"),
                 ("symbol", "list")):
        assert rjson(server, alice, *args) == gw_market.json(*args, as_user="alice"), args
    assert rjson(server, keys["boss"], "user", "list") == gw_market.json("user", "list")
    text = remote(server, alice, "orders", "--status", "open")
    assert text.returncode == 0 and "remote-1" in text.stdout
    r = remote(server, alice, "order", "cancel", "remote-1")
    assert r.returncode == 0 and "cancelled" in r.stdout, r.stderr
    # the same client order id for another order: refused naming the field, nothing placed
    before = gw_market.json("orders", as_user="alice")
    r = remote(server, alice, "order", "place", "BTC-IRR", "sell", "0.01", "-p", "98000000",
               "--id", "remote-1")
    assert (r.returncode, r.stdout) == (1, ""), r
    assert r.stderr == ("error: client_order_id 'remote-1' was used for another order: its "
                        "side differs (was buy, now sell); nothing was placed\n"), r.stderr
    assert gw_market.json("orders", as_user="alice") == before
    r = remote(server, alice, "order", "place", "BTC-IRR", "buy", "0.01", "-p", "98000001")
    assert r.returncode == 1
    local = gw_market.fails("order", "place", "BTC-IRR", "buy", "0.01", "-p", "98000001",
                            as_user="alice", match="order rejected")
    assert r.stderr.strip() == local


def test_admin_commands_through_the_server(server, keys, gw_market):
    boss = keys["boss"]
    r = remote(server, boss, "user", "add", "gina")
    assert r.returncode == 0, r.stderr
    r = remote(server, boss, "deposit", "gina", "IRR", "12.5")
    assert r.returncode == 0 and "deposited 12.5 IRR to gina" in r.stdout, r.stderr
    assert gw_market.json("wallets", "--user", "gina") == \
        [{"user": "gina", "asset": "IRR", "balance": "12.5", "hold": "0", "available": "12.5"}]
    r = remote(server, boss, "withdraw", "gina", "IRR", "13")
    assert r.returncode == 1 and r.stderr.startswith(
        "error: withdrawal rejected: insufficient available IRR for gina"), r.stderr


def test_refusals_are_one_line(server, keys):
    alice = keys["alice"]
    r = remote(server, alice, "deposit", "alice", "IRR", "5")
    assert r.returncode == 1 and r.stderr == \
        "error: deposit rejected: only an admin may move deposits; alice is a trader\n", r.stderr
    r = remote(server, alice, "wallets", secret="wrong")
    assert r.returncode == 1 and "wrong client secret" in r.stderr and \
        len(r.stderr.splitlines()) == 1
    r = remote(server, alice, "replay", "-")
    assert r.returncode == 1 and "local database only" in r.stderr


def test_typing_mistakes_are_refused_alike_locally_and_remotely(server, keys, gw_market):
    """souq.engine.admission at both edges: the same one line, nothing journalled."""
    before = gw_market.json("orders")
    for key, user, args in ((keys["boss"], None, ("deposit", "alice", "DOGE", "5")),
                            (keys["alice"], "alice", ("order", "cancel", "no-such-id"))):
        r = remote(server, key, *args)
        assert r.returncode == 1, r.stdout
        assert r.stderr.strip() == gw_market.fails(*args, as_user=user, match="unknown ")
    assert gw_market.json("orders") == before
