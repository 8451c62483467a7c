"""The workstation under test: one factory, and nothing on screen that changes between runs.

Every test gets a fresh SQLite file holding the demo exchange (copied from one built per
session with a frozen clock), the settings file inside tmp_path, and an app with no
animation, no cursor blink and a clock that never moves. The working directory is
tmp_path and the app opens the relative path `souq.db`, so the status bar always reads
`db sqlite:///souq.db` instead of a temporary path. Imported by conftest.py and the tests.
"""
import asyncio
import io
from pathlib import Path

from rich.console import Console
from textual import events
from textual.widgets import Input

import tui.app
from db.api import Api
from engine.model import OPERATOR
from mm.demo import demo_flow
from tui.app import SouqApp

FROZEN_NS = 1_740_830_400_000_000_000          # 2025-03-01 12:00:00 UTC
DB_NAME = "souq.db"
WIDE, NARROW = (160, 48), (80, 24)


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
    """SouqApp exactly, except that text inputs do not blink (a blink races a screenshot)."""

    CSS_PATH = str(Path(tui.app.__file__).with_name("souq.tcss"))   # relative to tui/, not here

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, Input):
            event.widget.cursor_blink = False


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


async def wait_for(pilot, predicate, seconds: float = 5.0, step: float = 0.05) -> float:
    """Pause (never sleep) until predicate() holds; returns the app time it took."""
    waited = 0.0
    while not predicate():
        assert waited < seconds, f"still waiting after {seconds} s of app time"
        await pilot.pause(step)
        waited += step
    return waited


def drive(app: SouqApp, script, size=WIDE) -> list:
    """Run app headless at size with toasts on, wait for the first view, then await
    script(pilot). Returns every message the app's nodes handled, in order."""
    messages: list = []

    async def main() -> None:
        async with app.run_test(size=size, notifications=True,
                                message_hook=messages.append) as pilot:
            await settle(pilot)
            await script(pilot)
    asyncio.run(main())
    return messages


async def settle(pilot) -> None:
    """Wait until the app shows a market view and no worker is busy."""
    await wait_for(pilot, lambda: pilot.app.state.view is not None, step=0.02)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def caught_up(pilot) -> None:
    """Wait until the app's view is built at (at least) the last journal entry it applied,
    its own commands included, and drawn."""
    app = pilot.app
    target = app.facade.api.store.ex.seq
    await wait_for(pilot, lambda: app.state.view is not None and app.state.view.seq >= target)
    await app.workers.wait_for_complete()
    await pilot.pause()


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
