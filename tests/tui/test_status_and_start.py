"""The status bar's follow latency and the strategies' count and health; a strategy being
started shows at once; the Strategy pane's title and its rows agree after pause/resume."""
import threading

from textual.widgets import DataTable

from souq.db.api import Api
from souq.tui.desk_facade import DeskFacade
from tui_desk_kit import desk_market, quote
from tui_harness import FROZEN_NS, HANG, caught_up, drive, keys, settled, wait_for


def status(app) -> str:
    return str(app.screen.query_one("#status").render())


async def select(pilot, name: str) -> None:
    table = pilot.app.screen.query_one("#strategy-table", DataTable)
    await wait_for(pilot, lambda: table.row_count == 8)
    table.focus()
    table.move_cursor(row=[k.value for k in table.rows].index(name), animate=False)
    await settled(pilot)


def test_follow_latency_is_commit_to_screen_of_what_arrives_after_opening(workstation):
    ws = quote(desk_market(workstation))
    seen = {}

    async def script(pilot):
        app = pilot.app
        seen["before"] = status(app)
        api = Api(str(ws.path), "bob", clock=lambda: FROZEN_NS - 25_000_000)   # 25 ms ago
        try:
            r = api.execute({"op": "limit", "user": "bob", "symbol": "BTC-IRR", "side": "buy",
                             "price": "94000000000", "qty": "0.001"})
            assert r.accepted, r.reason
        finally:
            api.close()
        app.follow()
        await wait_for(pilot, lambda: app.state.follow_ms is not None)
        await caught_up(pilot)
        seen["after"] = status(app)
    drive(ws.app(), script)
    assert "follow –" in seen["before"]            # nothing arrived yet: nothing measured
    assert "follow 25 ms" in seen["after"]
    assert "mm 1 running (ok)" in seen["after"]    # fixed-btc; layered-btc stopped


def test_a_dead_run_shows_in_the_health(workstation):
    ws = desk_market(workstation)      # fixed-btc's run never beat: the watchdog buries it
    seen = {}

    async def script(pilot):
        await wait_for(pilot, lambda: "dead" in status(pilot.app))
        seen["status"] = status(pilot.app)
    drive(ws.app(), script)
    assert "mm 0 running, 1 dead (check)" in seen["status"]


def test_start_shows_starting_at_once_then_the_run(workstation, monkeypatch):
    ws = desk_market(workstation)
    release = threading.Event()
    real = DeskFacade.start

    def slow_start(self, name):
        assert release.wait(HANG), "the test never let the start finish"
        return real(self, name)
    monkeypatch.setattr(DeskFacade, "start", slow_start)
    monkeypatch.setattr("souq.mm.desk.launch.start", lambda api, name, command: {"id": 99})
    seen = {}

    async def script(pilot):
        app = pilot.app
        await keys(pilot, "7")
        await select(pilot, "glft-eth")
        await pilot.press("g")
        await wait_for(pilot, lambda: "glft-eth" in app.state.starting)
        table = app.screen.query_one("#strategy-table", DataTable)
        await wait_for(pilot, lambda: table.get_cell("glft-eth", "state") == "starting")
        seen["title"] = str(app.screen.query_one("#strategy").border_title)
        seen["status"] = status(app)
        release.set()
        await wait_for(pilot, lambda: any(
            getattr(m, "action", None) == "start" and type(m).__name__ == "DeskDone"
            for m in app.seen))
    drive(ws.app(), script, size=(80, 24))
    assert seen["title"] == "Strategy (8 configured, 0 running, 1 starting)"
    assert "1 starting" in seen["status"]


def test_title_and_row_agree_after_pause_and_resume(workstation):
    ws = quote(desk_market(workstation))
    seen = []

    async def script(pilot):
        app = pilot.app
        await keys(pilot, "7")
        await select(pilot, "fixed-btc")
        table = app.screen.query_one("#strategy-table", DataTable)
        title = app.screen.query_one("#strategy")
        for key, state in (("z", "paused"), ("z", "running")):
            await keys(pilot, key)
            await wait_for(pilot, lambda: table.get_cell("fixed-btc", "state") == state)
            await settled(pilot)
            seen.append((state, str(title.border_title)))
    drive(ws.app(), script, size=(80, 24))
    assert seen == [("paused", "Strategy (8 configured, 0 running, 1 paused)"),
                    ("running", "Strategy (8 configured, 1 running)")]
