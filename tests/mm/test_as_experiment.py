"""The Avellaneda-Stoikov Monte Carlo experiment: deterministic, the paper's shape and its
qualitative result, through the same quoting code as the live template, and from the CLI."""
import json
import math

import pytest

from souq.mm.desk import as_experiment
from souq.mm.models import avellaneda

KEYS = {"spread", "profit_mean", "profit_std", "q_mean", "q_std"}


@pytest.fixture(scope="module")
def gamma_01() -> dict:
    return as_experiment.run(0.1, 1000, 7)


def test_same_seed_same_numbers_and_the_json_shape(gamma_01):
    again = as_experiment.run(0.1, 1000, 7)
    assert json.dumps(again) == json.dumps(gamma_01)
    assert list(gamma_01) == ["gamma", "paths", "inventory", "symmetric"]
    assert gamma_01["gamma"] == 0.1 and gamma_01["paths"] == 1000
    for name in ("inventory", "symmetric"):
        assert set(gamma_01[name]) == KEYS
        assert all(isinstance(v, float) for v in gamma_01[name].values())
    assert as_experiment.run(0.1, 1000, 8) != gamma_01


def test_the_spread_is_the_time_average_of_the_optimal_spread(gamma_01):
    # mean over t = 0, 0.005, .., 0.995 of 0.1 * 4 * (1 - t) + 20 ln(16/15)
    avg = 0.4 * (1 - 0.005 * 99.5) + 20 * math.log(16 / 15)
    assert gamma_01["inventory"]["spread"] == gamma_01["symmetric"]["spread"] == round(avg, 4)


def test_the_inventory_strategy_carries_less_risk_than_the_symmetric_one():
    for gamma in (0.01, 0.1, 0.5):
        r = as_experiment.run(gamma, 1000, 3)
        inv, sym = r["inventory"], r["symmetric"]
        assert inv["profit_std"] < sym["profit_std"]
        assert inv["q_std"] < sym["q_std"]
        assert inv["profit_mean"] < sym["profit_mean"]       # the price of that safety


def test_close_to_the_papers_table_for_gamma_01(gamma_01):
    # the paper: inventory profit 62.94 (std 5.89), final q std 2.80; symmetric profit 67.21
    # (std 13.43), q std 8.66. Its spread column is (2/gamma) ln(1+gamma/k) alone (1.29);
    # quoting the full optimal spread here (1.49) earns a little more per fill.
    inv, sym = gamma_01["inventory"], gamma_01["symmetric"]
    assert 60 < inv["profit_mean"] < 68 and 5 < inv["profit_std"] < 8
    assert 2.4 < inv["q_std"] < 3.3 and abs(inv["q_mean"]) < 0.5
    assert 64 < sym["profit_mean"] < 71 and 12 < sym["profit_std"] < 15
    assert 7.5 < sym["q_std"] < 9.5


def test_it_quotes_through_the_live_models_function(monkeypatch):
    calls = []
    real = avellaneda.quotes

    def spy(*args):
        calls.append(args)
        return real(*args)
    monkeypatch.setattr(avellaneda, "quotes", spy)
    as_experiment.run(0.1, 10, 1)
    assert len(calls) == as_experiment.STEPS == 200


def test_paths_are_quoted_together_one_call_a_step(monkeypatch):
    """Vectorised over the paths (its speed is measured by no test, see `souq bench`):
    1000 paths cost the same 200 quoting calls as 10, each over every path at once."""
    sizes = []
    real = avellaneda.quotes

    def spy(*args):
        sizes.append(max(getattr(a, "size", 1) for a in args))
        return real(*args)
    monkeypatch.setattr(avellaneda, "quotes", spy)
    as_experiment.run(0.5, 1000, 1)
    assert sizes == [1000] * as_experiment.STEPS


@pytest.mark.parametrize("gamma, paths, match", [
    (0, 10, "--gamma must be a positive number"), (-1, 10, "--gamma"),
    (math.nan, 10, "--gamma"), (math.inf, 10, "--gamma"),
    (0.1, 0, "--paths must be at least 1"), (0.1, -5, "--paths"),
    (0.1, 10**7, "--paths must be at most")])
def test_bad_input_is_refused(gamma, paths, match):
    with pytest.raises(ValueError, match=match):
        as_experiment.run(gamma, paths, 1)


def test_the_cli_prints_the_json_and_a_table_and_refuses_bad_input(souq):
    args = ("mm", "as-experiment", "--gamma", "0.1", "--paths", "1000", "--seed", "7")
    got = souq.json(*args)
    assert got == json.loads(json.dumps(as_experiment.run(0.1, 1000, 7)))
    assert souq.json(*args) == got
    text = souq.ok(*args).splitlines()
    assert text[0].startswith("Avellaneda-Stoikov experiment: gamma 0.1, 1000 paths, seed 7")
    assert text[2].split()[0] == "inventory" and text[3].split()[0] == "symmetric"
    assert float(text[2].split()[2]) == pytest.approx(got["inventory"]["profit_mean"], abs=0.01)
    souq.fail_all([
        (("mm", "as-experiment", "--gamma", "0"), None, "--gamma must be a positive number"),
        (("mm", "as-experiment", "--gamma", "-0.1", "--json"), None, "--gamma"),
        (("mm", "as-experiment", "--paths", "0"), None, "--paths must be at least 1"),
    ])
    assert not souq.db.exists()          # the experiment never opens a database
