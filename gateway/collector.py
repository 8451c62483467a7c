"""Full (oldest-generation) garbage collections of `souq serve` kept off the request path.

A full collection walks every container the process holds that is not frozen: with the
exchange's resting orders, the token cache and the feed's state that was 16-160 ms at a
time, and whichever requests were in flight would wait that long (under `souq bench
--api` they all fell at start-up, none among the orders: this bounds the worst case, it
is not what sets that bench's p99, README *The network gateway*). Here the interpreter
never starts one by itself (threshold2 out of reach); the event loop runs one when the gateway is idle (no HTTP request in flight and none begun
for a tick), then freezes the survivors (gc.freeze) so that the next one walks only what
arrived since. Young collections (generations 0 and 1, about a millisecond) run as
before.

Memory stays in check two ways. Under load that never lets up, a collection runs anyway
once FORCE_AFTER_S passed since the last (so cyclic garbage lives at most that long, and
the walk covers only that stretch's survivors). Cyclic garbage among frozen objects is
found by a walk of everything (gc.unfreeze first), run when idle once the frozen set grew
by REWALK_GROWTH since the last such walk, and forced when it doubled.
"""
import asyncio
import gc
import time

from souq.db.collector import freeze_survivors

TICK_S = 0.05            # how often the loop looks; idle = no request begun in a tick
FORCE_AFTER_S = 30.0     # a full collection at the latest this long after the last
REWALK_GROWTH = 0.25     # walk the frozen objects too once they grew by this fraction
NO_AUTO_FULL = 1 << 30   # gc threshold2: gen-1 collections before an automatic full one


class IdleCollector:
    """Counts HTTP requests at the edge (`begin`/`end`, from gateway.audit) and runs the
    process's full collections when none is in flight. `stats` holds how many ran idle,
    forced and as whole walks, and the longest (ms), for tests and the bench."""

    def __init__(self, tick_s: float = TICK_S, force_after_s: float = FORCE_AFTER_S) -> None:
        self.tick_s, self.force_after_s = tick_s, force_after_s
        self.begun = 0          # HTTP requests begun since start
        self.inflight = 0       # HTTP requests not yet answered
        self.stats = {"idle": 0, "forced": 0, "rewalks": 0, "max_ms": 0.0}
        self._task: asyncio.Task | None = None
        self._last = time.monotonic()
        self._walked = 0        # gc.get_freeze_count() after the last walk of everything
        self._frozen = 0        # gc.get_freeze_count() after the last collection

    def begin(self) -> None:
        self.begun += 1
        self.inflight += 1

    def end(self) -> None:
        self.inflight -= 1

    def start(self) -> None:
        """Take the full collections over (call on the running event loop, after start-up
        was frozen: gateway.app)."""
        young0, young1, _ = gc.get_threshold()
        gc.set_threshold(young0, young1, NO_AUTO_FULL)
        self._walked = self._frozen = gc.get_freeze_count()
        self._last = time.monotonic()
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass

    async def _run(self) -> None:
        seen = self.begun
        while True:
            await asyncio.sleep(self.tick_s)
            idle = self.inflight == 0 and self.begun == seen
            seen = self.begun
            self.step(idle, time.monotonic())

    def step(self, idle: bool, now: float) -> str | None:
        """One look: what ran ("idle", "forced", "rewalk") or None. Nothing runs when no
        young collection promoted anything since the last full one. Cheap when nothing
        runs: the frozen set is counted (gc.get_freeze_count walks it) only after a
        collection."""
        overdue = now - self._last >= self.force_after_s
        if not (idle or overdue):
            return None
        grown = self._frozen - self._walked
        rewalk = grown > REWALK_GROWTH * self._walked and (idle or grown > self._walked)
        if not rewalk and gc.get_count()[2] == 0:
            return None
        t0 = time.perf_counter()
        if rewalk:
            gc.unfreeze()
        freeze_survivors(collect=True)
        ms = (time.perf_counter() - t0) * 1000
        kind = "rewalk" if rewalk else "idle" if idle else "forced"
        self.stats["rewalks" if rewalk else kind] += 1
        self.stats["max_ms"] = max(self.stats["max_ms"], round(ms, 2))
        self._frozen = gc.get_freeze_count()
        if rewalk:
            self._walked = self._frozen
        self._last = now
        return kind
