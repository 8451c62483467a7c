"""What a dialog costs the screen under it (issue 15), pinned without timing: the main
screen is not redrawn under a dialog and shows the newest view once the dialog closes;
a dialog composes the dimmed picture behind it once, not on each repaint; the footer
keeps its keys when they did not change. `souq bench --tui` measures the times."""
from textual.renderables.background_screen import BackgroundScreen
from textual.widgets._footer import FooterKey

from souq.tui.screens.order_ticket import OrderTicket
from souq.tui.widgets.keys_footer import KeysFooter
from souq.tui.widgets.order_book import OrderBook

from tui_harness import drive, keys, settled, wait_for

NEW_ASK = {"op": "limit", "id": "far-ask", "user": "alice", "symbol": "BTC-IRR",
           "side": "sell", "price": "95090000000", "qty": "0.001"}


def test_the_main_screen_waits_under_a_dialog_and_catches_up_when_it_closes(workstation):
    seen = {}

    async def script(pilot):
        app = pilot.app
        main = app.screen
        await keys(pilot, "b")
        assert isinstance(app.screen, OrderTicket)
        drawn = main._drawn[0]
        before = app.state.view.seq
        workstation.execute([NEW_ASK])          # another shell's order, followed by the app
        await wait_for(pilot, lambda: app.state.view.seq > before)
        await settled(pilot)
        seen["under"] = main._drawn[0] is drawn
        seen["book_under"] = "sell:95090000000" in main.query_one(OrderBook).level_keys()
        await keys(pilot, "escape")
        seen["after"] = main._drawn[0] is app.state.view
        seen["book_after"] = "sell:95090000000" in main.query_one(OrderBook).level_keys()
    drive(workstation.app(), script)
    assert seen == {"under": True, "book_under": False, "after": True, "book_after": True}


def test_a_dialog_composes_the_picture_behind_it_once(workstation, monkeypatch):
    composed = []
    original = BackgroundScreen.__rich_console__

    def counting(self, console, options):
        composed.append(1)
        return original(self, console, options)

    async def script(pilot):
        app = pilot.app
        await keys(pilot, "b")
        first = len(composed)
        for _ in range(3):                      # whole repaints of the dialog
            app.screen.refresh()
            await settled(pilot)
        await keys(pilot, "up", "up")           # fields change under the keys
        composed.append(first)
    monkeypatch.setattr(BackgroundScreen, "__rich_console__", counting)
    drive(workstation.app(), script)
    first = composed.pop()
    assert first >= 1 and len(composed) == first


def test_the_footer_keeps_its_keys_when_a_dialog_closes(workstation):
    seen = {}

    async def script(pilot):
        app = pilot.app
        footer = app.screen.query_one(KeysFooter)
        before = list(footer.query(FooterKey))
        await keys(pilot, "b")
        await keys(pilot, "escape")
        after = list(footer.query(FooterKey))
        seen["same"] = [id(k) for k in after] == [id(k) for k in before]
        seen["keys"] = len(after) > 2 and [k.action for k in after] == [k.action for k in before]
    drive(workstation.app(), script)
    assert seen == {"same": True, "keys": True}
