"""Quitting with strategies running asks: stop them (each run asked to stop) or leave them
running (the runs stay as they are), naming them; Esc stays; nothing running quits at once."""
from souq.db import desk as D
from souq.db.api import Api
from souq.tui.screens.quit import QuitDesk
from tui_desk_kit import desk_market, quote, with_desk
from tui_harness import drive, keys, screen_text, wait_for


def run_state(ws, name="fixed-btc") -> str:
    api = Api(str(ws.path))
    try:
        return api.read(D.runs, name, 1)[0]["state"]
    finally:
        api.close()


def quit_with(ws, answer: str | None) -> dict:
    seen = {}

    async def script(pilot):
        app = pilot.app
        await wait_for(pilot, lambda: app.desk.active_strategies())
        await keys(pilot, "q")
        assert isinstance(app.screen, QuitDesk)
        seen["text"] = screen_text(app)
        await pilot.press(answer or "escape")
        if answer:
            await wait_for(pilot, lambda: app.return_code is not None)
        else:
            await wait_for(pilot, lambda: not isinstance(app.screen, QuitDesk))
            seen["stayed"] = app.return_code is None
    app = ws.app()
    drive(app, script)
    seen["message"] = app.desk.quit_note
    return seen


def test_stop_them_asks_each_run_to_stop_and_quits(workstation):
    ws = quote(desk_market(workstation))
    seen = quit_with(ws, "s")
    assert "1 strategy is running:" in seen["text"] and "fixed-btc (running)" in seen["text"]
    assert "Stop them (s)" in seen["text"] and "Leave running (l)" in seen["text"]
    assert run_state(ws) == "stopping"
    assert run_state(ws, "layered-btc") == "stopped"          # was not running: untouched
    assert seen["message"] == "asked to stop: fixed-btc"


def test_leave_them_running_quits_and_says_which(workstation):
    ws = quote(desk_market(workstation))
    seen = quit_with(ws, "l")
    assert run_state(ws) == "running"
    assert seen["message"] == "left running: fixed-btc"


def test_escape_stays(workstation):
    ws = quote(desk_market(workstation))
    seen = quit_with(ws, None)
    assert seen["stayed"] and run_state(ws) == "running"


def test_nothing_running_quits_at_once(workstation):
    ws = with_desk(workstation)

    async def script(pilot):
        await keys(pilot, "q")
        await wait_for(pilot, lambda: pilot.app.return_code is not None)
    app = ws.app()
    drive(app, script)
    assert app.return_code == 0 and not any(isinstance(m, QuitDesk) for m in app.seen)
