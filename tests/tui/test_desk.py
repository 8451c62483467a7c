"""The desk through the workstation: editing a strategy's parameters (valid and refused),
and start, pause/resume, stop and kill from the Strategy pane's keys, checked against what
the database holds afterwards. Start runs the real runner process (`souq mm run`)."""
import pytest
from textual.widgets import DataTable, Input

from souq.db import desk as D
from souq.db.api import Api
from tui_desk_kit import with_desk
from souq.tui.screens.strategy_form import StrategyForm
from tui_harness import drive, keys, screen_text, settled, wait_for

NAME, USER = "fixed-btc", "mm-fixed"


def latest(ws, name=NAME) -> dict:
    api = Api(str(ws.path))
    try:
        return api.read(D.config, name)
    finally:
        api.close()


def newest_run(ws, name=NAME) -> dict | None:
    api = Api(str(ws.path))
    try:
        rows = api.read(D.runs, name, 1)
        return rows[0] if rows else None
    finally:
        api.close()


def notifications(messages) -> list:
    return [m.notification for m in messages if type(m).__name__ == "Notify"]


async def select(pilot, name=NAME) -> None:
    """Show the Strategy pane and put its cursor on `name`."""
    await keys(pilot, "7")
    table = pilot.app.screen.query_one("#strategy-table", DataTable)
    await wait_for(pilot, lambda: table.row_count == 8)
    names = [k.value for k in table.rows]
    table.move_cursor(row=names.index(name), animate=False)
    await settled(pilot)


async def done(pilot) -> None:
    """The desk action's worker finished and what it posted was shown."""
    await settled(pilot)


async def open_form(pilot) -> StrategyForm:
    await select(pilot)
    await keys(pilot, "enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, StrategyForm))
    return pilot.app.screen


def test_a_valid_edit_writes_the_next_version_and_shows_it(workstation):
    ws = with_desk(workstation)

    async def script(pilot):
        form = await open_form(pilot)
        field = form.query_one("#param-bid_spread_bps", Input)
        assert field.value == "2"
        field.value = "15"
        field.focus()
        await keys(pilot, "enter")
        await done(pilot)
        assert not isinstance(pilot.app.screen, StrategyForm)      # applied: closed
        await wait_for(pilot, lambda: pilot.app.state.desk.row(NAME).version == 2)
        table = pilot.app.screen.query_one("#strategy-table", DataTable)
        assert table.get_cell(NAME, "v") == "2"
        row = next(line for line in screen_text(pilot.app).splitlines() if NAME in line)
        assert row.split()[1:7] == ["fixed-btc", "fixed_spread", "BTC-IRR", "mm-fixed",
                                    "paper", "2"]
    messages = drive(ws.app(), script)
    cfg = latest(ws)
    assert cfg["version"] == 2 and cfg["stage"] == "paper"
    assert cfg["params"]["bid_spread_bps"] == "15" and cfg["params"]["ask_spread_bps"] == "2"
    assert [n.message for n in notifications(messages)] == [
        "fixed-btc version 2: bid_spread_bps 2 → 15"]


def test_an_invalid_edit_is_refused_with_the_reason_and_nothing_is_written(workstation):
    ws = with_desk(workstation)
    before = latest(ws)

    async def script(pilot):
        form = await open_form(pilot)
        form.query_one("#param-ask_spread_bps", Input).value = "12"     # valid ...
        bad = form.query_one("#param-bid_spread_bps", Input)
        bad.value = "9000"                                               # ... and not
        bad.focus()
        await keys(pilot, "ctrl+s")
        await done(pilot)
        assert pilot.app.screen is form                       # still open, as typed
        assert bad.value == "9000" and bad.has_class("refused")
        assert form.query_one("#param-ask_spread_bps", Input).value == "12"
    messages = drive(ws.app(), script)
    assert latest(ws) == before                              # nothing half-applied
    (note,) = notifications(messages)
    assert note.severity == "error"
    assert note.message == "bid_spread_bps: 9000 is above the maximum 5000"


def test_pause_resume_and_kill_without_a_run_are_refused(workstation):
    ws = with_desk(workstation)

    async def script(pilot):
        await select(pilot)
        for key in ("z", "x"):
            await keys(pilot, key)
            await done(pilot)
    messages = drive(ws.app(), script)
    assert [n.message for n in notifications(messages)] == [
        "fixed-btc is not running", "fixed-btc is not running"]


def open_orders(ws, user=USER) -> list:
    return ws.read("orders", user=user, status="open")


@pytest.mark.slow
def test_start_pause_resume_stop_then_start_and_kill(workstation):
    """The real runner process: it quotes, pauses (its orders leave the book), resumes,
    stops; started again, the kill switch leaves mm-fixed with no open orders."""
    ws = with_desk(workstation)

    async def until(pilot, predicate):
        await wait_for(pilot, predicate, step=0.1)

    async def script(pilot):
        await select(pilot)
        await keys(pilot, "g")                        # start: waits for the run row
        await done(pilot)
        assert newest_run(ws)["state"] == "running"
        await until(pilot, lambda: open_orders(ws))
        await keys(pilot, "z")                        # pause
        await done(pilot)
        assert newest_run(ws)["state"] == "paused"
        await until(pilot, lambda: not open_orders(ws))
        await until(pilot, lambda: pilot.app.state.desk.row(NAME).state == "paused")
        await keys(pilot, "z")                        # resume
        await done(pilot)
        assert newest_run(ws)["state"] == "running"
        await until(pilot, lambda: open_orders(ws))
        await keys(pilot, "x")                        # stop: waits for stopped
        await done(pilot)
        first = newest_run(ws)
        assert first["state"] == "stopped" and not open_orders(ws)

        await keys(pilot, "g")
        await done(pilot)
        await until(pilot, lambda: open_orders(ws))
        await keys(pilot, "K")                        # kill
        await done(pilot)
        run = newest_run(ws)
        assert run["id"] > first["id"] and run["state"] == "killed"
        assert not open_orders(ws)
    try:
        messages = drive(ws.app(), script)
    finally:
        run = newest_run(ws)
        if run and run["state"] in D.ACTIVE_RUN_STATES:     # never leave a runner behind
            api = Api(str(ws.path))
            D.set_run_state(api.db, run["id"], "stopping")
            api.close()
    texts = [n.message for n in notifications(messages)]
    assert texts[0].startswith("fixed-btc started: run ")
    assert texts[1:4] == [f"fixed-btc run {first_id}: {s}" for first_id, s in
                          ((newest_run(ws)["id"] - 1, "paused"),
                           (newest_run(ws)["id"] - 1, "running"),
                           (newest_run(ws)["id"] - 1, "stopped"))]
    assert texts[-1].startswith(f"fixed-btc: run {newest_run(ws)['id']} killed, ")


def test_risk_alerts_reach_the_alerts_pane_and_critical_ones_notify(workstation):
    """A runner in another process logs alerts in the database: the workstation shows the
    ones logged after it opened, and a critical one interrupts as an error toast."""
    ws = with_desk(workstation)
    api = Api(str(ws.path))
    D.log_alert(api.db, 1, NAME, "warning", "old", "before the app opened")

    async def script(pilot):
        await wait_for(pilot, lambda: pilot.app.state.desk is not None)
        D.log_alert(api.db, 2, NAME, "critical", "kill_switch",
                    "loss 4.49 passed max_loss 4: orders cancelled, run killed")
        await wait_for(pilot, lambda: any("kill" in a.text for a in pilot.app.state.alerts))
        await settled(pilot)
        assert [a.text for a in pilot.app.state.alerts if a.text.startswith(NAME)] == [
            "fixed-btc: loss 4.49 passed max_loss 4: orders cancelled, run killed"]
    messages = drive(ws.app(), script)
    api.close()
    toasts = [(n.message, n.severity) for n in notifications(messages)]
    assert toasts == [("fixed-btc: loss 4.49 passed max_loss 4: orders cancelled, run killed",
                       "error")]
