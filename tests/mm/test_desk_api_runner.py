"""The runner on a database: its run row, samples, alerts, pause/stop requests read from
the row, live configuration reloads, and one run per configuration at a time."""
import os

import desk_kit as kit
import pytest

from souq.db import desk
from souq.db.api import Api
from souq.db.schema import MmRun
from souq.mm.desk.report import report
from souq.mm.desk.api_runner import ApiRunner
from souq.mm.venue.ports import stream_command

S = 10**9
T0 = 1_700_000_000 * S


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def db(tmp_path):
    """The kit market on a database, and configuration `t1` trading as mm."""
    url = str(tmp_path / "desk.db")
    api = Api(url)
    setup = kit.market_commands()
    assert all(o.reason is None for o in api.execute_many(setup).outcomes)
    desk.save_config(api.db, "t1", "test_ladder", "T-USD", "mm",
                     {"ticks": "2", "size": "0.5"}, T0, stage="paper")
    yield url, api
    api.close()


def sent(report, user="mm"):
    """A step's commands in the order-stream shape (decimal strings)."""
    return [stream_command(c, user) for c in report.commands]


def open_orders(api, user="mm"):
    return [o["client_id"] for o in api.orders(user=user, status="open")]


def test_a_run_writes_its_row_quotes_obeys_its_row_and_stops_clean(db):
    url, api = db
    clock = Clock()
    r = ApiRunner(url, "t1", clock=clock)
    r.start(clock())
    row = api.read(desk.run, r.run_id)
    assert (row["state"], row["pid"], row["base_start"], row["quote_start"]) == (
        "running", os.getpid(), "100", "1000000")
    clock.now += S
    rep = r.step(clock.now)
    assert [c.cid for c in rep.commands] == [f"mm{r.run_id}.1", f"mm{r.run_id}.2"]
    assert open_orders(api) == [f"mm{r.run_id}.1", f"mm{r.run_id}.2"]
    assert [s["equity"] for s in api.read(desk.samples, r.run_id)] == ["0"]

    desk.set_run_state(api.db, r.run_id, "paused")
    r.poll(clock.now)
    assert r.paused and open_orders(api) == []
    clock.now += S
    assert r.step(clock.now).commands == []
    desk.set_run_state(api.db, r.run_id, "running")
    r.poll(clock.now)
    assert len(r.step(clock.now).commands) == 2

    desk.save_config(api.db, "t1", "test_ladder", "T-USD", "mm",
                     {"ticks": "3", "size": "0.5"}, clock.now, stage="paper")   # `mm set`
    clock.now += S
    r.poll(clock.now)
    assert [(c["op"], c["price"]) for c in sent(r.step(clock.now))] == [
        ("amend", "997"), ("amend", "1003")]
    assert api.read(desk.run, r.run_id)["version"] == 2          # the run says what it trades

    desk.set_run_state(api.db, r.run_id, "stopping")
    clock.now += S
    r.poll(clock.now)
    assert r.done == "stopped" and open_orders(api) == []
    row = api.read(desk.run, r.run_id)
    assert (row["state"], row["pid"], row["stopped_ts"], row["reason"]) == (
        "stopped", None, clock.now, "stopped on request")
    rep = report(api, r.run_id)
    assert rep["alerts"]["items"][0]["text"] == "version 2 applied"
    assert rep["trades"]["count"] == 0 and rep["pnl"]["total"] == "0"
    r.close()


def test_one_run_per_configuration_and_a_dead_run_is_cleared(db):
    url, api = db
    clock = Clock()
    first = ApiRunner(url, "t1", clock=clock)
    first.start(clock())
    first.step(clock())
    with pytest.raises(ValueError, match=r"t1 is already running \(run 1, pid "):
        ApiRunner(url, "t1", clock=clock).start(clock())
    # the first run's process dies: its row and orders are left behind
    with api.db.begin() as conn:
        conn.execute(MmRun.__table__.update().values(pid=2**22 + 12345))
    second = ApiRunner(url, "t1", clock=clock)
    second.start(clock())
    assert api.read(desk.run, 1)["state"] == "dead"
    assert api.read(desk.run, 1)["reason"] == f"dead: runner process {2**22 + 12345} is gone"
    assert open_orders(api) == []          # the dead run's quotes were cancelled
    first.close()
    second.close()


def test_only_an_admin_or_the_strategy_user_may_run_it(db):
    url, _ = db
    with pytest.raises(ValueError, match="x may not run t1: it trades as mm"):
        ApiRunner(url, "t1", requester="x")
    ApiRunner(url, "t1", requester="mm").close()
    with pytest.raises(ValueError, match="no strategy configuration 'nope'"):
        ApiRunner(url, "nope")


def test_the_desk_wide_limit_counts_every_running_strategy(db):
    """Another run already holds 0.8 T; the desk caps T at 1 net: our bid shrinks to 0.2,
    our ask (which would bring the desk back toward flat) stays whole."""
    url, api = db
    desk.save_config(api.db, "other", "test_ladder", "T-USD", "x", {}, T0)
    other = desk.start_run(api.db, "other", 1, "sim", T0, 0, "0", "0")
    desk.add_samples(api.db, other, [(T0, "0.8", "0", None)])
    desk.set_desk_limit(api.db, "T", "1")
    clock = Clock()
    r = ApiRunner(url, "t1", clock=clock)
    r.start(clock())
    r.poll(clock.now)
    clock.now += S
    sides = {c["side"]: c["qty"] for c in sent(r.step(clock.now))}
    assert sides == {"buy": "0.2", "sell": "0.5"}
    desk.set_desk_limit(api.db, "T", None)
    clock.now += S
    r.poll(clock.now)
    r.force = True
    clock.now += S
    assert [(c["op"], c["qty"]) for c in sent(r.step(clock.now))] == [("amend", "0.5")]
    r.close()
