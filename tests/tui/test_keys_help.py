"""Keys a user can find: `?` lists every binding of the screen on view (built from the
bindings, so it cannot drift from them), and the footer always says what the focused
field's keys do (the quick entry, the surveillance note)."""
from textual.widgets import Static

from souq.tui.screens.surveillance import SurveillanceScreen
from souq.tui.widgets.keys_help import key_display, offered, owned_bindings
from tui_harness import WIDE, drive, keys, screen_text
from test_surveillance_screen import open_screen, with_case

# keys a newcomer did not find in the list: strategy start/pause/stop/kill, the chart's
# kind, interval, mode and zoom, the Orders pane's all-symbols switch
ONCE_MISSING = {"g": "Start", "z": "Pause/resume", "x": "Stop", "K": "Kill",
                "k": "Line/candles", "i": "Interval", "[": "Zoom out", "]": "Zoom in",
                "m": "Market/strategy", "a": "All symbols"}


def help_lines(app) -> list[str]:
    return str(app.screen.query_one("#keys-help-text", Static).render()).splitlines()


def test_help_lists_every_binding_of_every_pane(workstation):
    seen = {}

    async def script(pilot):
        app = pilot.app
        await keys(pilot, "question_mark")
        seen["lines"] = help_lines(app)
        seen["expected"] = [(key_display(app, b), b.description)
                            for node in [app, app.screen, *app.screen.walk_children()]
                            for b in owned_bindings(node) if offered(node, b)]
        await keys(pilot, "question_mark")
        seen["closed"] = not app.screen.query("KeysHelp")
    drive(workstation.app(), script, size=WIDE)
    rows = {tuple(line.strip().split("  ", 1)) for line in seen["lines"]}
    shown = {(k, d) for keys_, d in (r for r in rows if len(r) == 2) for k in keys_.split(" ")}
    assert len(seen["expected"]) > 40
    assert {(k, d.strip()) for k, d in seen["expected"]} <= shown
    assert set(ONCE_MISSING.items()) <= shown
    assert seen["closed"]


def footer(app) -> str:
    return screen_text(app).splitlines()[-1]


def test_footer_says_what_enter_and_escape_do_in_the_quick_entry(workstation):
    seen = {}

    async def script(pilot):
        await keys(pilot, ":")
        seen["entry"] = footer(pilot.app)
        await keys(pilot, "escape")
        seen["after"] = footer(pilot.app)
    drive(workstation.app(), script, size=WIDE)
    assert seen["entry"].split("▏")[0].split() == ["⏎", "Send", "esc", "Leave", "entry"]
    assert seen["after"].startswith(" ? Keys  q Quit")


def test_footer_in_the_surveillance_note_names_its_own_keys(workstation):
    seen = {}

    async def script(pilot):
        await open_screen(pilot)
        seen["cases"] = footer(pilot.app)
        await keys(pilot, "n")
        seen["note"] = footer(pilot.app)
        assert isinstance(pilot.app.screen, SurveillanceScreen)
    drive(with_case(workstation).app(), script, size=WIDE)
    assert "r Review" in seen["cases"] and "n Note" in seen["cases"]
    assert seen["note"].split("▏")[0].split() == ["⏎", "Keep", "note", "esc", "Leave", "note"]
