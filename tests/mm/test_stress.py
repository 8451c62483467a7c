"""Stress runs reduced to figures, with a fake backtest standing in for
mm.backtest.run.run_backtest (same Spec fields in, a Result-shaped object out)."""
from dataclasses import dataclass, field

import pytest

from souq.mm.desk.alerts import Alert
from souq.mm.scenarios import SCENARIOS
from souq.mm.stress import RunFigures, ScenarioFigures, as_json, run_figures, run_stress

SEC = 1_000_000_000
E18 = 10**18
CFG = {"name": "mm1", "version": 2, "template": "fixed_spread", "symbol": "BTC-IRR",
       "user": "maker1", "params": {}}


@dataclass
class FakeResult:
    series: list
    fills: list = field(default_factory=list)
    events: int = 0
    alerts: list | None = None


def fake_result(name: str, seed: int) -> FakeResult:
    """Per scenario and seed a known equity path: +seed, then a dip, then the close."""
    k = list(SCENARIOS).index(name)
    equity = [0, seed * E18, (seed - k - 2) * E18, (seed + k) * E18]
    inventory = [0, 3 * 10**8, -(k + 1) * 10**9, 10**9]
    alerts = [Alert(None, 1, "warning", "x", "inventory")] * k
    if name == "flash_crash":
        alerts = alerts + [Alert(None, 2, "critical", "kill switch: drawdown", "kill_switch")]
    return FakeResult([(i * SEC, e, q, None) for i, (e, q) in enumerate(zip(equity, inventory))],
                      fills=[None] * (seed + k), events=100 * seed, alerts=alerts)


def test_figures_of_one_run_are_hand_computed():
    r = FakeResult([(0, 0, 0, None), (1, 5 * E18, 10, None), (2, -2 * E18, -30, 7),
                    (3, 4 * E18, 20, 7), (4, 1 * E18, 0, 7)], fills=[1, 2], events=9,
                   alerts=[{"kind": "kill_switch"}, {"kind": "drawdown"}])
    assert run_figures("normal", 4, r) == RunFigures(
        "normal", 4, pnl=E18, max_drawdown=7 * E18, peak_inventory=30, kill_switch=1,
        alerts=2, fills=2, events=9)
    # never above the start: the drawdown counts from 0; no alerts known: None
    flat = FakeResult([(0, -E18, 0, None), (1, -3 * E18, 0, None)])
    assert run_figures("normal", 1, flat) == RunFigures("normal", 1, -3 * E18, 3 * E18, 0,
                                                        None, None, 0, 0)
    assert run_figures("normal", 1, FakeResult([])).pnl == 0


def test_stress_runs_every_scenario_and_seed_and_aggregates():
    calls, progress = [], []

    def fake(**spec):
        calls.append(spec)
        return fake_result(spec["scenario"], spec["seed"])

    runs, rows = run_stress(CFG, seeds=2, duration_ns=30 * SEC, run=fake,
                            overrides={"size": "0.1"},
                            scenario_params={"flash_crash": {"drop": "0.08"}},
                            on_run=lambda done, total, fig: progress.append((done, total)))
    assert [(c["scenario"], c["seed"]) for c in calls] == [
        (n, s) for n in SCENARIOS for s in (1, 2)]
    assert calls[0] == {"config": CFG, "overrides": {"size": "0.1"}, "scenario": "normal",
                        "scenario_params": {}, "seed": 1, "duration_ns": 30 * SEC}
    assert calls[8]["scenario_params"] == {"drop": "0.08"}      # flash_crash, seed 1
    assert progress == [(i, 14) for i in range(1, 15)]
    assert len(runs) == 14
    # flash_crash is scenario 4: equity (0, s, s-6, s+4), inventory peak 5, 4 + 1 alerts
    fc = rows[4]
    assert fc == ScenarioFigures("flash_crash", (1, 2), pnl_mean=(5 + 6) * E18 // 2,
                                 pnl_worst=5 * E18, max_drawdown=6 * E18,
                                 peak_inventory=5 * 10**9, kill_switch=2, alerts=10)
    assert rows[0] == ScenarioFigures("normal", (1, 2), 3 * E18 // 2, E18, 2 * E18, 10**9,
                                      0, 0)
    out = as_json(runs, rows)
    assert out["scenarios"][4] == {"scenario": "flash_crash", "seeds": [1, 2],
                                   "pnl_mean": "5.5", "pnl_worst": "5", "max_drawdown": "6",
                                   "peak_inventory": "5", "kill_switch": 2, "alerts": 10}
    assert out["runs"][0] == {"scenario": "normal", "seed": 1, "pnl": "1",
                              "max_drawdown": "2", "peak_inventory": "1", "kill_switch": 0,
                              "alerts": 0, "fills": 1, "events": 100}


def test_a_subset_of_scenarios_and_missing_alerts():
    def fake(**spec):
        return FakeResult([(0, -E18, 2, None)])
    runs, rows = run_stress(CFG, seeds=3, scenarios=["trending"], run=fake)
    assert rows == [ScenarioFigures("trending", (1, 2, 3), -E18, -E18, E18, 2, None, None)]


@pytest.mark.parametrize("kw,match", [
    ({"seeds": 0}, "seeds must be from 1 to 1000"),
    ({"duration_ns": 0}, "duration must be positive and at most 86,400 s"),
    ({"scenarios": ["meteor"]}, "unknown scenario 'meteor'"),
    ({"scenario_params": {"news_jump": {"drop": "1"}}}, "news_jump has no parameter 'drop'"),
    ({"scenarios": ["normal"], "scenario_params": {"trending": {"drift": "0.1"}}},
     "parameters for scenarios not run: trending"),
])
def test_bad_requests_fail_before_any_run(kw, match):
    def fake(**spec):
        raise AssertionError("no run may start")
    with pytest.raises(ValueError, match=match):
        run_stress(CFG, run=fake, **kw)
