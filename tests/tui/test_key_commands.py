"""Keys declared once: every key the palette names is a binding, every binding of the app
and of the screen on view is in the palette, and the `?` list holds the same keys as the
bindings, no more and no fewer (tui/key_commands.py)."""
import re

from textual.widgets import Static

from souq.tui.key_commands import binding_title
from souq.tui.screens.picker import Picker
from souq.tui.widgets.chart import ChartPane
from souq.tui.widgets.keys_help import key_display, offered, owned_bindings
from souq.tui.widgets.strategy import StrategyPane
from tui_desk_kit import with_desk
from tui_harness import drive, keys, screen_text, wait_for

KEY = re.compile(r"^key (\S+)(?: in the (\w+) pane)?")


def palette(app) -> list[tuple[str, str, str]]:
    """(key, pane or "", title) of every palette command that names a key."""
    out = []
    for c in app.get_system_commands(app.screen):
        m = KEY.match(c.help)
        if m:
            out.append((m.group(1), m.group(2) or "", c.title))
    return out


def bindings(app, nodes) -> set[tuple[str, str]]:
    return {(key_display(app, b), binding_title(b)) for node in nodes
            for b in owned_bindings(node) if offered(node, b)}


def test_the_palette_and_the_bindings_name_the_same_keys(workstation):
    seen = {}

    async def script(pilot):
        app = pilot.app
        seen["palette"] = palette(app)
        seen["top"] = bindings(app, [app, app.screen])
        pane = app.screen.query_one(StrategyPane)
        seen["strategy"] = {key_display(app, b) for b in owned_bindings(pane)}
        seen["chart"] = {(key_display(app, b), binding_title(b))
                         for b in owned_bindings(app.screen.query_one(ChartPane))}
        seen["rows"] = len(app.state.desk.rows)
    drive(with_desk(workstation).app(), script)
    top = {(k, t) for k, pane, t in seen["palette"] if not pane}
    assert top == seen["top"]                       # both ways: no key in one only
    assert ("b", "Buy: order ticket") in top and (":", "Quick entry: type an order") in top
    assert ("p", "Pause or resume the demo market") not in top    # no demo market here
    strategy = [(k, t) for k, pane, t in seen["palette"] if pane == "Strategy"]
    assert {k for k, _ in strategy} == seen["strategy"]
    assert seen["rows"] and len(strategy) == seen["rows"] * len(seen["strategy"])
    chart = {(k, t) for k, pane, t in seen["palette"] if pane == "Chart"}
    assert chart and chart <= seen["chart"]


def test_the_key_list_holds_the_bindings_and_nothing_else(workstation):
    seen = {}

    async def script(pilot):
        app = pilot.app
        await keys(pilot, "question_mark")
        seen["lines"] = str(app.screen.query_one("#keys-help-text", Static).render())
        nodes = [app, app.screen, *app.screen.walk_children()]
        seen["keys"] = {key_display(app, b) for node in nodes for b in owned_bindings(node)
                        if offered(node, b)}
        seen["owners"] = {getattr(n, "KEYS_TITLE", "") or getattr(n, "TITLE", "")
                          or type(n).__name__ for n in nodes} | {"Everywhere", "This screen"}
    drive(workstation.app(), script)
    listed = set()
    for line in seen["lines"].splitlines():
        if line.strip() in seen["owners"]:
            continue
        listed.update(line.strip().split("  ", 1)[0].split(" "))
    assert listed == seen["keys"]


def test_a_palette_command_does_what_its_key_does(workstation):
    seen = {}

    async def script(pilot):
        app = pilot.app
        await keys(pilot, "ctrl+p", *"Switch symbol")
        await wait_for(pilot, lambda: "key /" in screen_text(app))
        await keys(pilot, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, Picker))
        seen["picker"] = type(app.screen).__name__
    drive(workstation.app(), script)
    assert seen["picker"] == "Picker"
