"""`souq optimize` through the real console script: a small search stored and its best saved
as a new configuration version; the same search in one process ranks identically; bad
input is one line and stores nothing."""
import pytest

from souq.db import optimize as O
from souq.db.api import Api
from souq.mm.desk import configs as C

pytestmark = pytest.mark.slow


@pytest.fixture
def souq(desk_souq):
    return desk_souq


def stored(souq) -> tuple[list[dict], dict]:
    api = Api(str(souq.db))
    try:
        with api.db.connect() as conn:
            return O.searches(conn), C.get(api, "fixed-btc")
    finally:
        api.close()


SEARCH = ("optimize", "fixed-btc", "--grid", "bid_spread_bps=1,4", "--grid",
          "ask_spread_bps=1:4:2", "--scenario", "normal", "--duration", "4", "--seed", "3",
          "--objective", "pnl")


def test_a_search_is_ranked_stored_and_its_best_saved(souq):
    two, one = souq.jsons((*SEARCH, "--workers", "2", "--save"), (*SEARCH, "--workers", "1"))
    assert len(two["ranking"]) == 4 and two["points"] == 4
    assert [r["rank"] for r in two["ranking"]] == [1, 2, 3, 4]
    values = [r["objective"] for r in two["ranking"]]
    assert values == sorted(values, reverse=True)
    assert two["folds"] == [{"index": 0, "seed": 3, "start": None, "end": None}]
    assert two["best"] == two["ranking"][0]["params"]
    # the worker count changes nothing but the time taken
    assert one["ranking"] == two["ranking"]
    assert one["saved_version"] is None
    searches, cfg = stored(souq)
    assert sorted(s["id"] for s in searches) == [1, 2]
    saved = next(s for s in searches if s["saved_version"] is not None)
    assert saved["id"] == two["search"] and saved["objective"] == "pnl"
    assert saved["best"] == two["best"] and saved["folds"] == 1
    assert saved["results"]["ranking"] == two["ranking"]
    # the best as version 2 of the configuration, stage backtested (it shipped at paper)
    assert two["saved_version"] == 2 and cfg["version"] == 2 and cfg["stage"] == "backtested"
    for k, v in two["best"].items():
        assert cfg["params"][k] == v


def test_walk_forward_reports_in_and_out_of_sample(souq):
    res = souq.json("optimize", "fixed-btc", "--grid", "bid_spread_bps=1,4", "--scenario",
                    "normal", "--duration", "3", "--walk-forward", "3", "--objective", "pnl",
                    "--workers", "2")
    assert [f["seed"] for f in res["folds"]] == [0, 1, 2]
    assert [(s["fit_fold"], s["test_fold"]) for s in res["walk_forward"]] == [(0, 1), (1, 2)]
    assert all(len(r["folds"]) == 2 for r in res["ranking"])
    assert "in_sample_mean" in res and "out_of_sample_mean" in res
    # the table form says the same
    out = souq.ok("optimize", "fixed-btc", "--grid", "bid_spread_bps=1,4", "--scenario",
                  "normal", "--duration", "3", "--walk-forward", "3", "--objective", "pnl",
                  "--workers", "1")
    assert "walk-forward" in out and "out-of-sample mean" in out and "best: " in out


def test_bad_input_is_one_line_and_stores_nothing(souq):
    base = ("optimize", "fixed-btc", "--scenario", "normal", "--duration", "2")
    g = ("--grid", "bid_spread_bps=1,2")
    souq.fail_all([
        ((*base, "--grid", "nope=1:2:3"), None, "unknown parameter 'nope'"),
        ((*base, "--grid", "bid_spread_bps=1:2"), None, "a range is LO:HI:N"),
        ((*base, "--grid", "bid_spread_bps=1-2"), None, "'1-2' is not a number"),
        ((*base, "--grid", "bid_spread_bps=1:9000:3"), None, "above the maximum 5000"),
        ((*base, *g, "--workers", "0"), None, "--workers must be 1 to 64, not 0"),
        ((*base, *g, "--workers", "99999"), None, "--workers must be 1 to 64, not 99999"),
        ((*base, *g, "--objective", "sortino"), None, "unknown objective 'sortino'"),
        ((*base, *g, "--walk-forward", "1"), None, "--walk-forward must be at least 2"),
        ((*base, *g, "--random", "0"), None, "--random must be from 1 to 10000"),
        ((*base,), None, "at least one --grid"),
        (("optimize", "fixed-btc", *g), None, "exactly one of --data NAME or --scenario"),
        (("optimize", "fixed-btc", *g, "--scenario", "nope"), None, "unknown scenario"),
        (("optimize", "fixed-btc", *g, "--data", "nope"), None, "no data set 'nope'"),
        (("optimize", "nope", *g, "--scenario", "normal"), None, "no configuration 'nope'"),
    ])
    searches, cfg = stored(souq)
    assert searches == [] and cfg["version"] == 1


def test_a_search_with_no_scored_point_saves_nothing_and_says_so(souq):
    # issue 12 item 7: spreads of 40-50 % never fill, so Sharpe is undefined everywhere
    args = ("optimize", "fixed-btc", "--grid", "bid_spread_bps=4000,5000", "--grid",
            "ask_spread_bps=5000", "--scenario", "normal", "--duration", "2", "--objective",
            "sharpe")
    r = souq.run(*args, "--save")
    assert r.returncode != 0
    assert r.stderr.strip() == ("error: no parameter set was scored: the objective is "
                                "undefined for every one of them (no fills, or an equity "
                                "that never moved); nothing saved (fixed-btc stays at v1)")
    assert "best: none (no parameter set was scored" in r.stdout
    res = souq.json(*args)
    assert res["best"] is None and res["saved_version"] is None
    assert res["not_scored"].startswith("no parameter set was scored")
    assert [x["objective"] for x in res["ranking"]] == [None, None]
    searches, cfg = stored(souq)
    assert [s["saved_version"] for s in searches] == [None, None]
    assert [s["best"] for s in searches] == [None, None]
    assert (cfg["version"], cfg["stage"]) == (1, "paper")


def test_the_model_flags_apply_to_every_evaluation_and_are_recorded(souq):
    base = ("optimize", "fixed-btc", "--grid", "bid_spread_bps=1,4", "--scenario", "normal",
            "--duration", "3", "--objective", "pnl", "--workers", "1")
    souq.fail_all([
        ((*base, "--queue-model", "nope"), None,
         "--queue-model: queue model 'nope': use pessimistic, probabilistic"),
        ((*base, "--fee-model", "flat_bps:x"), None, "--fee-model: fee model 'flat_bps:x'"),
        ((*base, "--entry-latency", "-1"), None, "--entry-latency"),
        ((*base, "--response-latency", "99999999"), None, "--response-latency"),
    ])
    assert stored(souq)[0] == []
    plain, free = souq.jsons(base, (*base, "--fee-model", "zero", "--entry-latency", "5",
                                    "--response-latency", "30", "--queue-model",
                                    "probabilistic"))
    assert plain["models"] == {"queue": "pessimistic", "latency": "constant", "entry_ns": 0,
                               "response_ns": 0, "fees": "symbol"}
    assert free["models"] == {"queue": "probabilistic", "latency": "constant",
                              "entry_ns": 5_000_000, "response_ns": 30_000_000, "fees": "zero"}
    searches, _ = stored(souq)
    assert {s["id"]: s["models"] for s in searches} == {plain["search"]: plain["models"],
                                                        free["search"]: free["models"]}
    out = souq.ok(*base, "--fee-model", "flat_bps:2")
    assert "models: queue pessimistic, latency 0 ms entry / 0 ms response, fees flat_bps:2\n" in out
