"""`souq optimize CONFIG --grid ...`: a parameter search over backtests, in parallel, with
walk-forward validation; ranked, stored, the best optionally saved as a new version. The
search is mm/optimize.py's; this reads options, shows progress and prints."""
import os
import time
from contextlib import contextmanager
from typing import List, Optional

import typer

from .backtest import ENTRY_LATENCY, FEE_MODEL, LATENCY, QUEUE_MODEL, RESPONSE_LATENCY
from .context import State, fail, guarded, out, print_json
from .tools import progress
from .views import _table

TOP = 20


def register(app: typer.Typer) -> None:
    app.command("optimize")(optimize)


def optimize(
    config: str = typer.Argument(..., help="Strategy configuration name."),
    grid: List[str] = typer.Option([], "--grid", metavar="NAME=LO:HI:N|NAME=A,B,C",
                                   help="A parameter axis: N evenly spaced values from LO "
                                        "to HI inclusive, or a list (repeatable)."),
    random_n: Optional[int] = typer.Option(None, "--random", metavar="N",
                                           help="N points drawn uniformly from the grid's "
                                                "box (seeded by --seed) instead of the grid."),
    objective: str = typer.Option("sharpe", "--objective", help="sharpe, pnl or calmar."),
    workers: int = typer.Option(min(os.cpu_count() or 1, 64), "--workers",
                                help="Processes evaluating in parallel, 1 to 64 (default: "
                                     "all cores)."),
    cluster: Optional[str] = typer.Option(None, "--cluster", metavar="ADDRESS",
                                          help="Run the evaluations on the Dask scheduler at "
                                               "ADDRESS (tcp://HOST:8786) instead of local "
                                               "processes; same ranking. Needs "
                                               "'souq[cluster]'."),
    scenario: Optional[str] = typer.Option(None, "--scenario", help="Simulated scenario."),
    data: Optional[str] = typer.Option(None, "--data", help="Imported data set to replay."),
    start: Optional[str] = typer.Option(None, "--from", help="Data window start."),
    end: Optional[str] = typer.Option(None, "--to", help="Data window end (exclusive)."),
    seed: int = typer.Option(0, "--seed", help="Scenario seed (fold i: seed+i); random "
                             "draws."),
    duration: str = typer.Option("60", "--duration", help="Scenario: simulated seconds."),
    latency: str = LATENCY,
    entry_latency: Optional[str] = ENTRY_LATENCY,
    response_latency: Optional[str] = RESPONSE_LATENCY,
    queue_model: str = QUEUE_MODEL,
    fee_model: str = FEE_MODEL,
    walk_forward: Optional[int] = typer.Option(None, "--walk-forward", metavar="K",
                                               help="K folds: fit on fold i, score on i+1."),
    save: bool = typer.Option(False, "--save", help="Write the best as a new configuration "
                              "version, stage backtested."),
    json: bool = typer.Option(False, "--json"),
) -> None:
    """Search CONFIG's parameters: each set a backtest, scored by the objective."""
    from souq.db import optimize as O
    from souq.mm import optimize as M
    from souq.mm.desk import configs as C

    from souq.mm.backtest.version import code_version

    from .backtest import _models, _ns, _time
    with guarded(), worded(M.SearchError):
        if not 1 <= workers <= M.MAX_WORKERS:
            fail(f"--workers must be 1 to {M.MAX_WORKERS}, not {workers}")
        if cluster is not None:
            M.check_address(cluster)
        if (data is None) == (scenario is None):
            fail("give exactly one of --data NAME or --scenario NAME")
        if scenario is not None and (start or end):
            fail("--from/--to apply to --data runs only")
        if scenario is not None:
            from souq.mm.backtest.scenario import resolve
            resolve(scenario)
        duration_ns = _ns(duration, 1_000_000_000, "--duration")
        if duration_ns <= 0:
            fail("--duration must be positive")
        models = _models(latency, entry_latency, response_latency, queue_model, fee_model)
        api = State.api()
        cfg = C.get(api, config)
        if save and cfg["stage"] == "retired":
            fail(f"{config} is retired; bring it back before saving to it")
        window = _window(api, data, _time(start, "--from"), _time(end, "--to"))
        points, folds = M.plan(cfg, grid, objective=objective, random_n=random_n, seed=seed,
                               walk_forward=walk_forward, data_window=window)
        if data is not None:
            _check_data(api, cfg, data, points)
        evaluate = M.Backtest(cfg, objective, scenario=scenario, data=data,
                              db_url=api.url if data else None,
                              shipped=_shipped(api, data, window) if cluster else None,
                              duration_ns=duration_ns if scenario else None, **models)
        with progress("optimize") as bar:
            task = bar.add_task("optimize", total=None)
            search = M.run_search(points, folds, objective, evaluate, workers=workers,
                                  cluster=cluster,
                                  on_progress=lambda d, t: bar.update(task, completed=d,
                                                                      total=t))
        best = search.best
        saved = None
        if save and best is not None:
            _, after = C.change(api, config, best["params"])
            if after is not None:
                if after["stage"] != "backtested":
                    C.stage(api, config, "backtested")
                saved = after["version"]
        summary = search.summary()
        search_id = O.save(api.db, config=cfg, objective=objective, grid=list(grid),
                           random=random_n, data=data, scenario=scenario, seed=seed,
                           duration_ns=evaluate.duration_ns, folds=len(folds),
                           best=best and best["params"], results=summary,
                           code_version=code_version(), created_ts=time.time_ns(),
                           saved_version=saved, models=evaluate.models())
    if json:
        print_json({"search": search_id, "config": cfg["name"], "version": cfg["version"],
                    "best": best and best["params"], "saved_version": saved,
                    "models": evaluate.models(),
                    "not_scored": M.NOT_SCORED if best is None else None, **summary})
    else:
        _print(search, cfg, search_id, saved, evaluate.models())
    if save and best is None:
        with guarded():
            fail(f"{M.NOT_SCORED}; nothing saved ({config} stays at v{cfg['version']})")


def _check_data(api, cfg: dict, data: str, points: list[dict]) -> None:
    """Every point must be able to trade on the data set, as `souq backtest` checks one
    configuration (mm.backtest.datasets.check): a mid-priced quoter on a trades-only set
    would score an empty run, not a bad one."""
    from souq.mm.backtest import datasets
    from souq.mm.marketdata.load import info
    with api.db.connect() as conn:
        row = info(conn, data)
    for point in points:
        datasets.check({**cfg, "params": {**cfg["params"], **point}}, data, None,
                       lambda name: row)


def _shipped(api, data: str | None, window):
    """A cluster's workers read the data set from the database when it is a server every
    machine can reach (PostgreSQL); from a file database (SQLite) its rows in the window
    travel with the evaluation instead."""
    if data is None or not api.url.startswith("sqlite"):
        return None
    from souq.mm.marketdata.load import ShippedSets
    with api.db.connect() as conn:
        return ShippedSets(conn, [data], *window)


def _window(api, data: str | None, start: int | None, end: int | None):
    """A data search's window: as given, else the data set's first to last event."""
    if data is None:
        return None
    from souq.mm.marketdata.load import info
    with api.db.connect() as conn:
        found = info(conn, data)
    if start is None:
        start = found["first_ts"]
    if end is None:
        end = found["last_ts"] + 1 if found["last_ts"] is not None else None
    if start is None or end is None:
        raise ValueError(f"data set {data!r} has no events")
    return start, end


def _print(search, cfg: dict, search_id: int, saved: int | None, models: dict) -> None:
    names = list(search.points[0])
    single = len(search.folds) == 1
    extra = (["pnl", "sharpe", "calmar", "fills"] if single else
             [f"fold {f.index}" for f in search.folds[:-1]])
    cols = ["rank", *names, "objective", *extra]
    rows = []
    for r in search.ranking[:TOP]:
        if single:
            f = r["folds"][0]
            more = [f["pnl"], _num(f["sharpe"]), _num(f["calmar"]), f.get("fills", "")]
        else:
            more = [_num(f["objective"]) for f in r["folds"]]
        rows.append([r["rank"], *(r["params"][n] for n in names), _num(r["objective"]),
                     *more])
    fit = "fold 0" if len(search.folds) == 1 else f"mean of folds 0-{len(search.folds) - 2}"
    from souq.mm.display import count, number
    _table(f"search {search_id}: {cfg['name']} v{cfg['version']}, "
           f"{count(len(search.points), 'parameter set')}, {search.objective} ({fit})", cols,
           rows, right=cols[len(names) + 1:])
    if len(search.ranking) > TOP:
        out.print(f"... {number(len(search.ranking) - TOP)} more (--json for all)", markup=False)
    from souq.mm.backtest.models import describe
    out.print(f"models: {describe(models)}", markup=False)
    if search.steps:
        _table("walk-forward: fit on fold i, score on fold i+1",
               ["fit", "test", *names, "in-sample", "out-of-sample"],
               ([s["fit_fold"], s["test_fold"], *(s["params"][n] for n in names),
                 _num(s["in_sample"]), _num(s["out_of_sample"])] for s in search.steps),
               right=("in-sample", "out-of-sample"))
        sm = search.summary()
        out.print(f"in-sample mean {_num(sm['in_sample_mean'])}, out-of-sample mean "
                  f"{_num(sm['out_of_sample_mean'])}", markup=False)
    if search.best is None:
        from souq.mm.optimize import NOT_SCORED
        out.print(f"best: none ({NOT_SCORED})", markup=False)
        return
    best = ", ".join(f"{k}={v}" for k, v in search.best["params"].items())
    out.print(f"best: {best}" + (f"; saved as {cfg['name']} v{saved} (backtested)"
                                 if saved else ""), markup=False)


def _num(v) -> str:
    return "-" if v is None else f"{v:.6g}"


# the inputs of a search (mm/optimize/errors.py) as this command names them
FLAGS = {"grid": "--grid", "random": "--random", "workers": "--workers",
         "walk_forward": "--walk-forward", "cluster": "--cluster"}


@contextmanager
def worded(error: type):
    """A search's refusal (`error`, mm.optimize.SearchError) in the command's words: one
    line naming its flags."""
    try:
        yield
    except error as exc:
        fail(exc.worded(FLAGS))
