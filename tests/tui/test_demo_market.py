"""The demo market runs in a child process (`souq sim --control`), steered through its
standard input and never outliving the workstation."""
import asyncio
import io
import os
import sqlite3
import time

from souq.cli.sim_control import Control
from souq.tui.demo_market import DemoMarket
from tui_harness import HANG, wait_for


class Recorder:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def pause(self) -> None:
        self.calls.append("pause")

    def resume(self) -> None:
        self.calls.append("resume")


def test_control_steers_the_driver_and_stops_at_stop_or_at_the_end_of_input():
    d = Recorder()
    c = Control(d, io.StringIO("pause\nresume\nwhatever\npause\nstop\nresume\n"))
    c._thread.join(timeout=HANG)
    assert c.stopped and d.calls == ["pause", "resume", "pause"]     # nothing after stop
    d2 = Recorder()
    c2 = Control(d2, io.StringIO("pause\n"))                         # the parent went away
    c2._thread.join(timeout=HANG)
    assert c2.stopped and d2.calls == ["pause"]


def _trades(workstation) -> int:
    """Trades committed so far (a plain read: the market keeps writing meanwhile)."""
    if not workstation.path.exists():
        return 0
    with sqlite3.connect(workstation.path, timeout=HANG) as db:
        return db.execute("SELECT count(*) FROM trades").fetchone()[0]


def test_the_workstation_runs_the_demo_market_in_a_child_and_stops_it(empty_workstation):
    """A fresh database, as `souq` makes on first start: the demo exchange, then its
    market in a child process."""
    workstation = empty_workstation
    app = workstation.app(simulate=True, sim_rate=400.0)
    seen = {}

    async def script(pilot):
        await wait_for(pilot, lambda: isinstance(app._demo, DemoMarket)
                       and app._demo.proc is not None)
        market = seen["market"] = app._demo
        assert market.proc.pid != os.getpid() and market.running()
        assert market.command()[-6:] == ["sim", "--control", "--rate", "400.0", "--seed", "1"]
        await wait_for(pilot, lambda: _trades(workstation) > 5)     # it trades
        # a live market never goes quiet, so wait for the state, not for a quiet app
        await pilot.press("p")
        await wait_for(pilot, lambda: app.state.sim_state == "paused")
        assert market.paused
        await pilot.press("p")
        await wait_for(pilot, lambda: app.state.sim_state == "running")
        assert not market.paused

    async def main() -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await script(pilot)
    asyncio.run(main())
    assert seen["market"].proc.wait(timeout=HANG) == 0          # stopped with the app


def test_a_demo_market_whose_parent_dies_stops(workstation):
    """The pipe closes when the workstation dies (kill -9 included): the child stops."""
    market = DemoMarket(str(workstation.path), 200.0, 3)
    market.start()
    try:
        deadline = time.monotonic() + HANG
        while _trades(workstation) == 0 or not market.running():
            assert market.running(), market.failure()
            assert time.monotonic() < deadline
            time.sleep(0.1)
        market.proc.stdin.close()                # what the kernel does for a dead parent
        assert market.proc.wait(timeout=HANG) == 0
    finally:
        if market.proc.poll() is None:
            market.proc.kill()
            market.proc.wait(timeout=HANG)


def test_a_demo_market_that_cannot_run_says_why(tmp_path):
    market = DemoMarket(str(tmp_path / "missing" / "x.db"), 200.0, 1)
    market.start()
    market.proc.wait(timeout=HANG)
    assert market.failure().startswith("error:"), market.failure()
    

def test_a_demo_database_past_its_retention_starts_afresh(empty_workstation):
    """Built 25 h before the app's (frozen) clock with the default retention of 24 h: the
    workstation empties it, builds the demo again and says so."""
    from souq.db.api import Api
    from souq.mm.desk.demo_configs import build as build_demo
    from tui_harness import FROZEN_NS, drive
    ws = empty_workstation
    old = FROZEN_NS - 25 * 3600 * 10**9
    api = Api(str(ws.path), clock=lambda: old)
    build_demo(api)
    entries = api.store.journal_length()
    api.close()

    async def script(pilot):
        said = [n.message for n in pilot.app._notifications]
        assert said == [f"the demo database was older than 24 h: started afresh ({entries:,} "
                        "journal entries removed)"]

    drive(ws.app(), script)
    with sqlite3.connect(ws.path) as db:
        assert db.execute("SELECT min(ts) FROM journal").fetchone()[0] == FROZEN_NS


def footer(app) -> str:
    from tui_harness import screen_text
    return screen_text(app).splitlines()[-1]


def test_a_database_made_by_init_demo_opens_with_its_market_running(empty_workstation):
    """`souq init --demo`, then `souq` on it: the living demo market starts, as on a
    database the workstation built itself, and `p` pauses it."""
    import subprocess
    import sys
    ws = empty_workstation
    made = subprocess.run([sys.executable, "-c", "from souq.cli.main import run; run()", "--db",
                           str(ws.path), "init", "--demo"], capture_output=True, text=True,
                          timeout=HANG)
    assert made.returncode == 0, made.stderr
    app = ws.app(simulate=True, sim_rate=50.0)
    seen = {}

    async def script(pilot):
        await wait_for(pilot, lambda: isinstance(app._demo, DemoMarket)
                       and app._demo.running() and app.state.view is not None)
        await wait_for(pilot, lambda: "p Pause sim" in footer(app))
        seen["state"] = app.state.sim_state
        seen["market"] = app._demo

    async def main() -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await script(pilot)
    asyncio.run(main())
    assert seen["state"] == "running"
    assert seen["market"].proc.wait(timeout=HANG) == 0          # stopped with the app


def test_no_demo_market_no_pause_key(workstation):
    """A database with no demo market running (here: simulation not asked for): the
    footer, the key list and the palette do not offer `p`, and the status says sim off."""
    from tui_harness import drive, keys, screen_text
    seen = {}

    async def script(pilot):
        app = pilot.app
        seen["footer"] = footer(app)
        seen["status"] = screen_text(app).splitlines()[-2]
        await keys(pilot, "question_mark")
        seen["help"] = str(app.screen.query_one("#keys-help-text").render())
        seen["palette"] = [c.title for c in app.get_system_commands(app.screen)]
    drive(workstation.app(), script)
    assert "Pause" not in seen["footer"] and " B Backtest" in seen["footer"]
    assert "sim off" in seen["status"]
    assert "Pause sim" not in seen["help"] and "Backtest" in seen["help"]
    assert not [t for t in seen["palette"] if "demo market" in t]
