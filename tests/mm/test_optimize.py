"""Parameter search (mm/optimize.py): grid and random points, the ranking of a synthetic
objective with a known optimum (in one process and in two worker processes, identically),
and walk-forward bookkeeping, with an injected evaluation instead of backtests."""
from decimal import Decimal

import pytest

from souq.mm.desk.strategy import template
from souq.mm.optimize import (Fold, SearchError, folds, grid_points, parse_axis, parse_grid, plan,
                         random_points, run_search)

SPEC = template("fixed_spread").spec()
CFG = {"name": "fx", "version": 3, "template": "fixed_spread", "symbol": "BTC-IRR",
       "user": "mm-fixed", "params": {p.name: p.default for p in SPEC}}


def quad(point: dict, fold: Fold) -> dict:
    """-(x - opt)^2 - (y - 2)^2 with opt = 0.3 + 0.1 * fold: exact (Decimal) so the
    expected values below are exact too. Module level: worker processes unpickle it."""
    opt = Decimal("0.3") + Decimal("0.1") * fold.index
    x, y = Decimal(point["bid_spread_bps"]), Decimal(point.get("ask_spread_bps", "2"))
    return {"objective": -float((x - opt) ** 2 + (y - 2) ** 2), "fold": fold.index}


def values(text: str) -> tuple[str, ...]:
    return parse_axis(text, SPEC).values


# ---------------------------------------------------------------- grid and random points
def test_ranges_are_evenly_spaced_inclusive_and_rounded_to_the_engine_step():
    assert values("bid_spread_bps=1:3:5") == ("1", "1.5", "2", "2.5", "3")
    assert values("bid_spread_bps=0:1:4") == ("0", "0.333333333", "0.666666667", "1")
    assert values("bid_spread_bps=0.01:0.5:10")[:3] == ("0.01", "0.064444444", "0.118888889")
    assert values("bid_spread_bps=0.01:0.5:10")[-1] == "0.5"
    assert values("bid_spread_bps=2:2:1") == ("2",)
    # int parameters: whole numbers, repeats dropped
    assert values("max_open_orders=1:10:4") == ("1", "4", "7", "10")
    assert values("max_open_orders=1:2:4") == ("1", "2")
    # lists: as written, any kind
    assert values("skew_mode=size, both") == ("size", "both")
    assert values("bid_spread_bps=5,1,5") == ("5", "1")


def test_grid_points_are_the_product_first_axis_slowest():
    axes = parse_grid(["bid_spread_bps=1,2", "ask_spread_bps=0:1:3"], SPEC)
    assert grid_points(axes) == [
        {"bid_spread_bps": a, "ask_spread_bps": b} for a in ("1", "2") for b in ("0", "0.5", "1")]


def test_random_points_are_seeded_inside_the_box():
    axes = parse_grid(["bid_spread_bps=1:3:2", "max_open_orders=2:5:2", "skew_mode=size,both"],
                      SPEC)
    a = random_points(axes, 20, seed=7)
    assert a == random_points(axes, 20, seed=7)
    assert a != random_points(axes, 20, seed=8)
    assert len(a) == 20
    for p in a:
        assert Decimal(1) <= Decimal(p["bid_spread_bps"]) <= 3
        assert len(p["bid_spread_bps"].partition(".")[2]) <= 9
        assert p["max_open_orders"] in ("2", "3", "4", "5")
        assert p["skew_mode"] in ("size", "both")
    assert len({p["bid_spread_bps"] for p in a}) == 20         # continuous, not the grid


@pytest.mark.parametrize("text, message", [
    ("nope=1:2:3", "unknown parameter 'nope'"),
    ("bid_spread_bps", "want NAME=LO:HI:N"),
    ("bid_spread_bps=", "want NAME=LO:HI:N"),
    ("bid_spread_bps=1:2", "a range is LO:HI:N"),
    ("bid_spread_bps=a:2:3", "'a' is not a number"),
    ("bid_spread_bps=1:2:0", "N: 0 is out of range \\(1 to 10000\\)"),
    ("bid_spread_bps=1:2:x", "N: 'x' is not a whole number"),
    ("bid_spread_bps=3:1:3", "LO must not exceed HI"),
    ("bid_spread_bps=1:3:1", "one value needs LO = HI"),
    ("bid_spread_bps=-1:2:3", "bid_spread_bps: -1 is below the minimum 0"),
    ("bid_spread_bps=1,9000", "9000 is above the maximum 5000"),
    ("bid_spread_bps=1,,2", "an empty value"),
    ("skew_mode=1:2:2", "list its values"),
    ("skew_mode=size,sideways", "'sideways' is not one of"),
])
def test_bad_axes_are_refused_with_a_reason(text, message):
    with pytest.raises(SearchError, match=message):
        parse_axis(text, SPEC)


def test_plan_refuses_bad_searches_before_anything_runs():
    grid = ["bid_spread_bps=1,2"]
    with pytest.raises(SearchError, match="unknown objective 'sortino'"):
        plan(CFG, grid, objective="sortino")
    with pytest.raises(SearchError, match="^give at least one grid NAME=LO:HI:N$"):
        plan(CFG, [], objective="pnl")
    with pytest.raises(SearchError, match="more than once"):
        plan(CFG, grid + ["bid_spread_bps=3,4"], objective="pnl")
    with pytest.raises(SearchError, match="^walk_forward must be at least 2$"):
        plan(CFG, grid, objective="pnl", walk_forward=1)
    with pytest.raises(SearchError, match="^random must be from 1 to 10000$"):
        plan(CFG, grid, objective="pnl", random_n=0)
    with pytest.raises(SearchError, match="too short for 4 folds"):
        plan(CFG, grid, objective="pnl", walk_forward=4, data_window=(10, 13))
    points, fl = plan(CFG, grid, objective="pnl", seed=5, walk_forward=3)
    assert points == [{"bid_spread_bps": "1"}, {"bid_spread_bps": "2"}]
    assert fl == [Fold(0, 5), Fold(1, 6), Fold(2, 7)]


def test_data_folds_cut_the_window_by_time_the_last_takes_the_rest():
    assert folds(3, seed=1, start=100, end=111, data=True) == [
        Fold(0, 1, 100, 103), Fold(1, 1, 103, 106), Fold(2, 1, 106, 111)]
    assert folds(1, seed=1, start=100, end=111, data=True) == [Fold(0, 1, 100, 111)]


# ---------------------------------------------------------------- the search
GRID = ["bid_spread_bps=0:1:11", "ask_spread_bps=1,2,3"]


@pytest.mark.parametrize("workers", [1, 2])
def test_the_search_finds_the_known_optimum(workers):
    points, fl = plan(CFG, GRID, objective="pnl")
    seen = []
    s = run_search(points, fl, "pnl", quad, workers=workers,
                   on_progress=lambda d, t: seen.append((d, t)))
    assert len(points) == 33 and seen[-1] == (33, 33) and len(seen) == 33
    assert s.best["params"] == {"bid_spread_bps": "0.3", "ask_spread_bps": "2"}
    assert s.best["objective"] == 0.0 and s.best["rank"] == 1
    # next best: x one step away on either side (ties in grid order), then x two away
    assert [r["params"]["bid_spread_bps"] for r in s.ranking[1:5]] == ["0.2", "0.4", "0.1",
                                                                       "0.5"]
    assert s.ranking[1]["objective"] == pytest.approx(-0.01, abs=1e-15)
    assert s.steps == []


def test_one_and_two_workers_give_identical_searches():
    points, fl = plan(CFG, GRID, objective="pnl", walk_forward=3)
    one = run_search(points, fl, "pnl", quad, workers=1)
    two = run_search(points, fl, "pnl", quad, workers=2)
    assert one.summary() == two.summary()


def test_walk_forward_fits_on_each_fold_and_scores_on_the_next():
    points, fl = plan(CFG, ["bid_spread_bps=0:1:11"], objective="pnl", walk_forward=3)
    calls = []
    s = run_search(points, fl, "pnl", quad, workers=1,
                   on_progress=lambda d, t: calls.append((d, t)))
    # 11 points on folds 0 and 1, then the set chosen on fold 1 on fold 2
    assert calls[-1] == (23, 23)
    assert [len(row) for row in s.scores] == [11, 11]
    # fold 0's optimum is 0.3, fold 1's 0.4: in-sample 0, out-of-sample one step off
    assert [(st["fit_fold"], st["test_fold"], st["params"]["bid_spread_bps"])
            for st in s.steps] == [(0, 1, "0.3"), (1, 2, "0.4")]
    assert [st["in_sample"] for st in s.steps] == [0.0, 0.0]
    assert [st["out_of_sample"] for st in s.steps] == pytest.approx([-0.01, -0.01], abs=1e-15)
    sm = s.summary()
    assert sm["in_sample_mean"] == 0.0
    assert sm["out_of_sample_mean"] == pytest.approx(-0.01, abs=1e-15)
    # the ranking is in-sample: the mean over folds 0 and 1, so 0.3 and 0.4 tie (grid order)
    assert [r["params"]["bid_spread_bps"] for r in s.ranking[:2]] == ["0.3", "0.4"]
    assert s.ranking[0]["objective"] == pytest.approx(-0.005, abs=1e-15)


def test_undefined_objectives_rank_last():
    def some_none(point, fold):
        x = Decimal(point["bid_spread_bps"])
        return {"objective": None if x < 2 else float(-x)}
    s = run_search([{"bid_spread_bps": v} for v in ("1", "2", "3")], [Fold(0, 0)], "sharpe",
                   some_none)
    assert [(r["params"]["bid_spread_bps"], r["objective"]) for r in s.ranking] == [
        ("2", -2.0), ("3", -3.0), ("1", None)]


def test_with_no_scored_point_there_is_no_best():
    s = run_search([{"bid_spread_bps": v} for v in ("1", "2")], [Fold(0, 0)], "sharpe",
                   lambda point, fold: {"objective": None})
    assert [r["objective"] for r in s.ranking] == [None, None]
    assert s.best is None


def test_a_search_forks_no_more_workers_than_it_has_evaluations(monkeypatch):
    """Two points on one fold are two evaluations: with --workers 64 the pool is asked
    for two processes, not 64 idle ones."""
    from souq.mm.optimize import search
    asked = []

    class Recording(search.Pool):
        def __init__(self, workers, evaluate):
            asked.append(workers)
            super().__init__(1, evaluate)
    monkeypatch.setattr(search, "Pool", Recording)
    run_search([{"bid_spread_bps": "1"}, {"bid_spread_bps": "2"}], [Fold(0, 0)], "pnl", quad,
               workers=64)
    assert asked == [2]


def test_bad_search_arguments():
    with pytest.raises(SearchError, match="^workers must be 1 to 64, not 0$"):
        run_search([{"a": "1"}], [Fold(0, 0)], "pnl", quad, workers=0)
    # the pool forks every worker at once: 99999 forked until the machine had no processes
    with pytest.raises(SearchError, match="^workers must be 1 to 64, not 99999$"):
        run_search([{"a": "1"}], [Fold(0, 0)], "pnl", quad, workers=99999)
    with pytest.raises(SearchError, match="unknown objective"):
        run_search([{"a": "1"}], [Fold(0, 0)], "profit", quad)


def test_folds_says_what_it_needs():
    # 1 fold is a search without walk-forward; the message used to ask for at least 2
    from souq.mm.optimize import folds
    assert len(folds(1, seed=3)) == 1
    with pytest.raises(SearchError, match="^a search needs at least 1 fold, not 0$"):
        folds(0, seed=3)


def test_an_interface_words_the_error_with_its_own_names():
    """The search names its inputs in the domain's words; the CLI passes its flags."""
    flags = {"grid": "--grid", "random": "--random", "walk_forward": "--walk-forward"}
    with pytest.raises(SearchError) as err:
        parse_axis("nope=1{x}", SPEC)
    assert str(err.value).startswith("grid 'nope=1{x}': unknown parameter 'nope'")
    assert err.value.worded(flags).startswith("--grid 'nope=1{x}': unknown parameter 'nope'")
    with pytest.raises(SearchError) as err:
        plan(CFG, ["bid_spread_bps=1,2"], objective="pnl", walk_forward=1)
    assert err.value.worded(flags) == "--walk-forward must be at least 2"
    with pytest.raises(SearchError) as err:
        parse_grid(["bid_spread_bps=0:1:101", "ask_spread_bps=0:1:101"], SPEC)
    assert err.value.worded(flags) == ("the grid has 10201 parameter sets; at most 10000 "
                                       "(use fewer values, or --random N)")


def test_every_evaluation_runs_with_the_search_s_models(monkeypatch):
    """mm.optimize.Backtest hands its models to each backtest's Spec, and records them."""
    import souq.mm.backtest.run as run
    from souq.mm.backtest.models import Latency, Probabilistic, fee_model
    from souq.mm.optimize import Backtest
    seen = []

    class Ran:
        figures = {"pnl": {"total": "1.5"}, "sharpe": None, "calmar": None}
        events, fills = 3, ()

    def fake(spec, data_source=None):
        seen.append(spec)
        return Ran()

    monkeypatch.setattr(run, "run_backtest", fake)
    ev = Backtest({"params": {}}, "pnl", scenario="normal", duration_ns=1,
                  latency=Latency(5, 7), queue_model=Probabilistic(2),
                  fee_model=fee_model("flat_bps:2"))
    for seed in (0, 1):
        assert ev({"k": "1"}, Fold(seed, seed, None, None))["pnl"] == "1.5"
    assert [(s.latencies(), s.queue_model, s.fee_model, s.seed) for s in seen] == [
        (Latency(5, 7), Probabilistic(2), fee_model("flat_bps:2"), 0),
        (Latency(5, 7), Probabilistic(2), fee_model("flat_bps:2"), 1)]
    assert ev.models() == {"queue": "probabilistic:2", "latency": "constant", "entry_ns": 5,
                           "response_ns": 7, "fees": "flat_bps:2"}
    assert Backtest({}, "pnl", latency_ns=4).models() == {
        "queue": "pessimistic", "latency": "constant", "entry_ns": 4, "response_ns": 4,
        "fees": "symbol"}
