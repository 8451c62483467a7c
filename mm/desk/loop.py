"""The process loop of a strategy run (`souq mm run`): step on a clock, stop cleanly on a
signal, a duration, a stop request or the kill switch."""
import signal
from contextlib import contextmanager

from souq.engine.timeunits import SECOND

from .api_runner import ApiRunner



def run_loop(runner: ApiRunner, *, clock, sleep, duration: float | None = None,
             driver=None, tick: float = 0.1, should_stop=None, on_tick=None) -> None:
    """Step `runner` every `tick` seconds of `clock()` (ns) until `duration` passes, its run
    row asks it to stop, the kill switch trips, or `should_stop()` says so; with `driver`
    (an mm.sim ApiDriver) the simulated market moves first on each tick. Whatever ends
    the loop, the run's orders are cancelled and its row says why."""
    step_ns = int(tick * SECOND)
    t0 = clock()
    runner.start(t0)
    if driver is not None:
        driver.start(0)
    end = None if duration is None else t0 + int(duration * SECOND)
    due = t0
    try:
        while not runner.done:
            now = clock()
            if should_stop is not None and should_stop():
                runner.stop(now, "stopped by a signal")
                break
            if end is not None and now >= end:
                runner.stop(now, "duration elapsed")
                break
            if driver is not None:
                driver.step(now - t0)
            runner.poll(now)
            if runner.done:
                break
            report = runner.step(now)
            if on_tick is not None:
                on_tick(runner, report)
            due = max(due + step_ns, now)
            wait = due - clock()
            if wait > 0:
                sleep(wait / SECOND)
    except BaseException as exc:
        if not runner.done:
            try:
                runner.stop(clock(), f"error: {type(exc).__name__}: {exc}")
            except Exception:       # the database may be what failed: the row stays
                pass                # running with a dead pid, which the next start clears
        raise


@contextmanager
def stop_signals():
    """SIGTERM and SIGINT ask the loop to stop cleanly (cancel, mark the row) instead of
    interrupting it mid-transaction; yields the `should_stop` callable."""
    asked = []
    handler = lambda signum, frame: asked.append(signum)  # noqa: E731
    old = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield lambda: bool(asked)
    finally:
        for s, h in old.items():
            signal.signal(s, h)
