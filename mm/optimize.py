"""Parameter search: a strategy configuration's parameters over a grid (or random points in
the grid's box), each point a backtest scored by an objective, evaluated in parallel and
ranked; with walk-forward validation so an over-fitted choice shows.

- A grid axis is `name=lo:hi:n` (n evenly spaced values, both ends included) or
  `name=a,b,c`. Values are text, rounded to the engine's 1e-9 (whole numbers for int
  parameters), each checked against the template's parameter before anything runs.
- `--random N` draws N points uniformly from the box instead: a range axis uniformly in
  [lo, hi], a list axis one of its values; seeded, so the same seed draws the same points.
- Folds (walk-forward K >= 2): a data window is cut by time into K equal spans; a scenario
  is run on K consecutive seeds (seed, seed+1, ...), each for the whole duration (one
  simulated market cannot be cut and resumed, so each fold is a fresh market). Every point
  is scored on folds 0..K-2; step i picks the best point on fold i (in-sample) and scores
  it on fold i+1 (out-of-sample). The ranking is by the mean over folds 0..K-2, so it is
  in-sample. Without walk-forward there is one fold: the whole window, or the seed.
- Deterministic whatever the number of workers: each evaluation is a pure function of its
  job, results are put back in job order, ties rank by grid order.
"""
import itertools
import math
import os
import random
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from souq.engine.edge import EdgeError, parse_decimal, parse_int

from .desk.params import BOOL, CHOICE, INT, TEXT, BadParam, Param, validate

OBJECTIVES = ("sharpe", "pnl", "calmar")
STEP = Decimal("1e-9")
MAX_POINTS = 10_000     # parameter sets in one search: grid or --random


class SearchError(ValueError):
    """A search that cannot be run as asked; the message says why."""


# ---------------------------------------------------------------- the space
@dataclass(frozen=True)
class Axis:
    name: str
    values: tuple[str, ...]             # the grid's values, as text
    lo: Decimal | None = None           # a range axis' box (for --random)
    hi: Decimal | None = None
    whole: bool = False                 # an int parameter


def parse_axis(text: str, spec: tuple[Param, ...]) -> Axis:
    """`name=lo:hi:n` or `name=a,b,c` against the template's parameters."""
    name, eq, body = text.partition("=")
    name, body = name.strip(), body.strip()
    if not eq or not name or not body:
        raise SearchError(f"--grid {text!r}: want NAME=LO:HI:N or NAME=A,B,C")
    by_name = {p.name: p for p in spec}
    if name not in by_name:
        raise SearchError(f"--grid {text!r}: unknown parameter {name!r}; known: "
                          f"{', '.join(sorted(by_name))}")
    param = by_name[name]
    if ":" in body:
        parts = body.split(":")
        if len(parts) != 3:
            raise SearchError(f"--grid {text!r}: a range is LO:HI:N")
        if param.kind in (BOOL, CHOICE, TEXT):
            raise SearchError(f"--grid {text!r}: {name} is {param.kind}; list its values "
                              "A,B,C")
        lo, hi = _number(parts[0], text), _number(parts[1], text)
        try:
            n = parse_int(parts[2].strip(), "N", 1, MAX_POINTS)
        except EdgeError as exc:
            raise SearchError(f"--grid {text!r}: {exc} (a search has at most {MAX_POINTS} "
                              "sets)") from None
        if hi < lo:
            raise SearchError(f"--grid {text!r}: LO must not exceed HI")
        if n == 1 and hi != lo:
            raise SearchError(f"--grid {text!r}: one value needs LO = HI")
        whole = param.kind == INT
        values = _unique(_text(lo + (hi - lo) * i / (n - 1) if n > 1 else lo, whole)
                         for i in range(n))
        axis = Axis(name, values, lo, hi, whole)
    else:
        values = _unique(v.strip() for v in body.split(","))
        if any(not v for v in values):
            raise SearchError(f"--grid {text!r}: an empty value in the list")
        axis = Axis(name, values)
    for v in axis.values:
        try:
            param.parse(v)
        except BadParam as exc:
            raise SearchError(f"--grid {text!r}: {exc}") from None
    return axis


def parse_grid(texts: list[str], spec: tuple[Param, ...]) -> list[Axis]:
    if not texts:
        raise SearchError("give at least one --grid NAME=LO:HI:N")
    axes = [parse_axis(t, spec) for t in texts]
    names = [a.name for a in axes]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise SearchError(f"--grid names {', '.join(dup)} more than once")
    size = math.prod(len(a.values) for a in axes)
    if size > MAX_POINTS:
        raise SearchError(f"the grid has {size} parameter sets; at most {MAX_POINTS} (use "
                          "fewer values, or --random N)")
    return axes


def grid_points(axes: list[Axis]) -> list[dict[str, str]]:
    """Every combination, the first axis varying slowest."""
    return [dict(zip((a.name for a in axes), combo))
            for combo in itertools.product(*(a.values for a in axes))]


def random_points(axes: list[Axis], n: int, seed: int) -> list[dict[str, str]]:
    """n points drawn uniformly from the box (seeded); repeats dropped, order kept."""
    if not 1 <= n <= MAX_POINTS:
        raise SearchError(f"--random must be from 1 to {MAX_POINTS}")
    rng = random.Random(seed)
    out, seen = [], set()
    for _ in range(n):
        point = {}
        for a in axes:
            if a.lo is None:
                point[a.name] = a.values[rng.randrange(len(a.values))]
            elif a.whole:
                point[a.name] = str(rng.randint(int(math.ceil(a.lo)), int(math.floor(a.hi))))
            else:
                u = Decimal(rng.getrandbits(53)) / Decimal(2 ** 53)
                point[a.name] = _text(a.lo + (a.hi - a.lo) * u, False)
        key = tuple(point.items())
        if key not in seen:
            seen.add(key)
            out.append(point)
    return out


def check_points(points: list[dict[str, str]], spec, base: dict[str, str]) -> None:
    """Every point valid with the configuration's other parameters (SearchError else)."""
    for p in points:
        try:
            validate(spec, p, base=dict(base))
        except BadParam as exc:
            raise SearchError(str(exc)) from None


def _number(s: str, text: str) -> Decimal:
    try:
        return parse_decimal(s.strip(), "value")
    except EdgeError as exc:
        raise SearchError(f"--grid {text!r}: {str(exc).removeprefix('value: ')}") from None


def _text(d: Decimal, whole: bool) -> str:
    q = d.quantize(Decimal(1) if whole else STEP, rounding=ROUND_HALF_EVEN)
    s = format(q, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _unique(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


# ---------------------------------------------------------------- folds
@dataclass(frozen=True)
class Fold:
    index: int
    seed: int
    start: int | None = None            # data: [start, end) in ns
    end: int | None = None


def folds(k: int, *, seed: int, start: int | None = None, end: int | None = None,
          data: bool = False) -> list[Fold]:
    """k folds: data cut by time into k equal spans (the last takes the remainder);
    a scenario on seeds seed..seed+k-1."""
    if k < 1:
        raise SearchError(f"a search needs at least 1 fold, not {k}")
    if not data:
        return [Fold(i, seed + i) for i in range(k)]
    if start is None or end is None or end <= start:
        raise SearchError("a data search needs a window with its end after its start")
    span = (end - start) // k
    if span <= 0:
        raise SearchError(f"the window is too short for {k} folds")
    return [Fold(i, seed, start + i * span, end if i == k - 1 else start + (i + 1) * span)
            for i in range(k)]


# ---------------------------------------------------------------- the search
@dataclass
class Search:
    points: list[dict[str, str]]
    folds: list[Fold]
    objective: str
    scores: list[list[dict]] = field(default_factory=list)   # [fold][point] evaluations
    ranking: list[dict] = field(default_factory=list)
    steps: list[dict] = field(default_factory=list)          # walk-forward steps

    @property
    def best(self) -> dict | None:
        """The top-ranked point, or None when no point was scored (every objective
        undefined: no fills, no variation...): an unscored point is never "best"."""
        if not self.ranking or self.ranking[0]["objective"] is None:
            return None
        return self.ranking[0]

    def summary(self) -> dict:
        """Plain JSON values: what was searched, the ranking and the walk-forward."""
        out = {"objective": self.objective, "points": len(self.points),
               "folds": [vars(f) for f in self.folds], "ranking": self.ranking,
               "walk_forward": self.steps}
        if self.steps:
            ins = [s["in_sample"] for s in self.steps]
            oos = [s["out_of_sample"] for s in self.steps]
            out["in_sample_mean"] = _mean(ins)
            out["out_of_sample_mean"] = _mean(oos)
        return out


def run_search(points: list[dict[str, str]], fold_list: list[Fold], objective: str,
               evaluate, *, workers: int = 1, on_progress=None) -> Search:
    """Score every point with `evaluate(point, fold) -> dict` (its "objective": float or
    None, and anything else worth showing); `evaluate` must be picklable (module level)
    when workers > 1. `on_progress(done, total)` after each evaluation."""
    if objective not in OBJECTIVES:
        raise SearchError(f"unknown objective {objective!r}; objectives: "
                          f"{', '.join(OBJECTIVES)}")
    if workers < 1:
        raise SearchError("--workers must be at least 1")
    if not points:
        raise SearchError("no parameter sets to evaluate")
    s = Search(points, fold_list, objective)
    fit = fold_list[:-1] if len(fold_list) > 1 else fold_list
    jobs = [(f, i) for f in range(len(fit)) for i in range(len(points))]
    total = len(jobs) + (1 if len(fold_list) > 1 else 0)
    done = [0]

    def tick():
        done[0] += 1
        if on_progress is not None:
            on_progress(done[0], total)

    with _Pool(workers, evaluate) as pool:
        flat = pool.map([(points[i], fold_list[f]) for f, i in jobs], tick)
        s.scores = [flat[f * len(points):(f + 1) * len(points)] for f in range(len(fit))]
        s.ranking = _rank(points, s.scores)
        if len(fold_list) > 1:
            chosen = [_best(s.scores[i]) for i in range(len(fit))]
            # out-of-sample: fold i+1 for the point chosen on fold i; folds 1..K-2 were
            # scored already, the last fold is scored for its one chosen point here
            last = pool.map([(points[chosen[-1]], fold_list[-1])], tick)[0]
            for i, c in enumerate(chosen):
                oos = s.scores[i + 1][c] if i + 1 < len(fit) else last
                s.steps.append({"fit_fold": i, "test_fold": i + 1, "params": points[c],
                                "in_sample": s.scores[i][c]["objective"],
                                "out_of_sample": oos["objective"]})
    return s


NOT_SCORED = ("no parameter set was scored: the objective is undefined for every one of "
              "them (no fills, or an equity that never moved)")


def _key(value) -> tuple:
    """Best first: a value before none, higher before lower."""
    return (value is None or (isinstance(value, float) and math.isnan(value)),
            -(value or 0.0))


def _best(row: list[dict]) -> int:
    return min(range(len(row)), key=lambda i: (_key(row[i]["objective"]), i))


def _rank(points: list[dict], scores: list[list[dict]]) -> list[dict]:
    rows = []
    for i, p in enumerate(points):
        per = [scores[f][i] for f in range(len(scores))]
        rows.append({"point": i, "params": p, "objective": _mean(
            [e["objective"] for e in per]), "folds": per})
    rows.sort(key=lambda r: (_key(r["objective"]), r["point"]))
    for n, r in enumerate(rows, 1):
        r["rank"] = n
    return rows


def _mean(values: list) -> float | None:
    """The mean, or None when any value is None (a fold with no defined objective)."""
    if not values or any(v is None for v in values):
        return None
    return math.fsum(values) / len(values)


class _Pool:
    """In this process for one worker; else a process pool. `map` keeps job order."""

    def __init__(self, workers: int, evaluate) -> None:
        self.workers, self.evaluate = workers, evaluate
        self.ex = None

    def __enter__(self):
        if self.workers > 1:
            import multiprocessing as mp
            ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
            self.ex = ProcessPoolExecutor(self.workers, mp_context=ctx,
                                          initializer=_die_with_parent)
        return self

    def __exit__(self, *exc):
        if self.ex is not None:
            self.ex.shutdown(cancel_futures=True)

    def map(self, jobs: list[tuple], tick) -> list:
        if self.ex is None:
            out = []
            for point, fold in jobs:
                out.append(self.evaluate(point, fold))
                tick()
            return out
        futures = {self.ex.submit(self.evaluate, p, f): n for n, (p, f) in enumerate(jobs)}
        out = [None] * len(jobs)
        for fut in as_completed(futures):
            out[futures[fut]] = fut.result()
            tick()
        return out


def _die_with_parent() -> None:
    """Worker start-up: a watcher thread ends this worker as soon as the process that
    started it is gone, even after a kill -9 that gave the pool no chance to stop it.
    It waits on multiprocessing's parent sentinel (a pipe the parent holds open)."""
    import multiprocessing as mp
    import threading
    from multiprocessing.connection import wait
    parent = mp.parent_process()
    if parent is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(1)
    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


# ---------------------------------------------------------------- backtests as evaluations
@dataclass(frozen=True)
class Backtest:
    """The evaluation of a real search: one backtest per (point, fold), picklable."""
    config: dict
    objective: str
    scenario: str | None = None
    data: str | None = None
    db_url: str | None = None           # data: where the workers read the data set
    duration_ns: int | None = None
    latency_ns: int = 0

    def __call__(self, point: dict[str, str], fold: Fold) -> dict:
        from .backtest.run import Spec, run_backtest
        spec = Spec(self.config, dict(point), data=self.data, scenario=self.scenario,
                    start=fold.start, end=fold.end, seed=fold.seed,
                    latency_ns=self.latency_ns,
                    duration_ns=self.duration_ns if self.scenario is not None else None)
        r = run_backtest(spec, data_source=_source(self.db_url) if self.data else None)
        return evaluation(r.figures, self.objective, events=r.events, fills=len(r.fills))


def evaluation(figures: dict, objective: str, **extra) -> dict:
    """A run's figures reduced to what a search keeps: the objective and the three
    candidates (pnl exact, as text)."""
    pnl = figures["pnl"]["total"] if isinstance(figures.get("pnl"), dict) else figures["pnl"]
    values = {"pnl": float(Decimal(pnl)), "sharpe": figures.get("sharpe"),
              "calmar": figures.get("calmar")}
    return {"objective": values[objective], "pnl": pnl, "sharpe": values["sharpe"],
            "calmar": values["calmar"], **extra}


_ENGINES: dict = {}


def _source(url: str):
    """The data source of a worker: its own database connection per call."""
    from souq.db.store import connect
    from .marketdata import load

    engine = _ENGINES.get(url)
    if engine is None:
        engine = _ENGINES[url] = connect(url)

    def source(name, start, end):
        with engine.connect() as conn:
            yield from load(conn, name, start, end)
    return source


def plan(cfg: dict, grid: list[str], *, objective: str, random_n: int | None = None,
         seed: int = 0, walk_forward: int | None = None, data_window=None
         ) -> tuple[list[dict[str, str]], list[Fold]]:
    """The points and folds of a search, every input checked before anything runs.
    `data_window`: (start, end) ns of a data search, None for a scenario."""
    from .desk.strategy import template
    if objective not in OBJECTIVES:
        raise SearchError(f"unknown objective {objective!r}; objectives: "
                          f"{', '.join(OBJECTIVES)}")
    if walk_forward is not None and walk_forward < 2:
        raise SearchError("--walk-forward must be at least 2")
    spec = template(cfg["template"]).spec()
    axes = parse_grid(grid, spec)
    points = grid_points(axes) if random_n is None else random_points(axes, random_n, seed)
    check_points(points, spec, cfg["params"])
    k = walk_forward or 1
    if data_window is None:
        return points, folds(k, seed=seed)
    return points, folds(k, seed=seed, start=data_window[0], end=data_window[1], data=True)
