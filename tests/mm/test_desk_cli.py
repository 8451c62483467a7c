"""`souq mm run` through real subprocesses: a simulated run's JSON report, a clean stop on
SIGTERM and on a stop request in the run row, and one-line errors for bad input."""
import json
import signal
import subprocess
import time

import desk_kit as kit
import pytest

from souq.db import desk
from souq.db.api import Api
from souq.mm.demo import demo_commands
from souq_cli import Souq

pytestmark = pytest.mark.slow

PARAMS = {"ticks": "3", "levels": "2", "size": "0.01", "max_inventory": "0.03",
          "max_order_size": "0.01", "max_open_orders": "4"}


HANG = 300.0     # seconds: a runner that hangs, never a slow machine


@pytest.fixture
def demo(tmp_path):
    """The demo exchange on a database file, with configuration `ladder` for maker2."""
    db = tmp_path / "demo.db"
    api = Api(str(db))
    assert all(o.reason is None for o in api.execute_many(demo_commands()).outcomes)
    desk.save_config(api.db, "ladder", "test_ladder", "BTC-IRR", "maker2", PARAMS,
                     time.time_ns(), stage="paper")
    api.close()
    return db


def souq_kit(db, *args, **kw):
    argv = kit.souq_with_kit() + ["--db", str(db), *map(str, args)]
    return argv, Souq(db, db_flag=True).env()


def open_orders(db, user="maker2"):
    api = Api(str(db))
    try:
        return api.orders(user=user, status="open")
    finally:
        api.close()


def test_a_simulated_run_prints_its_report_and_leaves_no_order(demo):
    argv, env = souq_kit(demo, "mm", "run", "ladder", "--sim", "--duration", "3", "--seed",
                         "7", "--json")
    r = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=HANG,
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    rep = json.loads(r.stdout)
    assert (rep["name"], rep["user"], rep["mode"], rep["state"], rep["reason"]) == (
        "ladder", "maker2", "sim", "stopped", "duration elapsed")
    assert rep["stopped_ts"] - rep["started_ts"] >= 2.9e9     # not before its duration
    tr = rep["trades"]
    assert tr["count"] > 0 and tr["buy"]["count"] + tr["sell"]["count"] >= tr["count"]
    assert float(rep["max_inventory"]) <= 0.03
    assert rep["samples"] >= 2
    assert set(rep["pnl"]) == {"realised", "unrealised", "fees", "total", "return_pct"}
    assert open_orders(demo) == []
    with Api(str(demo)).db.connect() as conn:
        (row,) = desk.runs(conn, "ladder")
    assert (row["state"], row["pid"]) == ("stopped", None)
    assert Souq(demo).ok("check").startswith("ok: ")


def wait_running(db):
    api = Api(str(db))
    end = time.monotonic() + HANG
    try:
        while time.monotonic() < end:
            with api.db.connect() as conn:
                row = desk.active_run(conn, "ladder")
            if row is not None and open_orders(db):
                return row
            time.sleep(0.1)
    finally:
        api.close()
    raise AssertionError("the run never started quoting")


@pytest.mark.parametrize("how", ["sigterm", "stop_request"])
def test_a_run_stops_clean_on_sigterm_or_a_stop_request(demo, how):
    argv, env = souq_kit(demo, "mm", "run", "ladder", "--sim", "--seed", "3", "--json")
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, stdin=subprocess.DEVNULL)
    try:
        row = wait_running(demo)
        if how == "sigterm":
            proc.send_signal(signal.SIGTERM)
        else:
            api = Api(str(demo))
            desk.set_run_state(api.db, row["id"], "stopping")
            api.close()
        out, err = proc.communicate(timeout=HANG)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    rep = json.loads(out)
    assert rep["state"] == "stopped"
    assert rep["reason"] == ("stopped by a signal" if how == "sigterm" else "stopped on request")
    assert open_orders(demo) == []


def test_bad_input_is_one_line_and_changes_nothing(demo):
    cli = Souq(demo)
    cli.fail_all([
        (("mm", "run", "nope"), None, "no strategy configuration 'nope'"),
        (("mm", "run", "ladder", "--duration", "0"), None, "duration must be positive"),
        (("mm", "run", "ladder", "--seed", "1"), None, "--seed and --rate need --sim"),
        (("mm", "run", "ladder", "--sim", "--rate", "-1", "--duration", "1"), None,
         "rate must be from 0 to 100000 orders per second"),
        (("mm", "run", "ladder", "--duration", "1"), "alice",
         "alice may not run ladder: it trades as maker2"),
        (("mm", "run", "ladder", "--duration", "1"), None, "unknown strategy template "
                                                           "'test_ladder'"),
    ])
    with Api(str(demo)).db.connect() as conn:
        assert desk.runs(conn) == []
