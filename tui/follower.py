"""Following the journal: what other processes commit reaches the workstation's screen.

`JournalFollower.run` is the body of one Textual async worker for the app's life
(SouqApp starts it with run_worker, group "follow"): every `every` seconds (start to
start; see `_pause`), or at once when woken (the focus changed), it applies what others committed and hands the view to
`show` when the journal or the focus moved. The blocking part (the engine and the
database) runs on the follower's own one-thread pool: Textual's thread workers share
the loop's default pool, and a poll must not queue behind a backtest. One poll at a
time, and the next only after this one's view is drawn, so a slow poll or a busy screen
is handed the newest view, never a queue of stale ones. A failed poll is reported
through `failed` and following goes on a second later.

Also here: keeping the garbage collector out of the way of what the follower replays,
and the UI thread's turn at the interpreter short to wait for.
"""
import asyncio
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor

from souq.db.collector import freeze_survivors, paused_gc

from .facade import ViewReady

GC_THRESHOLDS = (0, 10, 10)         # no collection of its own accord (Python's: 700, 10, 10)
FREEZE_EVERY = 0.25                 # seconds between collections, each then freezing what survived
FREEZE_COVERED = 2.0                # the same while no view would be seen (a dialog on top)
RETRY_AFTER = 1.0                   # seconds after a failed poll
GAP = 0.2                           # of `every`: the least pause between two polls
SETTLE = 1.0                        # of `every`: the longest wait for the screen's frame
KEY_QUIET = 0.3                     # seconds after a key in which no collection starts


def quiet_collector(first: bool = False) -> None:
    """Keep the cyclic garbage collector from stalling the screen. The journal follower
    replays every order into this process's engine; with Python's defaults, under the
    demo market at 2,000 orders/s, full collections walked all of it, up to 1.9 s at a
    time (13 s in a 50 s run of `souq bench --tui`), and froze keys and frames alike
    (issue 15). What has survived is frozen (never walked again): at start, then every
    FREEZE_EVERY seconds by the follower, each time after a full collection, which walks
    only what is not frozen yet (a quarter second's survivors), so garbage in reference
    cycles is freed before it could be frozen: a closed order ticket's widgets, a chart's
    plotext figure, Textual's strips. The collector never starts on its own (threshold
    0): collections run only here, between polls, after the last view's frame was drawn,
    not in the middle of a key's handling or a frame; with the collector on its own
    (thresholds 2,000) and a collection and freeze every second, full collections took a
    median 24 ms of the UI thread, up to 129 ms, under the demo market (session 27).
    With a freeze every 10 s and no collection first, the collections
    Python ran on its own walked up to 10 s of survivors, 54-159 ms of the UI thread's
    CPU each (8 in a 40 s bench run, 2026-12-02), and what they had not reached yet was
    frozen for good. Frozen objects are still freed by reference counting; only garbage
    in cycles among them is kept (a widget removed after it was frozen, a toast say)."""
    freeze_survivors(GC_THRESHOLDS if first else None, collect=True)


class JournalFollower:
    """Polls `facade` (ExchangeFacade or RemoteFacade: `follow(force, view) -> ViewReady
    | None`) and passes each new view to `show(view)`; `failed(text)` says a poll failed;
    `seen()` (asked on the loop's thread before each poll) says whether a view would be
    seen now: while not, polls only catch up on the journal and build no view;
    `settled()`, awaited before each poll (at most SETTLE of `every`), returns once the
    screen has drawn what it was given (see `run`); `busy()` says a key was just pressed or
    a command is on its way (sent, its answer not yet taken): the collection waits (see
    `run`)."""

    def __init__(self, facade, *, show: Callable[[ViewReady], None],
                 failed: Callable[[str], None], every: float,
                 seen: Callable[[], bool] = lambda: True,
                 settled: Callable[[], Awaitable] | None = None,
                 busy: Callable[[], bool] = lambda: False) -> None:
        self.facade, self.show, self.failed, self.every = facade, show, failed, every
        self.seen, self.settled, self.busy = seen, settled, busy
        self._wake = asyncio.Event()            # a poll now, not at the next tick
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="souq-follow")
        self._closing = False

    def wake(self) -> None:
        """Poll now rather than at the next tick."""
        self._wake.set()

    async def run(self) -> None:
        """Follow until close(); the body of the app's follow worker.

        Each poll (and the collection before it) waits for the screen to draw what it
        was given first (`settled`): a poll's replay and view take the interpreter from
        the UI thread in turns, so a poll under way while a frame is composed makes that
        frame wait, the frame that shows an order sent by ticket above all (its answer
        arrives, the ticket closes and the main screen resumes, which wakes the
        follower: issue 15). The collection also waits while `busy()`: for KEY_QUIET after
        a key, and while a command is on its way. A full collection holds the interpreter
        throughout (6-34 ms of the UI thread's CPU, 13-275 ms of wall time at load 12-17);
        it started 2-6 ms after Enter in the order ticket in most tickets (before the
        command was even sent), and the command's thread, its answer and the order's
        frame waited behind it (issue 15, 2026-12-03). It runs at the first poll after.
        While no view would be seen (`seen()` false: a dialog such as the order ticket
        on top), the collection runs only every FREEZE_COVERED: a person reads a ticket
        for longer than KEY_QUIET, so a collection due then started just before Enter
        (3 in 8 tickets, 2026-12-03), and the polls under a dialog build no view, the
        most of what a collection frees (Textual's strips and their caches)."""
        loop = asyncio.get_running_loop()
        frozen = time.monotonic()
        started = -self.every                  # loop time the last poll started
        while not self._closing:
            try:
                await asyncio.wait_for(self._wake.wait(), self._pause(loop.time() - started))
            except asyncio.TimeoutError:
                pass
            self._wake.clear()
            if self._closing:
                return
            await self._settle()
            if self._closing:
                return
            seen = self.seen()
            if time.monotonic() - frozen > (FREEZE_EVERY if seen else FREEZE_COVERED) \
                    and not self.busy():
                # after the pause, in which the last view's frame was drawn, not before it
                quiet_collector()
                frozen = time.monotonic()
            started = loop.time()
            try:
                ready = await loop.run_in_executor(self._pool, self._poll, seen)
            except Exception as exc:        # keep following; say what went wrong
                if self._closing:
                    return
                self.failed(f"following the journal: {type(exc).__name__}: {exc}")
                await asyncio.sleep(RETRY_AFTER)
                continue
            if ready is not None and not self._closing:
                self.show(ready)

    async def _settle(self) -> None:
        """Wait, at most SETTLE of `every`, until the screen has drawn what it was given."""
        if self.settled is None:
            return
        try:
            await asyncio.wait_for(self.settled(), self.every * SETTLE)
        except asyncio.TimeoutError:
            pass

    def _poll(self, view: bool = True) -> ViewReady | None:
        """One poll, on the follower's thread, with the cyclic collector held off: the
        replay's thousands of short-lived containers (no cycles among them) otherwise
        start young collections mid-replay, which move what is in flight to older
        generations to be walked again; one collection runs after the poll. Without
        `view`, the replay only (the view would not be seen)."""
        with paused_gc():
            return self.facade.follow(False, view)

    def _pause(self, since: float) -> float:
        """Seconds to wait before the next poll, `since` seconds after the last one started:
        polls start `every` apart (counted from start to start, so a commit waits at most
        one interval and one poll, not an interval after a slow poll ended), but at least
        GAP of `every` after the last one ended, so the screen draws between them."""
        return max(self.every - since, self.every * GAP)

    def close(self) -> None:
        """Stop following: the loop ends at its next turn; a poll under way finishes."""
        self._closing = True
        self._wake.set()
        self._pool.shutdown(wait=False, cancel_futures=True)
