"""What a dialog costs the screen under it (issue 15), pinned without timing: the main
screen is not redrawn under a dialog and shows the newest view once the dialog closes;
a dialog composes the dimmed picture behind it once, not on each repaint; the footer
keeps its keys when they did not change; the desk's panes and the chart repaint without
laying out the screen. `souq bench --tui` measures the times."""
from rich.text import Text
from textual._compositor import Compositor
from textual.renderables.background_screen import BackgroundScreen
from textual.screen import Screen
from textual.widgets._footer import FooterKey

from souq.tui.screens.order_ticket import OrderTicket
from souq.tui.widgets.chart import ChartPane
from souq.tui.widgets.keys_footer import KeysFooter
from souq.tui.widgets.order_book import OrderBook
from souq.tui.widgets.inventory import InventoryPane
from souq.tui.widgets.maker import MakerPane
from souq.tui.widgets.strategy import StrategyPane

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
        await wait_for(pilot, lambda: app.facade.api.store.ex.seq > before)    # replayed
        await pilot.pause(0.2)                  # and a few polls more
        await settled(pilot)
        seen["under"] = main._drawn[0] is drawn
        seen["no_view_built"] = app.state.view.seq == before    # nobody would see it
        seen["book_under"] = "sell:95090000000" in main.query_one(OrderBook).level_keys()
        await keys(pilot, "escape")
        await wait_for(pilot, lambda: app.state.view.seq > before)
        await settled(pilot)
        seen["after"] = main._drawn[0] is app.state.view
        seen["book_after"] = "sell:95090000000" in main.query_one(OrderBook).level_keys()
    drive(workstation.app(), script)
    assert seen == {"under": True, "no_view_built": True, "book_under": False, "after": True,
                    "book_after": True}


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


def test_the_desk_read_and_a_new_chart_repaint_without_laying_out_the_screen(workstation):
    """The desk's panes are read again every second and the chart is drawn again twice a
    second under a busy market: neither lays the whole screen out again when its size
    cannot change (issue 15: whole-screen layouts were 37 % of the UI thread)."""
    seen = {}

    async def script(pilot):
        app = pilot.app
        await wait_for(pilot, lambda: app.state.desk is not None)
        await settled(pilot)
        main, layouts = app.screen, []
        original = Screen._refresh_layout

        def counting(screen, *args, **kw):
            if screen is main:
                layouts.append(1)
            return original(screen, *args, **kw)
        Screen._refresh_layout = counting
        try:
            for _ in range(3):
                app.desk.draw()                 # the same desk read again
                chart = main.query_one(ChartPane)
                chart.post_message(ChartPane.Drawn(chart, chart._drawn, Text("a new chart")))
                await settled(pilot)
        finally:
            Screen._refresh_layout = original
        seen["layouts"] = len(layouts)
        seen["chart"] = "a new chart" in str(main.query_one("#chart-canvas").visual)
    drive(workstation.app(), script)
    assert seen == {"layouts": 0, "chart": True}


def test_a_change_under_a_dialog_does_not_compose_the_dialog_again(workstation, monkeypatch):
    """Textual sends a covered screen's dirty regions up to the dialog and then marks the
    covered screen whole, so each of its idles composed the dialog again in full (issue
    15: once or twice between Enter in the ticket and the order's frame). Under a dialog
    nothing is sent up; the first frame once the dialog closes is whole."""
    frames, seen = [], {}
    full, partial = Compositor.render_full_update, Compositor.render_partial_update
    monkeypatch.setattr(Compositor, "render_full_update",
                        lambda self, *a, **k: frames.append((self, "full")) or full(self, *a, **k))
    monkeypatch.setattr(Compositor, "render_partial_update",
                        lambda self, *a, **k: frames.append((self, "part")) or partial(self, *a, **k))

    async def script(pilot):
        app = pilot.app
        main = app.screen
        await keys(pilot, "b")
        ticket = app.screen
        await settled(pilot)
        frames.clear()
        for _ in range(3):                      # the main screen changes under the ticket
            main.query_one(OrderBook).refresh()
            main.query_one(KeysFooter).refresh()
            await settled(pilot)
        seen["ticket whole"] = [k for c, k in frames if c is ticket._compositor].count("full")
        frames.clear()
        await keys(pilot, "escape")
        await settled(pilot)
        seen["first after"] = next(k for c, k in frames if c is main._compositor)
    drive(workstation.app(), script)
    assert seen == {"ticket whole": 0, "first after": "full"}


def test_the_desk_waits_under_a_dialog_and_is_drawn_when_it_closes(workstation, monkeypatch):
    """A desk read (about once a second) that arrives while the order ticket covers the
    main screen is not drawn into its panes (nobody sees them: the dialog replays the
    picture it kept); it is drawn once the main screen is on top again."""
    drawn, seen = [], {}
    original = StrategyPane.update_desk
    monkeypatch.setattr(StrategyPane, "update_desk",
                        lambda self, view: drawn.append(view) or original(self, view))

    async def script(pilot):
        app = pilot.app
        await wait_for(pilot, lambda: app.state.desk is not None)
        await settled(pilot)
        await keys(pilot, "b")
        assert isinstance(app.screen, OrderTicket)
        drawn.clear()
        app.desk.ready(app.state.desk)          # a desk read arrives under the ticket
        await settled(pilot)
        seen["under"] = len(drawn)
        await keys(pilot, "escape")
        await settled(pilot)
        seen["after"] = len(drawn) >= 1 and drawn[-1].rows == app.desk.shown_rows()
    drive(workstation.app(), script)
    assert seen == {"under": 0, "after": True}


def test_the_same_desk_read_again_repaints_no_desk_pane(workstation, monkeypatch):
    """The desk is read every second: a read that changed nothing repaints none of its
    panes (setting a pane's title, even to the same text, repaints the whole pane)."""
    repaints, seen = [], {}

    async def script(pilot):
        app = pilot.app
        await wait_for(pilot, lambda: app.state.desk is not None)
        await settled(pilot)
        main = app.screen
        panes = [main.query_one(p) for p in (StrategyPane, InventoryPane, MakerPane)]
        for pane in panes:
            original = pane.refresh
            monkeypatch.setattr(pane, "refresh", lambda *a, _o=original, _p=pane, **k:
                                repaints.append(type(_p).__name__) or _o(*a, **k))
        for _ in range(3):
            app.desk.draw()                     # the same desk read again
            await settled(pilot)
        seen["repainted"] = sorted(set(repaints))
        seen["title"] = str(panes[0].border_title).startswith("Strategy (")
    drive(workstation.app(), script)
    assert seen == {"repainted": [], "title": True}
