"""`souq sim`: run the demo market simulator headless, in real time or as fast as it goes."""
import os
import sys
import time
from typing import Optional

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from souq.mm.desk.demo_configs import build as build_demo
from souq.mm.sim import ApiDriver, SimParams, check_run, run_fast, run_realtime

from souq.mm.display import Figures, count, number

from .context import State, err, fail, guarded, out, print_json


def register(app: typer.Typer) -> None:
    app.command("sim")(sim)


def sim(
    rate: float = typer.Option(200.0, "--rate", help="Orders per second, all agents together "
                                                     "(limit, market and cancel)."),
    duration: float = typer.Option(60.0, "--duration",
                                   help="Seconds to run (simulated seconds with --fast)."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Same seed and same starting "
                                       "exchange: the same orders. Default: a fresh one."),
    volatility: float = typer.Option(0.005, "--volatility",
                                     help="Hidden fair value's relative stdev per minute."),
    symbols: Optional[list[str]] = typer.Option(None, "--symbol", metavar="S",
                                                help="Trade only S (repeatable). Default: all."),
    fast: bool = typer.Option(False, "--fast", help="Run simulated time as fast as possible."),
    json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    bad: Optional[list[str]] = typer.Option(None, "--bad", metavar="ACTOR",
                                            help="Mix in a bad actor (wash, ring, spoof, layer, "
                                                 "rapid, pump, structurer or all; repeatable)."),
    bad_rate: float = typer.Option(1.0, "--bad-rate", help="Bad actors' episodes per minute each."),
    control: bool = typer.Option(False, "--control", help="Run until told to stop: read "
                                 "pause, resume or stop lines on standard input and stop at "
                                 "its end (how the workstation runs its demo market)."),
) -> None:
    """Simulate a market: noise, informed and momentum traders (admin). On an empty
    database the demo exchange is created first."""
    with guarded():
        params = SimParams(rate=rate, volatility=volatility, symbols=tuple(symbols or ()))
        check_run(params, duration, fast)
        if seed is None:
            seed = int.from_bytes(os.urandom(4), "big")
        api = State.api()
        api.require_admin("run the simulator")
        if not State.market(api).symbols():
            refused = [o.reason for o in build_demo(api).outcomes if o.reason]
            if refused:
                fail(f"demo set-up rejected: {refused[0]}")
        # journal time of simulated time 0, fast or not: now, or just after the newest entry
        # when a --fast run before this one got ahead of the wall clock (the journal's
        # times never go back, so surveillance windows see each run's own pace)
        from souq.db.queries import journal_newest_time
        epoch = max(time.time_ns(), (api.read(journal_newest_time) or 0) + 1)
        driver = ApiDriver(api, params, seed, epoch=epoch)
        if bad:
            from souq.mm.sim.bad_actors import MixedDriver, actors
            driver = MixedDriver(driver, actors(bad, bad_rate, seed),
                                 thin=lambda p: ApiDriver(api, p, seed + 10_000, epoch=epoch))
        started = time.perf_counter()
        with _progress() as bar:
            task = bar.add_task("sim", total=duration, info="")

            def on_tick(report) -> None:
                t = driver.tally
                bar.update(task, completed=t.sim_seconds,
                           info=f"{count(t.sent, 'order')}, {count(t.trades, 'trade')}")
            should_stop = None
            if control:                 # until stop, or the parent closes our input
                from .sim_control import Control
                stop, duration = Control(driver, sys.stdin), None
                should_stop = lambda: stop.stopped  # noqa: E731
                bar.update(task, total=None)
            try:
                if fast:
                    summary = run_fast(driver, duration, on_tick=on_tick,
                                       should_stop=should_stop)
                else:
                    summary = run_realtime(driver, duration, clock=time.monotonic_ns,
                                           sleep=time.sleep, on_tick=on_tick,
                                           should_stop=should_stop)
                interrupted = False
            except KeyboardInterrupt:
                summary, interrupted = driver.summary(), True
        labels = driver.labels() if bad else None
        _show(summary, seed, time.perf_counter() - started, json, labels,
              api.symbols())
        if interrupted:
            fail(f"interrupted after {summary.sim_seconds:.1f} s", 130)


def _progress() -> Progress:
    tty = sys.stdout.isatty() and sys.stderr.isatty()
    return Progress(TextColumn("sim"), BarColumn(), TextColumn("{task.fields[info]}"),
                    TimeRemainingColumn(), console=err, disable=not tty, transient=True)


def _show(summary, seed: int, wall: float, json: bool, labels=None, symbols=()) -> None:
    per_s = summary.sent / wall if wall > 0 else 0.0
    extra = {"bad_actors": labels} if labels is not None else {}
    if json:
        print_json({**extra, "orders_sent": summary.sent, "accepted": summary.accepted,
                    "rejected": summary.rejected, "trades": summary.trades,
                    "last_prices": summary.last, "seed": seed,
                    "sim_seconds": round(summary.sim_seconds, 3),
                    "wall_seconds": round(wall, 3), "orders_per_second": round(per_s)})
        return
    f = Figures(symbols)
    last = ", ".join(f"{k} {f.price(k, v) if v is not None else '-'}"
                     for k, v in summary.last.items())
    out.print(f"sim (seed {seed}): {count(summary.sent, 'order')} sent, "
              f"{number(summary.accepted)} accepted, {number(summary.rejected)} rejected, "
              f"{count(summary.trades, 'trade')} in {number(wall, 1)} s ({number(per_s, 0)}/s); "
              f"last {last}", markup=False, soft_wrap=True)
    for lab in labels or ():
        out.print(f"bad actor {lab['actor']} ({', '.join(lab['users'])}; {', '.join(lab['rules'])}): "
                  f"{count(len(lab['episodes']), 'episode')}, {count(lab['commands'], 'command')}", markup=False,
                  soft_wrap=True)
