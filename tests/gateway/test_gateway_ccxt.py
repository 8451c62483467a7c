"""ccxt in both directions, against a real `souq serve` on loopback: ccxt's unified API
talking to souq (gateway/ccxt_souq.py), and the desk quoting on a ccxt venue
(`souq mm run NAME --venue ccxt:souq@URL`, mm/venue/ccxt.py)."""
import json
import signal
import subprocess

import pytest

from desk_remote import HANG, desk_db, open_orders, wait_until
from gw_kit import Client

ccxt = pytest.importorskip("ccxt")
from souq.gateway.ccxt_souq import souq  # noqa: E402

pytestmark = pytest.mark.slow


def exchange(server, key: dict) -> "souq":
    ex = souq({"apiKey": key["client_id"], "secret": key["client_secret"],
               "hostname": server.url})
    ex.number = str          # exact decimal strings instead of ccxt's floats
    return ex


def test_ccxt_reads_the_market_and_places_cancels_and_fills(server, keys):
    alice, bob = exchange(server, keys["alice"]), exchange(server, keys["bob"])
    m = alice.load_markets()["BTC/IRR"]
    assert (m["id"], m["base"], m["quote"], m["active"]) == ("BTC-IRR", "BTC", "IRR", True)
    assert m["precision"] == {"amount": "0.0001", "price": "1000"}
    assert (m["limits"]["amount"]["min"], m["limits"]["amount"]["max"]) == ("0.0001", "100")
    assert (m["maker"], m["taker"]) == ("0.001", "0.002")
    assert alice.fetch_balance()["IRR"] == {"free": "2000000000", "used": "0",
                                            "total": "2000000000"}

    o = alice.create_order("BTC/IRR", "limit", "buy", "0.01", "99000000",
                           {"clientOrderId": "cx1", "timeInForce": "PO"})
    assert (o["clientOrderId"], o["status"], o["side"], o["price"], o["amount"], o["filled"],
            o["remaining"], o["timeInForce"], o["postOnly"]) == \
        ("cx1", "open", "buy", "99000000", "0.01", "0", "0.01", "PO", True)
    # 0.01 x 99,000,000 = 990,000 plus the fee at the taker rate (0.2 %): 1,980
    assert alice.fetch_balance()["IRR"] == {"free": "1999008020", "used": "991980",
                                            "total": "2000000000"}
    assert alice.fetch_order_book("BTC/IRR")["bids"] == [[99000000.0, 0.01]]
    assert [x["id"] for x in alice.fetch_open_orders("BTC/IRR")] == [o["id"]]
    assert alice.fetch_ticker("BTC/IRR")["bid"] == "99000000"

    # bob takes it: a maker fill for alice (fee 0.1 % = 990), a taker fill for bob (1,980)
    taken = bob.create_order("BTC/IRR", "limit", "sell", "0.01", "99000000")
    assert (taken["status"], taken["filled"], taken["average"]) == ("closed", "0.01", "99000000")
    mine = alice.fetch_my_trades("BTC/IRR")
    assert [(t["side"], t["takerOrMaker"], t["price"], t["amount"], t["fee"]["cost"],
             t["fee"]["currency"], t["clientOrderId"]) for t in mine] == \
        [("buy", "maker", "99000000", "0.01", "990", "IRR", "cx1")]
    theirs = bob.fetch_my_trades("BTC/IRR")
    assert [(t["side"], t["takerOrMaker"], t["fee"]["cost"]) for t in theirs] == \
        [("sell", "taker", "1980")]
    public = alice.fetch_trades("BTC/IRR")
    assert [(t["id"], t["side"], t["price"], t["amount"]) for t in public] == \
        [(mine[0]["id"], "sell", "99000000", "0.01")]
    assert alice.fetch_order(o["id"])["status"] == "closed"

    rest = alice.create_order("BTC/IRR", "limit", "buy", "0.02", "98000000")
    assert alice.cancel_order(rest["id"])["status"] == "canceled"
    two = [alice.create_order("BTC/IRR", "limit", "buy", "0.01", p)["id"]
           for p in ("97000000", "96000000")]
    assert sorted(x["id"] for x in alice.cancel_all_orders("BTC/IRR")) == sorted(two)
    assert alice.fetch_open_orders() == []


def test_ccxt_refusals_are_ccxt_errors_with_souqs_reason(server, keys):
    alice = exchange(server, keys["alice"])
    cases = [
        (lambda: alice.create_order("BTC/IRR", "limit", "buy", "1000", "99000000"),
         ccxt.InvalidOrder, "qty 1,000 is above the maximum 100"),
        (lambda: alice.create_order("BTC/IRR", "limit", "buy", "50", "99000000"),
         ccxt.InsufficientFunds, "insufficient"),
        (lambda: alice.fetch_order("999999"), ccxt.OrderNotFound, "no order '999999'"),
        (lambda: alice.cancel_order("999999"), ccxt.OrderNotFound, "no order '999999'"),
        (lambda: alice.fetch_order_book("ETH/IRR"), ccxt.BadSymbol, "ETH/IRR"),
        (lambda: exchange(server, {**keys["alice"], "client_secret":
                                   keys["alice"]["client_secret"][:-1]}).fetch_balance(),
         ccxt.AuthenticationError, "unknown client id or wrong client secret"),
        (lambda: exchange(server, keys["alice_read"]).create_order(
            "BTC/IRR", "limit", "buy", "0.01", "99000000"),
         ccxt.PermissionDenied, "scope"),
    ]
    before = alice.fetch_balance()["IRR"]
    for call, kind, match in cases:
        with pytest.raises(kind) as got:
            call()
        assert match in str(got.value) and "\n" not in str(got.value), str(got.value)
    assert alice.fetch_balance()["IRR"] == before
    assert alice.fetch_open_orders() == []


def mm_run_ccxt(local, name: str, url: str, key: dict, *extra: str):
    return subprocess.Popen(local.argv(["mm", "run", name, "--venue", f"ccxt:souq@{url}",
                                        "--key", key["client_id"], *extra]),
                            env={**local.env(), "SOUQ_SECRET": key["client_secret"]},
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_the_desk_quotes_and_fills_on_a_ccxt_venue(server, maker, clients, tmp_path):
    local = desk_db(tmp_path, "viaccxt")
    mc = Client(server, maker)
    proc = mm_run_ccxt(local, "viaccxt", server.url, maker, "--json", "--duration", "600")
    try:
        want = [("buy", "99500000", "0.01"), ("sell", "100500000", "0.01")]
        wait_until("two quotes", lambda: [o[:3] for o in open_orders(mc)] == want, proc)
        r = clients["bob"].post("/orders", json={"symbol": "BTC-IRR", "side": "sell",
                                                 "type": "limit", "price": "99500000",
                                                 "quantity": "0.01"})
        assert r.status_code == 201 and r.json()["status"] == "filled", r.text
        # the runner saw its fill through ccxt: it quotes a new bid below the old one
        wait_until("a new bid", lambda: [o[0] for o in open_orders(mc)] == ["buy", "sell"]
                   and open_orders(mc)[0][1] != "99500000", proc)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=HANG)
    assert proc.returncode == 0, err
    rep = json.loads(out)
    assert (rep["name"], rep["user"], rep["state"], rep["inventory"]) == \
        ("viaccxt", "maker", "stopped", "0.01")
    # its one fill, as ccxt reported it: 0.01 bought at 99,500,000 as maker, fee 995 IRR
    assert (rep["trades"]["count"], rep["trades"]["buy"], rep["pnl"]["fees"]) == \
        (1, {"count": 1, "volume": "0.01", "notional": "995000"}, "995")
    assert open_orders(mc) == []                  # the stop cancelled every quote


def test_ccxt_venue_refusals_are_one_line(server, maker, tmp_path):
    local = desk_db(tmp_path, "badccxt")
    cases = [("ccxt:nosuchexchange", maker["client_secret"], "ccxt has no exchange 'nosuchexchange'"),
             ("ccxt:souq", maker["client_secret"], "needs its address"),
             (f"ccxt:souq@{server.url}", "wrong", "unknown client id or wrong client secret"),
             ("ccxt:souq@http://127.0.0.1:9", maker["client_secret"], "cannot reach")]
    for venue, secret, match in cases:
        got = subprocess.run(local.argv(["mm", "run", "badccxt", "--venue", venue, "--key",
                                         maker["client_id"]]),
                             env={**local.env(), "SOUQ_SECRET": secret}, capture_output=True,
                             text=True, timeout=HANG, stdin=subprocess.DEVNULL)
        assert got.returncode != 0 and got.stderr.count("\n") == 1 and match in got.stderr, \
            (venue, got.stderr)
    assert local.json("mm", "status") == [] or all(
        r["state"] != "running" for r in local.json("mm", "status"))
