"""Parameter search: a strategy configuration's parameters over a grid (or random points in
the grid's box), each point a backtest scored by an objective, evaluated in parallel and
ranked; with walk-forward validation so an over-fitted choice shows.

- A grid axis is `name=lo:hi:n` (n evenly spaced values, both ends included) or
  `name=a,b,c`. Values are text, rounded to the engine's 1e-9 (whole numbers for int
  parameters), each checked against the template's parameter before anything runs.
- `random N` draws N points uniformly from the box instead: a range axis uniformly in
  [lo, hi], a list axis one of its values; seeded, so the same seed draws the same points.
- Folds (walk-forward K >= 2): a data window is cut by time into K equal spans; a scenario
  is run on K consecutive seeds (seed, seed+1, ...), each for the whole duration (one
  simulated market cannot be cut and resumed, so each fold is a fresh market). Every point
  is scored on folds 0..K-2; step i picks the best point on fold i (in-sample) and scores
  it on fold i+1 (out-of-sample). The ranking is by the mean over folds 0..K-2, so it is
  in-sample. Without walk-forward there is one fold: the whole window, or the seed.
- Deterministic whatever the number of workers: each evaluation is a pure function of its
  job, results are put back in job order, ties rank by grid order.

The package: grid.py (the space), folds.py, search.py (scoring and ranking), pool.py (the
local workers), cluster.py (a Dask cluster's workers instead), backtest.py (backtests as
evaluations, and `plan`), errors.py (SearchError, in the domain's names; the CLI words it
with its flags).
"""
from .backtest import Backtest, evaluation, plan
from .cluster import ClusterPool, check_address
from .errors import SearchError
from .folds import Fold, folds
from .grid import MAX_POINTS, Axis, check_points, grid_points, parse_axis, parse_grid, random_points
from .search import MAX_WORKERS, NOT_SCORED, OBJECTIVES, Search, run_search

__all__ = ["Axis", "Backtest", "ClusterPool", "Fold", "MAX_POINTS", "MAX_WORKERS", "NOT_SCORED",
           "OBJECTIVES", "Search", "SearchError", "check_address", "check_points", "evaluation",
           "folds", "grid_points", "parse_axis",
           "parse_grid", "plan", "random_points", "run_search"]
