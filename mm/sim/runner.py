"""Loops that drive a simulator for a span of time. The clock and the sleep are passed
in, so the same loop serves the CLI (real clock), the TUI (a worker thread) and tests."""
from souq.engine.timeunits import SECOND as SECOND_NS

from .driver import Driver, Summary, TickReport

TICK = 0.05   # seconds per tick: 20 ticks a second


def run_fast(driver: Driver, duration: float | None, *, tick: float = TICK, on_tick=None,
             should_stop=None) -> Summary:
    """`duration` simulated seconds (None: until should_stop() says so) in steps of `tick`,
    as fast as the exchange takes them."""
    step_ns = _ns(tick)
    end = _end(duration)
    driver.start(0)
    now = 0
    while now < end and not (should_stop and should_stop()):
        now = min(now + step_ns, end)
        _report(driver.step(now), on_tick)
    return driver.stop(now)


def run_realtime(driver: Driver, duration: float | None, *, clock, sleep, tick: float = TICK,
                 on_tick=None, should_stop=None) -> Summary:
    """`duration` seconds (None: until should_stop() says so) of `clock()` (nanoseconds,
    e.g. time.monotonic_ns), stepping every `tick`; simulated time is the clock's time
    since the start, and a paused driver simply lets it pass."""
    step_ns = _ns(tick)
    end = _end(duration)
    driver.start(0)
    t0 = clock()
    now = 0
    due = step_ns
    while now < end and not (should_stop and should_stop()):
        wait = min(due, end) - (clock() - t0)
        if wait > 0:
            sleep(wait / SECOND_NS)
        now = min(clock() - t0, end)
        due = max(due + step_ns, now + 1)
        _report(driver.step(now), on_tick)
    return driver.stop(now)


def _report(report: TickReport, on_tick) -> None:
    if on_tick is not None:
        on_tick(report)


def _end(duration: float | None) -> float | int:
    return float("inf") if duration is None else _ns(duration)


def _ns(seconds: float) -> int:
    return int(round(seconds * SECOND_NS))
