"""`souq bench --tui`: the workstation driven headless with Pilot, on the real exchange.

Measures the keystroke-to-visible latency of orders placed by ticket, on a quiet machine
and again with the demo market running in its own process and a second core busy; under
that load, the delay between an engine event's commit and the first screen that shows
it, and how often the book pane is redrawn.

"Shows" means painted: a view counts as on screen when the app has composed a frame for
the terminal after drawing that view into its widgets, not when the view reached the app.
"""
import asyncio
import statistics
import tempfile
import subprocess
import sys
import time
from pathlib import Path

from textual import events

from souq.db.api import Api
from souq.mm.demo import DEMO_TRADER, demo_commands

from .app import SouqApp
from .demo_market import DemoMarket
from .screens.order_ticket import OrderTicket


def run_tui_bench(*, orders: int = 30, rate: float = 2000, seconds: float = 5.0) -> dict:
    with tempfile.TemporaryDirectory(prefix="souq-tui-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        Api(url).execute_many(demo_commands())
        return asyncio.run(_measure(url, orders, rate, seconds))


async def _measure(url: str, orders: int, rate: float, seconds: float) -> dict:
    frames: list[tuple[int, int]] = []       # (journal seq painted, ns when painted)
    app = BenchApp(frames, url, user=DEMO_TRADER, symbol="BTC-IRR", show_clock=False)
    async with app.run_test(size=(160, 48)) as _pilot:
        await _until(lambda: app.state.view is not None)
        quiet = [await _ticket_order(app, frames) for _ in range(orders)]
        # the market in its own process, as the workstation runs it (tui/demo_market.py),
        # and a second core kept busy, as on a machine doing other work
        first = app.state.view.seq
        busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        sim = DemoMarket(url, rate, 7)
        sim.start()
        try:
            # the simulator has started committing
            await _until(lambda: app.state.view.seq > first or not sim.running(), 30.0)
            # watching: the main screen alone, as a trader watches the market
            frames.clear()
            started = time.time_ns()
            await asyncio.sleep(seconds)
            ended = time.time_ns()
            await asyncio.sleep(0.5)      # the last entries of the window reach the screen
            watched = [f for f in frames if f[0] >= 0]
            # then orders by ticket under the same load
            loaded = [await _ticket_order(app, frames) for _ in range(orders)]
            if not sim.running():
                raise RuntimeError(f"the simulator failed: {sim.failure()}")
        finally:
            sim.stop()
            busy.kill()
            busy.wait(timeout=10)
    delays = _event_delays(url, watched, started, ended)
    window = (ended - started) / 1e9
    return {
        "ticket_to_visible_ms": _summary(quiet),
        "ticket_to_visible_loaded_ms": _summary(loaded),
        "event_to_screen_ms": {"events": len(delays), "median": _ms(statistics.median(delays)),
                               "p99": _ms(_pct(delays, 99)), "max": _ms(max(delays))},
        "book_redraws_per_s": round(_new_views(
            [f for f in watched if f[1] < ended]) / window, 1),
        "sim_rate_target": rate,
        "sim_entries_per_s": round(len(delays) / window),
        "load": "the demo market in its own process and a second core busy (a spin loop)",
    }


def _summary(latencies: list[int]) -> dict:
    return {"orders": len(latencies), "median": _ms(statistics.median(latencies)),
            "p99": _ms(_pct(latencies, 99)), "max": _ms(max(latencies))}


class BenchApp(SouqApp):
    """The workstation with the bench's probe: the product app has no bench fields.

    Notes (journal seq drawn, ns) each time the app composes a frame of the main screen
    for the terminal (headless, the frame is composed in full and then not written), and
    (-1, ns) for a frame of the order ticket. The seq drawn is that of the newest view the
    app took (`state.view`: SouqApp draws a view into the main screen as it takes it)."""

    def __init__(self, frames: list, *args, **kw) -> None:
        super().__init__(*args, **kw)
        self.frames = frames

    def _display(self, screen, renderable) -> None:     # Textual's hook for a frame
        super()._display(screen, renderable)
        if renderable is not None and not self._batch_count:
            view = self.state.view
            self.frames.append((-1 if isinstance(screen, OrderTicket)
                                else view.seq if view is not None else 0, time.time_ns()))


async def _ticket_order(app, frames) -> int:
    """b, Enter on the pre-filled ticket; ns from Enter until a frame shows the order."""
    before = {o["id"] for o in app.state.view.orders}
    mark = len(frames)
    _type(app, "b", "b")
    await _until(lambda: any(s == -1 for s, _ in frames[mark:]))    # the ticket painted
    await asyncio.sleep(READ)
    mark = len(frames)
    t0 = time.time_ns()
    _type(app, "enter", "\r")     # as a terminal would: no waiting for the app to go idle
    await _until(lambda: bool({o["id"] for o in app.state.view.orders} - before))
    seq = app.state.view.seq
    await _until(lambda: any(s >= seq for s, _ in frames[mark:]))
    return next(t for s, t in frames[mark:] if s >= seq) - t0


READ = 0.2      # seconds between the ticket on screen and Enter, as a person reads it


def _type(app, key: str, char: str) -> None:
    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)


def _new_views(frames) -> int:
    """Frames that show a newer view than the frame before them."""
    frames = [f for f in frames if f[0] >= 0]
    return sum(1 for (a, _), (b, _) in zip([(0, 0)] + frames, frames) if b > a)


def _event_delays(url: str, renders, started: int, ended: int) -> list[int]:
    """For each journal entry committed while watching: first frame showing it minus its
    commit time (ns)."""
    from sqlalchemy import select

    from souq.db import schema as S
    api = Api(url)
    with api.db.connect() as conn:
        rows = conn.execute(select(S.Journal.seq, S.Journal.ts)
                            .where(S.Journal.ts >= started, S.Journal.ts < ended).order_by(S.Journal.seq)).all()
    api.close()
    delays, i = [], 0
    for seq, ts in rows:
        while i < len(renders) and renders[i][0] < seq:
            i += 1
        # an entry never shown counts as shown at the last frame: a floor on its delay
        delays.append(renders[min(i, len(renders) - 1)][1] - ts if renders else 0)
    return delays or [0]


async def _until(condition, limit: float = 120.0) -> None:
    deadline = time.perf_counter() + limit
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the workstation did not show the expected state in time")
        await asyncio.sleep(0.001)     # pilot.pause() would force a full repaint each time


def _pct(values, p: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def _ms(ns: float) -> float:
    return round(ns / 1e6, 1)
