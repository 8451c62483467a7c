"""Backtests as a search's evaluations, and the plan of a search (points and folds,
every input checked before anything runs)."""
from dataclasses import dataclass
from decimal import Decimal

from souq.mm.backtest.models import (PESSIMISTIC, SYMBOL_FEES, FeeModel, Latency,
                                     QueueModel, record)

from .errors import SearchError
from .folds import Fold, folds
from .grid import check_points, grid_points, parse_grid, random_points
from .search import OBJECTIVES


@dataclass(frozen=True)
class Backtest:
    """The evaluation of a real search: one backtest per (point, fold), picklable, every
    one with the same backtest models (mm/backtest/models.py)."""
    config: dict
    objective: str
    scenario: str | None = None
    data: str | None = None
    db_url: str | None = None           # data: where the workers read the data set
    duration_ns: int | None = None
    latency_ns: int = 0
    shipped: object = None              # data: mm.marketdata.load.ShippedSets, read once
                                        # here for workers that cannot reach db_url
    latency: Latency | None = None      # entry and response (None: latency_ns both ways)
    queue_model: QueueModel = PESSIMISTIC
    fee_model: FeeModel = SYMBOL_FEES

    def models(self) -> dict:
        """The models every evaluation uses, as stored with the search
        (mm.backtest.models.record)."""
        lat = self.latency or Latency(self.latency_ns, self.latency_ns)
        return record(self.queue_model, lat, self.fee_model)

    def __call__(self, point: dict[str, str], fold: Fold) -> dict:
        from souq.mm.backtest.run import Spec, run_backtest
        spec = Spec(self.config, dict(point), data=self.data, scenario=self.scenario,
                    start=fold.start, end=fold.end, seed=fold.seed,
                    latency_ns=self.latency_ns, latency=self.latency,
                    queue_model=self.queue_model, fee_model=self.fee_model,
                    duration_ns=self.duration_ns if self.scenario is not None else None)
        source = None
        if self.data:
            source = self.shipped.source if self.shipped is not None else _source(self.db_url)
        r = run_backtest(spec, data_source=source)
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
    from souq.mm.marketdata import load

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
    from souq.mm.desk.strategy import template
    if objective not in OBJECTIVES:
        raise SearchError("unknown objective {objective!r}; objectives: {known}",
                          objective=objective, known=", ".join(OBJECTIVES))
    if walk_forward is not None and walk_forward < 2:
        raise SearchError("{walk_forward} must be at least 2")
    spec = template(cfg["template"]).spec()
    axes = parse_grid(grid, spec)
    points = grid_points(axes) if random_n is None else random_points(axes, random_n, seed)
    check_points(points, spec, cfg["params"])
    k = walk_forward or 1
    if data_window is None:
        return points, folds(k, seed=seed)
    return points, folds(k, seed=seed, start=data_window[0], end=data_window[1], data=True)
