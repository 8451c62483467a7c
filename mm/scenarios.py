"""Named market scenarios for stress tests, built on the demo market simulator (mm/sim).

A scenario turns a seed and a few parameters into the simulator's SimParams and a list of
timed shocks (a fair-value jump, a new volatility, a new flow rate). ShockedDriver plays
those shocks into any simulator driver as simulated time passes; nothing reads a clock and
shocks draw no random numbers, so a scenario run is as reproducible as a plain one.

    params, shocks = SCENARIOS["flash_crash"].build(seed=1, params={"drop": "0.06"})
    driver = ShockedDriver(ExchangeDriver(ex, params, seed=1), shocks)
    run_fast(driver, 60)
"""
from dataclasses import dataclass, replace
from random import Random
from typing import Callable

from souq.engine.edge import parse_decimal
from souq.engine.timeunits import SECOND
from souq.mm.display import number

from .sim import SimParams
from .sim.params import ns, ppb

BASE = SimParams()


@dataclass(frozen=True)
class Shock:
    """At `at_ns` of simulated time: the fair value moves by `fair` (relative, -0.05 is a
    5 % drop), and volatility / rate (absolute, as in SimParams) change when given."""
    at_ns: int
    fair: float = 0.0
    volatility: float | None = None
    rate: float | None = None

    def apply(self, driver) -> None:
        driver.shock(fair_ppb=ppb(self.fair) if self.fair else 0, volatility=self.volatility,
                     rate=self.rate)


@dataclass(frozen=True)
class Knob:
    name: str
    default: float
    help: str
    lo: float = 0.0            # allowed range, inclusive
    hi: float = float("inf")


@dataclass(frozen=True)
class Scenario:
    name: str
    help: str
    knobs: tuple[Knob, ...]
    make: Callable[[Random, dict[str, float]], tuple[SimParams, list[Shock]]]

    @property
    def params(self) -> dict[str, float]:
        """Every parameter with its default."""
        return {k.name: k.default for k in self.knobs}

    def values(self, given: dict | None) -> dict[str, float]:
        """Defaults overlaid with `given` (numbers or decimal strings), each checked."""
        out = self.params
        known = {k.name: k for k in self.knobs}
        for key, raw in (given or {}).items():
            knob = known.get(key)
            if knob is None:
                names = ", ".join(known) or "none"
                raise ValueError(f"scenario {self.name} has no parameter {key!r} "
                                 f"(it has: {names})")
            value = float(parse_decimal(str(raw).strip(), f"{self.name} {key}"))
            if not knob.lo <= value <= knob.hi:
                raise ValueError(f"{self.name} {key}: {raw} is outside {number(knob.lo)}.."
                                 f"{number(knob.hi)}")
            out[key] = value
        return out

    def build(self, seed: int, params: dict | None = None, *,
              symbols: tuple[str, ...] = ()) -> tuple[SimParams, list[Shock]]:
        """The market and its shocks (sorted by time) for one seed."""
        sim, shocks = self.make(Random(f"souq-scenario:{self.name}:{seed}"), self.values(params))
        if symbols:
            sim = replace(sim, symbols=tuple(symbols))
        return sim, sorted(shocks, key=lambda s: s.at_ns)


class ShockedDriver:
    """A simulator driver (ExchangeDriver, TapeDriver, ApiDriver...) with a scenario's
    shocks applied at the first step at or after their time, before that step's flow."""

    def __init__(self, driver, shocks) -> None:
        self.driver = driver
        self.shocks = sorted(shocks, key=lambda s: s.at_ns)
        self.applied = 0
        self._t0 = 0

    def __getattr__(self, name):
        return getattr(self.driver, name)

    def start(self, now: int = 0):
        self._t0 = now
        return self.driver.start(now)

    def step(self, now: int):
        due = now - self._t0
        while self.applied < len(self.shocks) and self.shocks[self.applied].at_ns <= due:
            self.shocks[self.applied].apply(self.driver)
            self.applied += 1
        return self.driver.step(now)

    def stop(self, now: int | None = None, **kw):
        return self.driver.stop(now, **kw)


# ------------------------------------------------------------------ the scenarios
def _sign(rng: Random, direction: float) -> int:
    """+1 / -1 as asked, or the seed's choice for 0."""
    if direction:
        return 1 if direction > 0 else -1
    return 1 if rng.random() < 0.5 else -1


def _base(p: dict) -> SimParams:
    return replace(BASE, rate=p["rate"], volatility=p["volatility"])


RATE = Knob("rate", BASE.rate, "orders per simulated second, all traders", 1.0, 100_000.0)
VOL = Knob("volatility", BASE.volatility, "fair value's relative stdev per minute", 0.0, 0.5)
AT = Knob("at", 20.0, "seconds into the run when it happens", 0.0, 1e6)
DIRECTION = Knob("direction", 0.0, "1 up, -1 down, 0 chosen by the seed", -1.0, 1.0)


def _normal(rng, p):
    return _base(p), []


def _high_volatility(rng, p):
    return _base(p), []


def _low_liquidity(rng, p):
    return replace(_base(p), noise_traders=int(p["noise_traders"]), spread=p["spread"]), []


def _news_jump(rng, p):
    return _base(p), [Shock(ns(p["at"]), fair=_sign(rng, p["direction"]) * p["size"])]


def _flash_crash(rng, p):
    at, drop = ns(p["at"]), p["drop"]
    shocks = [Shock(at, fair=-drop, volatility=p["volatility"] * p["vol_factor"])]
    steps = max(1, int(p["recover"]))
    back = (1.0 / (1.0 - drop)) ** (1.0 / steps) - 1.0      # per step, to the old level
    start = at + ns(p["hold"])
    shocks += [Shock(start + ns(i), fair=back) for i in range(1, steps + 1)]
    shocks.append(Shock(start + ns(steps), volatility=p["volatility"]))
    return _base(p), shocks


def _liquidity_drought(rng, p):
    at = ns(p["at"])
    return _base(p), [Shock(at, rate=p["rate"] * p["factor"]),
                      Shock(at + ns(p["length"]), rate=p["rate"])]


def _trending(rng, p):
    per_second = _sign(rng, p["direction"]) * p["drift"] / 60.0
    return _base(p), [Shock(ns(i), fair=per_second) for i in range(1, int(p["length"]) + 1)]


SCENARIOS: dict[str, Scenario] = {s.name: s for s in (
    Scenario("normal", "the demo market as it is", (RATE, VOL), _normal),
    Scenario("high_volatility", "the fair value wanders six times as fast",
             (RATE, replace(VOL, default=0.03)), _high_volatility),
    Scenario("low_liquidity", "a tenth of the flow from fewer noise traders quoting wider",
             (replace(RATE, default=20.0), VOL,
              Knob("noise_traders", 3, "noise traders", 1, 1000),
              Knob("spread", 0.002, "noise quotes' typical distance from the mid", 1e-6, 0.5)),
             _low_liquidity),
    Scenario("news_jump", "the fair value gaps at one moment and stays there",
             (RATE, VOL, AT, Knob("size", 0.04, "the gap, relative", 0.0, 0.5), DIRECTION),
             _news_jump),
    Scenario("flash_crash", "the fair value drops, volatility spikes, then both recover",
             (RATE, VOL, AT, Knob("drop", 0.05, "the fall, relative", 0.0, 0.9),
              Knob("hold", 5.0, "seconds at the bottom", 0.0, 1e6),
              Knob("recover", 10.0, "seconds to climb back, in one-second steps", 1.0, 1e6),
              Knob("vol_factor", 3.0, "volatility multiple during the crash", 0.0, 100.0)),
             _flash_crash),
    Scenario("liquidity_drought", "the order flow all but stops for a while, then returns",
             (RATE, VOL, AT, Knob("length", 20.0, "seconds without flow", 0.0, 1e6),
              Knob("factor", 0.05, "the flow left, as a share of the rate", 0.0, 1.0)),
             _liquidity_drought),
    Scenario("trending", "the fair value drifts one way, a step every second",
             (RATE, VOL, Knob("drift", 0.02, "relative drift per minute", 0.0, 0.5),
              Knob("length", 600.0, "seconds the trend lasts", 0.0, 86_400.0), DIRECTION),
             _trending),
)}


def scenario(name: str) -> Scenario:
    found = SCENARIOS.get(name)
    if found is None:
        raise ValueError(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}")
    return found
