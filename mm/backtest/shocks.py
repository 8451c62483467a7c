"""Timed changes a scenario makes to the simulated market while a backtest runs.

A shock is anything with `at` (ns after the start), `kind` and `value`, as attributes or
dict keys, and optionally `symbol` (default: every simulated symbol):
- "fair": the hidden fair value jumps by `value`, relative (-0.05: five percent down);
- "volatility": the fair value's volatility becomes `value` (per simulated minute);
- "rate": the flow's arrival rate becomes `value` (commands per simulated second).
"""
from engine.numbers import PRICE_SCALE
from mm.sim.params import ppb

KINDS = ("fair", "volatility", "rate")


def field(shock, name: str, default=None):
    if isinstance(shock, dict):
        return shock.get(name, default)
    return getattr(shock, name, default)


def ordered(shocks) -> list:
    """The shocks checked and in time order (stable for equal times)."""
    out = list(shocks or ())
    for s in out:
        if field(s, "kind") not in KINDS:
            raise ValueError(f"unknown shock kind {field(s, 'kind')!r}; known: "
                             f"{', '.join(KINDS)}")
        if not isinstance(field(s, "at"), int) or field(s, "at") < 0:
            raise ValueError("a shock's time `at` must be non-negative integer nanoseconds")
    return sorted(out, key=lambda s: field(s, "at"))


def apply(driver, shock) -> None:
    """Apply one shock to a started mm.sim driver."""
    kind, value = field(shock, "kind"), field(shock, "value")
    sim = driver.sim
    if kind == "volatility":
        sim.set_volatility(float(value))
    elif kind == "rate":
        sim.set_rate(float(value))
    else:
        move = ppb(abs(value)) * (-1 if value < 0 else 1)
        target = field(shock, "symbol")
        for name in sorted(sim.fair.values):
            if target is None or name == target:
                v = sim.fair.values[name]
                sim.fair.values[name] = max(1, v + v * move // PRICE_SCALE)
