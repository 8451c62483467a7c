"""`souq mm run NAME --venue URL --key ID`: the desk quoting on a remote souq through the
gateway client (mm/venue/remote.py), with its configuration, run row and report in
its own local database; a runner killed with kill -9 has its quotes cancelled by the
server's dead-man's switch."""
import json
import os
from decimal import Decimal
import signal
import subprocess

import pytest

from desk_remote import HANG, desk_db, mm_run, open_orders, wait_until
from gw_kit import Client

pytestmark = pytest.mark.slow


def test_kill_9_of_a_remote_runner_cancels_its_quotes(server, maker, tmp_path):
    local = desk_db(tmp_path, "remote")
    mc = Client(server, maker)
    proc = mm_run(local, "remote", server.url, maker, "--dead-man", "30")
    try:
        want = [("buy", "99500000", "0.01"), ("sell", "100500000", "0.01")]
        wait_until("two quotes", lambda: [o[:3] for o in open_orders(mc)] == want, proc)
        runs = local.json("mm", "status")
        assert [(r["name"], r["state"]) for r in runs] == [("remote", "running")], runs
        run_id = runs[0]["run"]["id"]
        assert {o[3] for o in open_orders(mc)} == {f"mm{run_id}"}
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=HANG)
    wait_until("cancel on disconnect", lambda: open_orders(mc) == [])
    cancelled = [o for o in mc.get("/orders").json() if o["client_order_id"].startswith("mm")]
    assert {o["reason"] for o in cancelled} == {"cancelled by user (cancel all)"}


def test_a_remote_run_fills_stops_and_reports(server, maker, clients, tmp_path):
    local = desk_db(tmp_path, "remote2")
    mc = Client(server, maker)
    proc = mm_run(local, "remote2", server.url, maker, "--json", "--duration", "600")
    try:
        wait_until("two quotes", lambda: len(open_orders(mc)) == 2, proc)
        # bob sells into the maker's bid: a fill on the remote venue
        r = clients["bob"].post("/orders", json={"symbol": "BTC-IRR", "side": "sell",
                                                 "type": "limit", "price": "99500000",
                                                 "quantity": "0.01"})
        assert r.status_code == 201 and r.json()["status"] == "filled", r.text
        # the runner sees the fill and quotes again (its inventory is now +0.01)
        wait_until("a new bid", lambda: [o[0] for o in open_orders(mc)] == ["buy", "sell"],
                   proc)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=HANG)
    assert proc.returncode == 0, err
    rep = json.loads(out)
    assert (rep["name"], rep["symbol"], rep["user"], rep["state"]) == \
        ("remote2", "BTC-IRR", "maker", "stopped")
    assert rep["inventory"] == "0.01"
    # the trade-level figures, from the fills the runner kept in its own database:
    # 0.01 bought at 99,500,000 as maker (fee 0.1 %: 995 IRR)
    assert (rep["venue"], rep["trades"]["count"], rep["trades"]["buy"], rep["trades"]["sell"]) \
        == ("remote", 1, {"count": 1, "volume": "0.01", "notional": "995000"},
            {"count": 0, "volume": "0", "notional": "0"})
    assert (rep["pnl"]["realised"], rep["pnl"]["fees"], rep["max_inventory"]) == ("0", "995", "0.01")
    assert rep["assets_now"]["BTC"] == str(Decimal(rep["assets_start"]["BTC"]) + Decimal("0.01"))
    assert open_orders(mc) == []                  # the stop cancelled every quote


def test_remote_venue_refusals_are_one_line(server, maker, tmp_path):
    local = desk_db(tmp_path, "remote3")
    cases = [((), {"SOUQ_SECRET": "wrong"}, "unknown client id or wrong client secret"),
             (("--dead-man", "0"), {}, "--dead-man must be 1 to 3600 seconds"),
             (("--hedge-venue", server.url), {}, "--hedge-venue needs its key"),
             (("--sim",), {}, "does not go with --venue")]
    for extra, env, match in cases:
        proc = mm_run(local, "remote3", server.url, maker, *extra, env=env)
        out, err = proc.communicate(timeout=HANG)
        assert proc.returncode != 0 and err.count("\n") == 1 and match in err, (extra, err)
    bad = subprocess.run(local.argv(["mm", "run", "remote3", "--venue", "http://127.0.0.1:9",
                                     "--key", "x"]),
                         env={**local.env(), "SOUQ_SECRET": "s"}, capture_output=True,
                         text=True, timeout=HANG, stdin=subprocess.DEVNULL)
    assert bad.returncode != 0 and "cannot reach http://127.0.0.1:9" in bad.stderr, bad.stderr
