"""Running a search: every (point, fold) scored, ranked by the in-sample mean, and the
walk-forward steps (see mm/optimize/__init__.py)."""
import math
from dataclasses import dataclass, field

from .errors import SearchError
from .folds import Fold
from .cluster import ClusterPool
from .pool import Pool

OBJECTIVES = ("sharpe", "pnl", "calmar")
#: the most local worker processes a search starts: the pool forks them all at once, so
#: `--workers 99999` forked until the machine ran out of processes (a machine with more
#: than 64 cores is better served by a cluster, --cluster)
MAX_WORKERS = 64


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
               evaluate, *, workers: int = 1, cluster: str | None = None,
               on_progress=None) -> Search:
    """Score every point with `evaluate(point, fold) -> dict` (its "objective": float or
    None, and anything else worth showing); `evaluate` must be picklable (module level)
    when workers > 1 or on a cluster. `cluster`: a Dask scheduler's address; the jobs run
    there instead of `workers` local processes, with the same ranking
    (mm/optimize/cluster.py). `on_progress(done, total)` after each evaluation."""
    if objective not in OBJECTIVES:
        raise SearchError("unknown objective {objective!r}; objectives: {known}",
                          objective=objective, known=", ".join(OBJECTIVES))
    if not 1 <= workers <= MAX_WORKERS:
        raise SearchError("{workers} must be 1 to {most}, not {n}", most=MAX_WORKERS,
                          n=workers)
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

    pool = (ClusterPool(cluster, evaluate) if cluster
            else Pool(min(workers, len(jobs)), evaluate))   # no idle process forked
    with pool:
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
