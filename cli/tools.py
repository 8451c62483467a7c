"""`souq check` and `souq bench`."""
import sys
from typing import Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from souq.mm.display import count, number

from .context import State, err, fail, guarded, out, print_json


def register(app: typer.Typer) -> None:
    app.command("check")(check)
    app.command("bench")(bench)


def progress(label: str):
    return Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), console=err,
                    disable=not sys.stderr.isatty(), transient=True)


def check(
    since: Optional[int] = typer.Option(None, "--since", metavar="SEQ", min=1,
                                        help="Start from the clean check recorded at journal "
                                             "seq SEQ and check only what came after it."),
    json: bool = typer.Option(False, "--json"),
) -> None:
    """Verify every invariant from one snapshot of the database; exits non-zero naming each
    violation. A clean check is recorded, so `--since SEQ` can continue from it."""
    from souq.db.check import run_check
    with guarded():
        api = State.api()
        with progress("check") as bar:
            task = bar.add_task("check", total=None)
            report = _Progress(bar, task)
            result = run_check(api.db, since=since, on_start=report.start,
                               on_progress=report.advance)
        problems = result.problems
        if json:
            print_json({"ok": not problems, "journal": result.seq, "since": result.since,
                        "replayed": result.replayed, "recorded": result.recorded,
                        "problems": problems})
        if problems:
            if not json:
                for p in problems:
                    err.print(f"violation: {p}", markup=False, soft_wrap=True)
            fail(count(len(problems), "invariant violation"))
        if not json:
            after = f" after seq {result.since}" if result.since else ""
            out.print(f"ok: {count(result.replayed, 'journal entry')} replayed{after}; ledger, holds, "
                      "books and projections agree", markup=False)
            if result.recorded:
                out.print(f"clean at seq {result.seq}: `souq check --since {result.seq}` "
                          "checks only what comes after", markup=False)


class _Progress:
    """The bar on a terminal; elsewhere, on a big journal, a line on stderr every 10 %."""
    LINES_FROM = 100_000

    def __init__(self, bar, task) -> None:
        self.bar, self.task = bar, task
        self.total = self.done = self.next_line = 0

    def start(self, total: int) -> None:
        self.total = total
        self.next_line = total // 10
        self.bar.update(self.task, total=total)

    def advance(self, n: int) -> None:
        self.done += n
        self.bar.advance(self.task, n)
        if (not sys.stderr.isatty() and self.total >= self.LINES_FROM
                and self.done >= self.next_line):
            err.print(f"check: {number(self.done)} of {count(self.total, 'journal entry')} replayed",
                      markup=False)
            self.next_line += self.total // 10


def bench(
    orders: int = typer.Option(200_000, "--commands", "-n", help="Commands per throughput run."),
    users: int = typer.Option(1000, "--users"),
    seed: int = typer.Option(1, "--seed"),
    rebuild: int = typer.Option(1_000_000, "--rebuild-entries",
                                help="Journal entries for the start-up rebuild run (0 skips it)."),
    resting: int = typer.Option(1_000_000, "--resting",
                                help="Resting orders for the memory run (0 skips it)."),
    durable_1: int = typer.Option(20_000, "--batch1-commands",
                                  help="Commands for the commit-per-command run (0 skips it)."),
    tui: bool = typer.Option(False, "--tui", help="Measure the workstation instead: ticket "
                             "latency and event-to-screen delay under the simulator."),
    mm: bool = typer.Option(False, "--mm", help="Measure the desk instead: book change to "
                            "a strategy's committed commands, by number of strategies."),
    backtest: bool = typer.Option(False, "--backtest", help="Measure backtests instead: "
                                  "market events per second (data replay and scenario) and "
                                  "the optimiser's speed-up from 1 to 2 workers."),
    latency: bool = typer.Option(False, "--latency", help="Measure `order place` latency "
                                 "instead, at each --sizes journal length (one database "
                                 "grown by batch replay)."),
    sizes: str = typer.Option("1000,100000,1000000", "--sizes",
                              help="--latency: journal lengths, comma-separated."),
    api: bool = typer.Option(False, "--api", help="Measure the network gateway instead: "
                             "orders/s and p50/p99 through a live souq serve (64 clients), "
                             "beside replay --batch 1, and the WebSocket trade delay."),
    api_orders: int = typer.Option(6400, "--api-orders", min=64, help="--api: orders placed."),
    surveil: bool = typer.Option(False, "--surveil", help="Measure surveillance instead: journal "
                                 "entries/s the follower processes against entries/s written."),
    events: int = typer.Option(300, "--events", help="--mm: book changes per measurement."),
    rate: float = typer.Option(2000, "--rate", help="--tui: simulator orders per second."),
    seconds: float = typer.Option(5.0, "--seconds", help="--tui: seconds under load."),
    startup: bool = typer.Option(False, "--startup", help="Measure only the CLI's start-up: "
                                 "CPU ms of `souq --help` and the read commands."),
) -> None:
    """Measure the exchange on a seeded mixed workload and print JSON figures."""
    from souq.db.bench import run_benchmarks
    with guarded():
        if api:
            from souq.gateway.bench import run_api_bench
            with progress("bench --api") as bar:
                task = bar.add_task("bench --api", total=None)
                print_json(run_api_bench(api_orders, step=lambda label: bar.update(
                    task, description=label)))
            return
        if mm:
            from souq.mm.desk.bench import run_mm_bench
            if events <= 0:
                fail("--events must be positive")
            with progress("bench --mm") as bar:
                task = bar.add_task("bench --mm", total=None)
                figures = run_mm_bench(events, step=lambda label: bar.update(
                    task, description=label))
            print_json(figures)
            return
        if backtest:
            from souq.mm.backtest.bench import run_backtest_bench
            with progress("bench --backtest") as bar:
                task = bar.add_task("bench --backtest", total=None)
                figures = run_backtest_bench(step=lambda label: bar.update(
                    task, description=label))
            print_json(figures)
            return
        if latency:
            from souq.db.bench import place_latency
            try:
                wanted = sorted({int(x) for x in sizes.split(",")})
            except ValueError:
                fail(f"--sizes must be whole numbers separated by commas, not {sizes!r}")
            if not wanted or wanted[0] < 1000 or wanted[-1] > 10_000_000:
                fail("--sizes must lie between 1000 and 10000000 journal entries")
            with progress("bench --latency") as bar:
                task = bar.add_task("bench --latency", total=None)
                figures = place_latency(wanted, step=lambda label: bar.update(
                    task, description=label))
            print_json(figures)
            return
        if startup:
            from .startup import startup_figures
            print_json({"cli_startup": startup_figures()})
            return
        if surveil:
            from souq.mm.surveillance.bench import run_surveil_bench
            with progress("bench --surveil") as bar:
                task = bar.add_task("bench --surveil", total=None)
                figures = run_surveil_bench(min(orders, 50_000), users, seed, step=lambda label:
                                            bar.update(task, description=label))
            print_json(figures)
            return
        if tui:
            from souq.tui.bench import run_tui_bench
            print_json(run_tui_bench(rate=rate, seconds=seconds))
            return
        with progress("bench") as bar:
            task = bar.add_task("bench", total=None)
            figures = run_benchmarks(commands=orders, users=users, seed=seed, rebuild=rebuild,
                                     resting=resting, batch1_commands=durable_1,
                                     step=lambda label: bar.update(task, description=label))
            bar.update(task, description="cli start-up")
            from .startup import startup_figures
            figures["cli_startup"] = startup_figures()
        print_json(figures)
