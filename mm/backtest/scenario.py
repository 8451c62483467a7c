"""Scenario names to the scenario objects of mm/scenarios.py; a backtest also takes any
object with `build(seed, params, *, symbols)` -> (SimParams, [Shock])."""
from souq.mm.scenarios import SCENARIOS


def resolve(scenario):
    if hasattr(scenario, "build"):
        return scenario
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; known: {', '.join(sorted(SCENARIOS))}")
    return SCENARIOS[scenario]
