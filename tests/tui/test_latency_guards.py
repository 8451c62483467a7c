"""What kept the workstation slow under load (issue 15), pinned without timing: the
garbage collector leaves what was loaded alone and frees cyclic garbage before freezing,
and the UI thread waits little for the interpreter. `souq bench --tui` measures the
times."""
import gc
import sys
import time
import weakref

from textual.screen import Screen

from souq.db.collector import SWITCH_INTERVAL
from souq.tui import follower
from souq.tui.facade import CommandDone
from souq.tui.screens.order_ticket import OrderTicket

from tui_harness import caught_up, drive, handled, keys, screen_text


def inside(workstation) -> dict:
    """What the workstation set once open: the collector's thresholds, how much is frozen,
    the switch interval; each is put back afterwards."""
    seen = {}

    async def script(pilot):
        seen.update(threshold=gc.get_threshold(), frozen=gc.get_freeze_count(),
                    switch=sys.getswitchinterval())
    threshold, switch = gc.get_threshold(), sys.getswitchinterval()
    try:
        drive(workstation.app(), script)
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
        sys.setswitchinterval(switch)
    return seen


def test_what_was_loaded_is_frozen_out_of_the_collectors_way(workstation):
    seen = inside(workstation)
    assert seen["threshold"] == follower.GC_THRESHOLDS
    assert seen["frozen"] > 0


def test_the_ui_threads_turn_at_the_interpreter_comes_soon(workstation):
    assert inside(workstation)["switch"] == SWITCH_INTERVAL


class Node:
    def __init__(self) -> None:
        self.me = self          # a reference cycle: only the cyclic collector frees it


def test_garbage_in_cycles_is_freed_before_the_survivors_are_frozen():
    gone = Node()
    kept = Node()
    watch = weakref.ref(gone)
    del gone
    before = gc.get_threshold()
    try:
        follower.quiet_collector()
        assert watch() is None          # collected, not frozen for good
        assert gc.get_freeze_count() > 0 and gc.is_tracked(kept)
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_a_poll_runs_with_the_cyclic_collector_held_off_and_leaves_it_on():
    seen = []

    class Facade:
        def follow(self, force: bool = True, view: bool = True):
            seen.append(gc.isenabled())
            return None
    poller = follower.JournalFollower(Facade(), show=lambda view: None,
                                      failed=lambda text: None, every=0.05)
    try:
        assert poller._poll() is None
    finally:
        poller.close()
    assert seen == [False] and gc.isenabled()


def test_an_order_sent_by_ticket_never_lays_the_main_screen_out(workstation, monkeypatch):
    """Closing the ticket and showing the order (its row in Orders, its fill's alert) lay
    nothing out again: no layout of the main screen after the ticket's widgets are gone
    (SouqApp._prune), none for a table's row or a log's line (widgets/size_in_place.py)."""
    laid_out = []
    layout = Screen._refresh_layout

    def counted(screen, *args, **kw):
        laid_out.append(type(screen).__name__)
        return layout(screen, *args, **kw)

    async def script(pilot):
        app = pilot.app
        await keys(pilot, "b")
        assert isinstance(app.screen, OrderTicket)
        monkeypatch.setattr(Screen, "_refresh_layout", counted)
        await keys(pilot, "enter")
        await handled(pilot, CommandDone)
        await caught_up(pilot)
        assert not isinstance(app.screen, OrderTicket)
        assert "order" in screen_text(app) and "filled" in screen_text(app)
    drive(workstation.app(), script)
    assert "MainScreen" not in laid_out


def _collections(monkeypatch, flag: list, **asked) -> tuple[list, list]:
    """Run a JournalFollower over a facade with nothing new for 0.1 s with `flag[0]` as
    it is, then 0.1 s with it flipped; `asked` names which of its callables (`busy`,
    `seen`) reads the flag. Returns the collections (the flag's value at each) made in
    the first part, and all of them."""
    import asyncio
    collected = []
    monkeypatch.setattr(follower, "quiet_collector", lambda first=False: collected.append(flag[0]))
    monkeypatch.setattr(follower, "FREEZE_EVERY", 0.0)

    class Facade:
        def follow(self, force: bool = True, view: bool = True):
            return None

    async def run():
        poller = follower.JournalFollower(Facade(), show=lambda view: None,
                                          failed=lambda text: None, every=0.01,
                                          **{name: (lambda: flag[0]) for name in asked})
        task = asyncio.create_task(poller.run())
        await asyncio.sleep(0.1)                # several polls
        first = list(collected)
        flag[0] = not flag[0]
        await asyncio.sleep(0.1)
        poller.close()
        await task
        return first
    return asyncio.run(run()), collected


def test_no_collection_while_a_command_is_on_its_way(monkeypatch):
    """A full collection holds the interpreter: it waits while `busy()` (a command sent,
    its answer not yet taken), and runs at the first poll after."""
    first, collected = _collections(monkeypatch, [True], busy=True)
    assert first == [] and collected and not any(collected)


def test_a_key_or_a_command_on_its_way_holds_the_collection_off(workstation):
    """SouqApp tells the follower it is busy for KEY_QUIET after a key and while a
    command's answer has not been taken."""
    seen = {}

    async def script(pilot):
        app = pilot.app
        before = app._last_key
        await keys(pilot, "b")
        seen["stamped"] = app._last_key > before
        app._last_key = time.monotonic()        # as if just pressed (a slow machine)
        seen["after a key"] = app._busy()
        app._last_key -= follower.KEY_QUIET
        seen["later"] = app._busy()
        app._commands += 1
        seen["command"] = app._busy()
        app._commands -= 1
        await keys(pilot, "escape")
    drive(workstation.app(), script)
    assert seen == {"stamped": True, "after a key": True, "later": False, "command": True}


def test_collections_are_spaced_out_while_no_view_would_be_seen(monkeypatch):
    """Under a dialog (`seen()` false) the collection runs only every FREEZE_COVERED, not
    every FREEZE_EVERY: one due while the order ticket is read would start just before
    Enter. Once a view would be seen again, it runs at the next poll."""
    monkeypatch.setattr(follower, "FREEZE_COVERED", 60.0)
    first, collected = _collections(monkeypatch, [False], seen=True)
    assert first == [] and collected and all(collected)
