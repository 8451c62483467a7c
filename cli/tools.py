"""`souq check` and `souq bench`."""
import sys

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from db.check import check_database

from .context import State, err, fail, guarded, out, print_json


def register(app: typer.Typer) -> None:
    app.command("check")(check)
    app.command("bench")(bench)


def progress(label: str):
    return Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), console=err,
                    disable=not sys.stderr.isatty(), transient=True)


def check(json: bool = typer.Option(False, "--json")) -> None:
    """Verify every invariant; exits non-zero naming each violation."""
    with guarded():
        store = State.api().store
        total = store.journal_length()
        with progress("check") as bar:
            task = bar.add_task("check", total=total)
            problems = check_database(store, on_progress=lambda n: bar.advance(task, n))
        if json:
            print_json({"ok": not problems, "journal": total, "problems": problems})
        if problems:
            if not json:
                for p in problems:
                    err.print(f"violation: {p}", markup=False, soft_wrap=True)
            fail(f"{len(problems)} invariant violation(s)")
        if not json:
            out.print(f"ok: {total} journal entries replayed; ledger, holds, books and "
                      "projections agree")


def bench(
    orders: int = typer.Option(200_000, "--commands", "-n", help="Commands per throughput run."),
    users: int = typer.Option(1000, "--users"),
    seed: int = typer.Option(1, "--seed"),
    rebuild: int = typer.Option(1_000_000, "--rebuild-entries",
                                help="Journal entries for the start-up rebuild run (0 skips it)."),
    resting: int = typer.Option(1_000_000, "--resting",
                                help="Resting orders for the memory run (0 skips it)."),
    durable_1: int = typer.Option(20_000, "--batch1-commands",
                                  help="Commands for the commit-per-command run."),
    tui: bool = typer.Option(False, "--tui", help="Measure the workstation instead: ticket "
                             "latency and event-to-screen delay under the simulator."),
    mm: bool = typer.Option(False, "--mm", help="Measure the desk instead: book change to "
                            "a strategy's committed commands, by number of strategies."),
    backtest: bool = typer.Option(False, "--backtest", help="Measure backtests instead: "
                                  "market events per second (data replay and scenario) and "
                                  "the optimiser's speed-up from 1 to 2 workers."),
    surveil: bool = typer.Option(False, "--surveil", help="Measure surveillance instead: journal "
                                 "entries/s the follower processes against entries/s written."),
    events: int = typer.Option(300, "--events", help="--mm: book changes per measurement."),
    rate: float = typer.Option(2000, "--rate", help="--tui: simulator orders per second."),
    seconds: float = typer.Option(5.0, "--seconds", help="--tui: seconds under load."),
) -> None:
    """Measure the exchange on a seeded mixed workload and print JSON figures."""
    from db.bench import run_benchmarks
    with guarded():
        if mm:
            from mm.desk.bench import run_mm_bench
            if events <= 0:
                fail("--events must be positive")
            with progress("bench --mm") as bar:
                task = bar.add_task("bench --mm", total=None)
                figures = run_mm_bench(events, step=lambda label: bar.update(
                    task, description=label))
            print_json(figures)
            return
        if backtest:
            from mm.backtest.bench import run_backtest_bench
            with progress("bench --backtest") as bar:
                task = bar.add_task("bench --backtest", total=None)
                figures = run_backtest_bench(step=lambda label: bar.update(
                    task, description=label))
            print_json(figures)
            return
        if surveil:
            from mm.surveillance.bench import run_surveil_bench
            with progress("bench --surveil") as bar:
                task = bar.add_task("bench --surveil", total=None)
                figures = run_surveil_bench(min(orders, 50_000), users, seed, step=lambda label:
                                            bar.update(task, description=label))
            print_json(figures)
            return
        if tui:
            from tui.bench import run_tui_bench
            print_json(run_tui_bench(rate=rate, seconds=seconds))
            return
        with progress("bench") as bar:
            task = bar.add_task("bench", total=None)
            figures = run_benchmarks(commands=orders, users=users, seed=seed, rebuild=rebuild,
                                     resting=resting, batch1_commands=durable_1,
                                     step=lambda label: bar.update(task, description=label))
        print_json(figures)
