"""The workstation under test: one factory, and nothing on screen that changes between runs.

Every test gets a fresh SQLite file holding the demo exchange (copied from one built per
session with a frozen clock), the settings file inside tmp_path, and an app with no
animation, no cursor blink and a clock that never moves. The working directory is
tmp_path and the app opens the relative path `souq.db`, so the status bar always reads
`db sqlite:///souq.db` instead of a temporary path. Imported by conftest.py and the tests.

No wait here counts time. A test waits for a condition (`wait_for`), for the exchange's
answer to a command (`submitted`), or until nothing is in flight (`settled`: every worker
finished, every message handled, the screen laid out after them). HANG only stops a test
that would otherwise hang; it is not a guess at how fast anything runs.
"""
import asyncio
import io
from pathlib import Path
from time import monotonic

from rich.console import Console
from textual import events
from textual.widgets import Input
from textual.worker import WorkerCancelled

from souq.tui import app as tui_app
from souq.db.api import Api
from souq.engine.model import OPERATOR
from souq.mm.demo import demo_flow
from souq.tui.app import SouqApp

FROZEN_NS = 1_740_830_400_000_000_000          # 2025-03-01 12:00:00 UTC
DB_NAME = "souq.db"
WIDE, NARROW = (160, 48), (80, 24)
HANG = 600.0                # seconds before a wait gives up: a hung test, never a slow one
PERIODIC = {"desk", "sim", "follow"}  # worker groups a timer restarts every second, or
                            # that live as long as the app (the demo market's child, the
                            # journal follower): waited for by their result, or a wait for a
                            # quiet app would never end
TOAST_STAYS = 10.0**7       # seconds: toasts stay until cleared (see QuietApp.notify)


def frozen_clock() -> int:
    return FROZEN_NS


class Ticker:
    """A clock for setting up a market: one second later on every reading, all before
    the frozen clock, so trades spread over time and the chart has something to draw."""

    def __init__(self, start_ns: int = FROZEN_NS - 600 * 10**9) -> None:
        self.now = start_ns

    def __call__(self) -> int:
        self.now += 10**9
        return self.now


class QuietApp(SouqApp):
    """SouqApp exactly, except that text inputs do not blink (a blink races a screenshot),
    toasts do not expire on the wall clock, and every message its nodes handle is kept in
    `seen` (a bubbling message once per node it reaches)."""

    CSS_PATH = str(Path(tui_app.__file__).with_name("souq.tcss"))   # relative to tui/, not here

    def __init__(self, *args, **kw) -> None:
        super().__init__(*args, **kw)
        self.seen: list = []

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, Input):
            event.widget.cursor_blink = False

    def notify(self, message: str, *, timeout: float | None = None, **kw) -> None:
        """A toast that vanished after its few seconds of wall-clock time would race every
        look at the screen on a busy machine; here it stays until cleared."""
        super().notify(message, timeout=TOAST_STAYS, **kw)


class Workstation:
    """A database in tmp_path, the apps that open it and API sessions on it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / DB_NAME
        self.settings = folder / "settings.json"

    def app(self, *, show_clock: bool = True, **kw) -> SouqApp:
        app = QuietApp(DB_NAME, clock=frozen_clock, show_clock=show_clock, demo=True, **kw)
        app.animation_level = "none"
        return app

    def execute(self, commands: list[dict]) -> None:
        """Commit commands as the operator (before the app opens); each must be accepted."""
        api = Api(str(self.path), OPERATOR, clock=Ticker())
        try:
            for command in commands:
                result = api.execute(command)
                assert result.accepted, (command, result.reason)
        finally:
            api.close()

    def read(self, what: str, **kw):
        """orders, trades, wallets, book ... read back by the operator."""
        api = Api(str(self.path))
        try:
            return getattr(api, what)(**kw)
        finally:
            api.close()

    def open_orders(self, user: str) -> list[dict]:
        return self.read("orders", user=user, status="open")


def screen_text(app) -> str:
    """The screen as plain text, composed the way App.export_screenshot composes it."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True,
                      legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    return console.export_text()


async def wait_for(pilot, predicate, step: float = 0.05) -> None:
    """Let the app run (never a fixed sleep) until predicate() holds."""
    deadline = monotonic() + HANG
    while not predicate():
        assert monotonic() < deadline, f"still waiting after {HANG} s: the app hangs"
        await pilot.pause(step)


def in_flight(app) -> bool:
    """Whether the app has work under way that a test must not race: a worker not yet
    finished (the periodic desk refresh aside), or a message that the app or a node of the
    current screen has not handled yet (a screen or widget still mounting included)."""
    if any(w.group not in PERIODIC and not w.is_finished for w in app.workers):
        return True
    nodes = [app, *app.screen.walk_children(with_self=True)]
    return any(node.message_queue_size or not node._is_mounted for node in nodes)


async def settled(pilot) -> None:
    """Wait until nothing is in flight, then until the screen is laid out after it: what
    the keys pressed, the workers they started and the messages those posted have done."""
    app = pilot.app
    deadline = monotonic() + HANG
    quiet = 0
    while quiet < 2:                   # twice: a handler mid-way through an await is caught
        await pilot.pause()            # handles what is queued, then updates the screen
        if not in_flight(app):
            quiet += 1
            continue
        quiet = 0
        assert monotonic() < deadline, f"still busy after {HANG} s: the app hangs"
        await workers_done(app)


async def workers_done(app) -> None:
    """Wait for every worker of the app that ends by itself (PERIODIC groups left out;
    not app.workers.wait_for_complete, which waits for all of them when given none)."""
    for worker in passing(app):
        try:
            await worker.wait()
        except WorkerCancelled:     # the palette cancels its search as keys are typed
            pass


def passing(app) -> list:
    """The app's workers that end by themselves (those of PERIODIC groups left out)."""
    return [w for w in app.workers if w.group not in PERIODIC]


async def keys(pilot, *names: str) -> None:
    """Press keys one at a time, each after the last one's effects settled: a key that
    opens a screen must not race the keys meant for that screen."""
    for name in names:
        await pilot.press(name)
        await settled(pilot)


def drive(app: SouqApp, script, size=WIDE) -> list:
    """Run app headless at size with toasts on, wait for the first view, then await
    script(pilot). Returns every message the app's nodes handled, in order."""

    async def main() -> None:
        async with app.run_test(size=size, notifications=True,
                                message_hook=app.seen.append) as pilot:
            await settle(pilot)
            await script(pilot)
    asyncio.run(main())
    return app.seen


async def settle(pilot) -> None:
    """Wait until the app shows a market view and the desk, and nothing is in flight."""
    app = pilot.app
    await wait_for(pilot, lambda: app.state.view is not None and app.state.desk is not None,
                   step=0.02)
    await settled(pilot)
    await chart_drawn(pilot)


async def chart_drawn(pilot) -> None:
    """Wait until the chart's deferred redraw (a 0.5 s timer after a new view) has run and
    its drawing is on screen: a timer is not a worker, so `settled` does not see it."""
    from souq.tui.widgets.chart import ChartPane
    charts = list(pilot.app.screen.query(ChartPane))
    for chart in charts:
        await wait_for(pilot, lambda c=chart: c._pending is None)
    await settled(pilot)


async def caught_up(pilot) -> None:
    """Wait until the app's view is built at (at least) the last journal entry it applied,
    its own commands included, and drawn."""
    app = pilot.app
    target = app.facade.api.store.ex.seq
    await wait_for(pilot, lambda: app.state.view is not None and app.state.view.seq >= target)
    await settled(pilot)


async def handled(pilot, kind, count: int = 1) -> None:
    """Wait until the app's nodes have handled `count` messages of type `kind` since the
    app opened (each counted once, however far it bubbled), and what they started."""
    app = pilot.app
    await wait_for(pilot, lambda: len({id(m) for m in app.seen if isinstance(m, kind)}) >= count)
    await settled(pilot)


def populated(ws: Workstation) -> Workstation:
    """The demo book after a seeded burst of retail flow (trades on the tape) and two
    resting orders of alice's own (marked in the book), all before the app opens."""
    ws.execute(demo_flow(rng_seed=7) + [
        {"op": "limit", "id": "alice-bid", "user": "alice", "symbol": "BTC-IRR", "side": "buy",
         "price": "94998000000", "qty": "0.005"},
        {"op": "limit", "id": "alice-ask", "user": "alice", "symbol": "BTC-IRR", "side": "sell",
         "price": "95003000000", "qty": "0.004"},
    ])
    return ws
