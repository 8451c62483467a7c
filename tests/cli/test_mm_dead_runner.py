"""A runner killed with kill -9 (issue 12 item 13, issue 10 item 14): its run is marked
dead, its quotes are cancelled and an alert says so, whichever command looks first.

Real processes throughout: `souq mm start` spawns the runner, the test sends SIGKILL to
it, then the CLI is asked. Waits are for conditions (open orders, a process gone), each
with a generous bound, never for a fixed time.
"""
import os
import signal
import time

from souq.db import desk as D
from souq.db.api import Api
from souq.mm.desk.launch import alive

NAME, USER = "fixed-btc", "mm-fixed"
BOUND = 120.0          # seconds: generous, only a hung machine reaches it


def wait_for(what, check, bound=BOUND):
    deadline = time.monotonic() + bound
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.1)


def open_quotes(souq, run_id):
    return [o["client_id"] for o in souq.json("orders", "--user", USER, "--status", "open")
            if o["client_id"].startswith(f"mm{run_id}.")]


def start_then_kill(souq) -> tuple[int, int, list[str]]:
    """Start the demo's fixed-spread runner, wait for its two quotes, kill -9 it; (run id,
    pid, the quotes' client ids)."""
    out = souq.ok("mm", "start", NAME)
    assert out.startswith(f"started {NAME}: run 1 ")
    [entry] = souq.json("mm", "status", NAME)
    run_id, pid = entry["run"]["id"], entry["run"]["pid"]
    quotes = wait_for("two quotes", lambda: (q := open_quotes(souq, run_id)) and len(q) == 2 and q)
    os.kill(pid, signal.SIGKILL)
    wait_for(f"process {pid} to end", lambda: not alive(pid))
    return run_id, pid, quotes


def alerts(db):
    api = Api(str(db))
    try:
        return [(a["severity"], a["kind"], a["text"]) for a in api.read(D.alerts, source=NAME)
                if a["kind"] == "dead_runner"]
    finally:
        api.close()


def test_status_after_kill_9_says_dead_and_the_quotes_are_gone(desk_souq):
    run_id, pid, quotes = start_then_kill(desk_souq)
    [entry] = desk_souq.json("mm", "status", NAME)
    assert entry["state"] == "dead"
    assert entry["run"]["reason"] == f"dead: runner process {pid} is gone"
    assert entry["run"]["pid"] is None
    assert open_quotes(desk_souq, run_id) == []
    orders = {o["client_id"]: o for o in desk_souq.json("orders", "--user", USER)}
    assert [orders[c]["status"] for c in quotes] == ["cancelled", "cancelled"]
    assert alerts(desk_souq.db) == [(
        "critical", "dead_runner", f"run {run_id} of {NAME} is dead (runner process {pid} is "
        "gone); marked dead and cancelled its 2 open orders")]
    desk_souq.fails("mm", "stop", NAME, match=f"{NAME} is not running")
    assert desk_souq.ok("check").startswith("ok:")
    # it starts again at once: the dead run no longer counts as active
    assert desk_souq.ok("mm", "start", NAME).startswith(f"started {NAME}: run 2 ")
    assert desk_souq.ok("mm", "stop", NAME).startswith(f"stopped {NAME}: run 2 stopped")


def test_stop_after_kill_9_buries_the_run_and_cancels_its_quotes(desk_souq):
    run_id, pid, quotes = start_then_kill(desk_souq)
    out = desk_souq.ok("mm", "stop", NAME)
    assert out == (f"stopped {NAME}: run {run_id} dead (dead: runner process {pid} is "
                   "gone)\n")
    assert open_quotes(desk_souq, run_id) == []
    assert len(alerts(desk_souq.db)) == 1
