"""Scenario names to scenario objects: mm.scenarios.SCENARIOS when it exists; until then
only "normal", the simulator's default market with no shocks."""
from mm.sim import SimParams


class Normal:
    """The demo market as the simulator makes it by default; `scenario_params` may set
    any SimParams field."""
    name = "normal"

    def build(self, seed: int, params: dict):
        return SimParams(**params), []


def known() -> dict:
    try:
        from mm.scenarios import SCENARIOS
    except ImportError:
        return {"normal": Normal()}
    return SCENARIOS


def resolve(scenario):
    if hasattr(scenario, "build"):
        return scenario
    table = known()
    if scenario not in table:
        raise ValueError(f"unknown scenario {scenario!r}; known: {', '.join(sorted(table))}")
    return table[scenario]
