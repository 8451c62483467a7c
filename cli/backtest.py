"""`souq backtest` and `souq runs`: a strategy configuration through the engine on a
scenario or on imported market data; stored runs listed, shown, compared, exported and
deleted. Thin: the work is mm/backtest and db/backtests."""
import json as jsonlib
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import List, Optional

import typer

from db import backtests as B
from mm.backtest.version import code_version

from .context import State, fail, guarded, out, print_json
from .tools import progress

runs_app = typer.Typer(help="Stored backtest runs: list, show, compare, export, delete.",
                       no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("backtest")(backtest)
    app.add_typer(runs_app, name="runs")


def backtest(
    config: str = typer.Argument(..., help="Strategy configuration name."),
    data: Optional[str] = typer.Option(None, "--data", help="Imported data set to replay."),
    trades: Optional[str] = typer.Option(None, "--trades", help="A trades data set replayed "
                                         "with the book data set of --data, merged in time."),
    scenario: Optional[str] = typer.Option(None, "--scenario", help="Simulated scenario."),
    start: Optional[str] = typer.Option(None, "--from", help="Data window start (ns or "
                                        "ISO-8601 with a zone)."),
    end: Optional[str] = typer.Option(None, "--to", help="Data window end (exclusive)."),
    sets: List[str] = typer.Option([], "--set", help="key=value parameter override."),
    seed: int = typer.Option(0, "--seed"),
    latency: str = typer.Option("0", "--latency", help="Order and cancel latency, ms."),
    duration: str = typer.Option("60", "--duration", help="Scenario: simulated seconds."),
    json: bool = typer.Option(False, "--json"),
    export: Optional[Path] = typer.Option(None, "--export", help="Write CSV and JSON here."),
) -> None:
    """Run CONFIG through the matching engine and store the run."""
    from mm.backtest.export import files
    from mm.backtest.run import Spec, run_backtest
    from mm.desk.configs import get
    from mm.desk.params import parse_assignments
    with guarded():
        if trades is not None and data is None:
            fail("--trades goes with --data BOOK (a book data set)")
        if (data is None) == (scenario is None):
            fail("give exactly one of --data NAME or --scenario NAME")
        if scenario is not None and (start or end):
            fail("--from/--to apply to --data runs only")
        api = State.api()
        cfg = get(api, config)
        spec = Spec(cfg, parse_assignments(sets), data=data, trades=trades, scenario=scenario,
                    start=_time(start, "--from"), end=_time(end, "--to"), seed=seed,
                    latency_ns=_ns(latency, 1_000_000, "--latency"),
                    duration_ns=_ns(duration, 1_000_000_000, "--duration")
                    if scenario is not None else None)
        if spec.duration_ns is not None and spec.duration_ns <= 0:
            fail("--duration must be positive")
        with progress("backtest") as bar, api.db.connect() as conn:
            task = bar.add_task("backtest", total=None)
            result = run_backtest(spec, data_source=_source(conn), progress=lambda d, t:
                                  bar.update(task, completed=d, total=t),
                                  data_info=lambda name: data_info(conn, name))
        text = result.to_json()
        run_id = B.save(api.db, result.spec, text, result.figures, result.events,
                        code_version=code_version(), created_ts=time.time_ns())
        if export is not None:
            _write(export, files(jsonlib.loads(text), _meta(run_id)))
        summary = {"run": run_id, "events": result.events, "fills": len(result.fills),
                   "orders": len(result.orders), "stopped": result.stopped,
                   "reason": result.reason, "figures": result.figures}
        if json:
            print_json(summary)
        else:
            out.print(f"run {run_id}: {result.events} market events, {len(result.fills)} "
                      f"fills, {len(result.orders)} orders ({result.stopped}: "
                      f"{result.reason})", markup=False)
            for k, v in result.figures.items():
                out.print(f"  {k}: {v}", markup=False)


@runs_app.command("list")
def runs_list(config: Optional[str] = typer.Option(None, "--config"),
              json: bool = typer.Option(False, "--json")) -> None:
    """Stored runs, newest first."""
    with guarded(), State.api().db.connect() as conn:
        rows = B.runs(conn, config)
    if json:
        print_json(rows)
        return
    for r in rows:
        what = f"data {r['data']}" if r["data"] else f"scenario {r['scenario']}"
        out.print(f"{r['id']:>5}  {r['config']} v{r['version']}  {what}  seed {r['seed']}  "
                  f"pnl {r['figures'].get('pnl')}  trades {r['figures'].get('trades')}",
                  markup=False)


@runs_app.command("show")
def runs_show(run: int = typer.Argument(...), json: bool = typer.Option(False, "--json")):
    """One run: what ran and its figures."""
    r = _get(run, with_result=False)
    if json:
        print_json(r)
        return
    for k, v in r.items():
        out.print(f"{k}: {v}", markup=False)


@runs_app.command("compare")
def runs_compare(a: int = typer.Argument(...), b: int = typer.Argument(...),
                 json: bool = typer.Option(False, "--json")) -> None:
    """Two runs side by side."""
    rows = B.compare(_get(a, with_result=False), _get(b, with_result=False))
    if json:
        print_json([{"key": k, "a": x, "b": y} for k, x, y in rows])
        return
    for k, x, y in rows:
        out.print(f"{k:<20} {str(x):<28} {y}", markup=False)


@runs_app.command("delete")
def runs_delete(run: int = typer.Argument(...)) -> None:
    with guarded():
        if not B.delete(State.api().db, run):
            fail(f"no stored run {run}")
    out.print(f"deleted run {run}", markup=False)


@runs_app.command("export")
def runs_export(run: int = typer.Argument(...), directory: Path = typer.Argument(...)):
    """Write equity.csv, fills.csv, orders.csv and run.json of a stored run."""
    from mm.backtest.export import files
    r = _get(run, with_result=True)
    with guarded():
        _write(directory, files(jsonlib.loads(r.pop("result")), _meta(run, r)))
    out.print(f"exported run {run} to {directory}", markup=False)


# ---------------------------------------------------------------- helpers
def _get(run_id: int, *, with_result: bool) -> dict:
    with guarded(), State.api().db.connect() as conn:
        r = B.run(conn, run_id, with_result=with_result)
        if r is None:
            fail(f"no stored run {run_id}")
    return r


def _meta(run_id: int, row: dict | None = None) -> dict:
    meta = {"id": run_id}
    if row is not None:
        meta |= {"created_ts": row["created_ts"], "code_version": row["code_version"]}
    else:
        meta["code_version"] = code_version()
    return meta


def _write(directory: Path, texts: dict[str, str]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (directory / name).write_text(text)


def data_info(conn, name: str) -> dict:
    from mm.marketdata.load import info
    return info(conn, name)


def _source(conn):
    from mm.marketdata import load as load_data

    def load(name, start, end):
        return load_data(conn, name, start, end)
    return load


def _time(text: str | None, flag: str) -> int | None:
    """ISO-8601 with a zone, or integer nanoseconds since the epoch (as data files)."""
    from mm.marketdata.timefmt import parse_time
    if text is None:
        return None
    try:
        return parse_time(text)
    except ValueError as exc:
        raise ValueError(f"{flag}: {exc}") from None


def _ns(text: str, unit: int, flag: str) -> int:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{flag}: {text!r} is not a number") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"{flag}: {text!r} must be a non-negative number")
    return int(value * unit)
