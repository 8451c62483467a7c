"""What kept the workstation slow under load (issue 15), pinned by counts, not by speed:
a dialog composes the screens behind it once, not on every repaint; nothing redraws the
main screen under a dialog, and what arrived meanwhile is drawn when it closes; the
follower builds no view that nothing would show; the garbage collector leaves what was
loaded alone. `souq bench --tui` measures the times these counts stand for."""
import gc

from souq.db.api import Api
from souq.tui import app as tui_app
from souq.tui import facade as tui_facade
from souq.tui.screens import dialog
from souq.tui.screens.main import MainScreen
from souq.tui.screens.order_ticket import OrderTicket

from tui_harness import FROZEN_NS, caught_up, drive, keys, settled, wait_for


def _resting_bid(workstation) -> None:
    """Bob commits an order from another process, as the demo market would."""
    api = Api(str(workstation.path), "bob", clock=lambda: FROZEN_NS)
    try:
        r = api.execute({"op": "limit", "user": "bob", "symbol": "BTC-IRR", "side": "buy",
                         "price": "94000000000", "qty": "0.001"})
        assert r.accepted, r.reason
    finally:
        api.close()


def test_a_dialog_composes_the_screen_behind_it_once_however_often_it_repaints(
        workstation, monkeypatch):
    composed = []
    compose = dialog.BackgroundScreen.__rich_console__

    def counted(self, console, options):
        composed.append(self)
        return compose(self, console, options)
    monkeypatch.setattr(dialog.BackgroundScreen, "__rich_console__", counted)

    async def script(pilot):
        await keys(pilot, "b")
        assert isinstance(pilot.app.screen, OrderTicket)
        # every key changes a field and its terms: a repaint of the ticket each
        await keys(pilot, "up", "up", "down", "up", "ctrl+t", "ctrl+t")
    drive(workstation.app(), script)
    assert len(composed) == 1


def test_under_a_dialog_no_view_is_built_or_drawn_and_the_newest_shows_when_it_closes(
        workstation, monkeypatch):
    built, drawn = [], []
    build_view = tui_facade.build_view
    monkeypatch.setattr(tui_facade, "build_view",
                        lambda *a, **kw: built.append(1) or build_view(*a, **kw))
    render_view = MainScreen.render_view
    monkeypatch.setattr(MainScreen, "render_view",
                        lambda self, view: drawn.append(view.seq) or render_view(self, view))
    seen = {}

    async def script(pilot):
        app = pilot.app
        await keys(pilot, "b")
        assert isinstance(app.screen, OrderTicket)
        shown, views = app.state.view.seq, len(built)
        drawn.clear()
        _resting_bid(workstation)
        store = app.facade.api.store
        app.follow()
        await wait_for(pilot, lambda: store.ex.seq > shown)       # applied, under the ticket
        await settled(pilot)
        seen["under"] = (len(built) - views, list(drawn), app.state.view.seq)
        await keys(pilot, "escape")
        await caught_up(pilot)
        seen["after"] = (list(drawn), app.state.view.seq, store.ex.seq)
    drive(workstation.app(), script)
    built_under, drawn_under, view_seq = seen["under"]
    assert (built_under, drawn_under) == (0, [])
    drawn_after, seq_after, applied = seen["after"]
    assert seq_after == applied > view_seq
    assert drawn_after[-1] == applied


def test_what_was_loaded_is_frozen_out_of_the_collectors_way(workstation):
    seen = {}

    async def script(pilot):
        seen["threshold"] = gc.get_threshold()
        seen["frozen"] = gc.get_freeze_count()
    before = gc.get_threshold()
    try:
        drive(workstation.app(), script)
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
    assert seen["threshold"] == tui_app.GC_THRESHOLDS
    assert seen["frozen"] > 0
