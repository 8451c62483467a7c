"""`souq backtest` and `souq runs`: a strategy configuration through the engine on a
scenario or on imported market data; stored runs listed, shown, compared, exported and
deleted. Thin: the work is mm/backtest and db/backtests."""
import json as jsonlib
import time
from pathlib import Path
from typing import List, Optional

import typer

from souq.db import access
from souq.db import backtests as B
from souq.db.outfiles import output_dir, write_output
from souq.mm.backtest.version import code_version

from souq.mm.display import count, grouped_text

from .context import State, fail, guarded, out, print_json
from .plain import figure, flat, places, text
from .tools import progress

runs_app = typer.Typer(help="Stored backtest runs: list, show, compare, export, delete.",
                       no_args_is_help=True)


# The backtest model flags (mm/backtest/models.py), shared with `souq optimize`; `_models`
# reads them.
LATENCY = typer.Option("0", "--latency", help="Entry and response latency, ms.")
ENTRY_LATENCY = typer.Option(None, "--entry-latency", help="Order and cancel to the "
                             "exchange, ms (default --latency).")
RESPONSE_LATENCY = typer.Option(None, "--response-latency", help="Own fills to the "
                                "strategy, ms (default --latency).")
QUEUE_MODEL = typer.Option("pessimistic", "--queue-model", help="pessimistic, probabilistic "
                           "or probabilistic:N.")
FEE_MODEL = typer.Option("symbol", "--fee-model", help="symbol, zero or flat_bps:B.")


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
    latency: str = LATENCY,
    entry_latency: Optional[str] = ENTRY_LATENCY,
    response_latency: Optional[str] = RESPONSE_LATENCY,
    queue_model: str = QUEUE_MODEL,
    fee_model: str = FEE_MODEL,
    duration: str = typer.Option("60", "--duration", help="Scenario: simulated seconds."),
    json: bool = typer.Option(False, "--json"),
    export: Optional[str] = typer.Option(None, "--export", help="Write CSV and JSON into "
                                         "this folder (made if its parent exists)."),
) -> None:
    """Run CONFIG through the matching engine and store the run."""
    from souq.mm.backtest.export import files
    from souq.mm.backtest.run import Spec, run_backtest
    from souq.mm.desk.configs import get
    from souq.mm.desk.params import parse_assignments
    with guarded():
        if trades is not None and data is None:
            fail("--trades goes with --data BOOK (a book data set)")
        if (data is None) == (scenario is None):
            fail("give exactly one of --data NAME or --scenario NAME")
        if scenario is not None and (start or end):
            fail("--from/--to apply to --data runs only")
        models = _models(latency, entry_latency, response_latency, queue_model, fee_model)
        api = State.api()
        cfg = get(api, config)
        spec = Spec(cfg, parse_assignments(sets), data=data, trades=trades, scenario=scenario,
                    start=_time(start, "--from"), end=_time(end, "--to"), seed=seed,
                    duration_ns=_ns(duration, 1_000_000_000, "--duration")
                    if scenario is not None else None, **models)
        if spec.duration_ns is not None and spec.duration_ns <= 0:
            fail("--duration must be positive")
        target = output_dir(export, "--export") if export is not None else None
        with progress("backtest") as bar, api.db.connect() as conn:
            task = bar.add_task("backtest", total=None)
            result = run_backtest(spec, data_source=_source(conn), progress=lambda d, t:
                                  bar.update(task, completed=d, total=t),
                                  data_info=lambda name: data_info(conn, name))
        body = result.to_json()
        run_id = B.save(api.db, result.spec, body, result.figures, result.events,
                        code_version=code_version(), created_ts=time.time_ns())
        if target is not None:
            _write(target, files(jsonlib.loads(body), _meta(run_id)))
        summary = {"run": run_id, "events": result.events, "fills": len(result.fills),
                   "orders": len(result.orders), "stopped": result.stopped,
                   "reason": result.reason, "figures": result.figures}
        if json:
            print_json(summary)
        else:
            out.print(f"run {run_id}: {count(result.events, 'market event')}, "
                      f"{count(len(result.fills), 'fill')}, {count(len(result.orders), 'order')} "
                      f"({result.stopped}: "
                      f"{grouped_text(result.reason)})", markup=False)
            dps = places(cfg["symbol"], api.symbols())
            for k, v in flat(result.figures):
                out.print(f"  {k}: {figure(k, v, dps)}", markup=False)


@runs_app.command("list")
def runs_list(config: Optional[str] = typer.Option(None, "--config"),
              json: bool = typer.Option(False, "--json")) -> None:
    """Stored runs, newest first."""
    with guarded():
        api = State.api()
        rows = access.visible_runs(api, api.read(B.runs, config))
    if json:
        print_json(rows)
        return
    from souq.mm.backtest.models import brief
    from .views import _table
    symbols = api.symbols()
    _table("backtest runs", ("run", "config", "market", "seed", "models", "fills", "pnl"),
           ([r["id"], f"{r['config']} v{r['version']}",
             f"data {r['data']}" if r["data"] else f"scenario {r['scenario']}", r["seed"],
             brief(r["models"]), *_headline(r["figures"], places(r.get("symbol"), symbols))]
            for r in rows),
           right=("run", "seed", "fills", "pnl"))


def _headline(f: dict, dps: dict) -> list[str]:
    """Fills and total PnL from the stored figures (the full set or the minimal one)."""
    pnl = f.get("pnl")
    total = pnl.get("total") if isinstance(pnl, dict) else pnl
    return [figure("fills", f.get("fills", f.get("trades")), dps),
            figure("pnl.total", total, dps)]


@runs_app.command("show")
def runs_show(run: int = typer.Argument(...), json: bool = typer.Option(False, "--json")):
    """One run: what ran and its figures."""
    r = _get(run, "runs show", with_result=False)
    if json:
        print_json(r)
        return
    dps = places(r.get("symbol"), State.api().symbols())
    for k, v in flat(r):
        out.print(f"{k}: {figure(k, v, dps)}", markup=False)


@runs_app.command("compare")
def runs_compare(a: int = typer.Argument(...), b: int = typer.Argument(...),
                 json: bool = typer.Option(False, "--json")) -> None:
    """Two runs side by side."""
    ra, rb = (_get(a, "runs compare", with_result=False),
              _get(b, "runs compare", with_result=False))
    rows = B.compare(ra, rb)
    if json:
        print_json([{"key": k, "a": x, "b": y} for k, x, y in rows])
        return
    symbols = State.api().symbols()
    dps_a, dps_b = places(ra.get("symbol"), symbols), places(rb.get("symbol"), symbols)
    for k, x, y in rows:
        pairs = (flat({k: x}), flat({k: y}))
        keys = list(dict.fromkeys(key for side in pairs for key, _ in side))
        a, b = dict(pairs[0]), dict(pairs[1])
        for key in keys:
            out.print(f"{key:<28} {figure(key, a.get(key), dps_a):<24} "
                      f"{figure(key, b.get(key), dps_b)}", markup=False)


@runs_app.command("delete")
def runs_delete(run: int = typer.Argument(...)) -> None:
    _get(run, "runs delete", with_result=False)
    with guarded():
        if not B.delete(State.api().db, run):
            fail(f"no stored run {run}")
    out.print(f"deleted run {run}", markup=False)


@runs_app.command("export")
def runs_export(run: int = typer.Argument(...), directory: str = typer.Argument(
        ..., help="Folder to write into (made if its parent exists).")):
    """Write equity.csv, fills.csv, orders.csv and run.json of a stored run."""
    from souq.mm.backtest.export import files
    r = _get(run, "runs export", with_result=True)
    with guarded():
        _write(output_dir(directory, "export folder"),
               files(jsonlib.loads(r.pop("result")), _meta(run, r)))
    out.print(f"exported run {run} to {directory}", markup=False)


# ---------------------------------------------------------------- helpers
def _get(run_id: int, action: str, *, with_result: bool) -> dict:
    """A stored run the actor may `action` (db/access.py), or a one-line failure."""
    with guarded():
        api = State.api()
        r = api.read(B.run, run_id, with_result=with_result)
        if r is None:
            fail(f"no stored run {run_id}")
        return access.require_run(api, action, r)


def _meta(run_id: int, row: dict | None = None) -> dict:
    meta = {"id": run_id}
    if row is not None:
        meta |= {"created_ts": row["created_ts"], "code_version": row["code_version"]}
    else:
        meta["code_version"] = code_version()
    return meta


def _write(directory: Path, texts: dict[str, str]) -> None:
    for name, content in texts.items():
        write_output(directory / name, "export file", content)


def data_info(conn, name: str) -> dict:
    from souq.mm.marketdata.load import info
    return info(conn, name)


def _source(conn):
    from souq.mm.marketdata import load as load_data

    def load(name, start, end):
        return load_data(conn, name, start, end)
    return load


def _time(text: str | None, flag: str) -> int | None:
    """ISO-8601 with a zone, or integer nanoseconds since the epoch (as data files)."""
    from souq.mm.marketdata.timefmt import parse_time
    if text is None:
        return None
    try:
        return parse_time(text)
    except ValueError as exc:
        raise ValueError(f"{flag}: {exc}") from None


def _models(latency: str, entry: str | None, response: str | None, queue: str,
            fees: str) -> dict:
    """The Spec fields of the model flags (mm/backtest/models.py); raises ValueError
    naming the flag and the allowed values."""
    from souq.mm.backtest.models import chosen
    _ns(latency, 1_000_000, "--latency")
    return chosen(queue, latency if entry is None else entry,
                  latency if response is None else response, fees,
                  ("--queue-model", "--latency" if entry is None else "--entry-latency",
                   "--latency" if response is None else "--response-latency", "--fee-model"))


def _ns(text: str, unit: int, flag: str) -> int:
    """--duration (s) or --latency (ms) as ns, within the backtest's limits."""
    from souq.mm.backtest.run import MAX_DURATION, MAX_LATENCY
    from souq.engine.edge import scaled_int
    hi = (MAX_LATENCY if flag.endswith("latency") else MAX_DURATION) // unit
    return scaled_int(text, flag, unit, lo=0, hi=hi)
