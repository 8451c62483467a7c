"""Online estimators strategies share: exponential averages and realised volatility.

Floats are fine here: they are statistics of prices, never money held.
"""
import math
from souq.engine.timeunits import SECOND



class Ema:
    """An exponential moving average over irregular times, by half-life in ns."""

    def __init__(self, half_life_ns: int) -> None:
        self.half_life = max(1, half_life_ns)
        self.value: float | None = None
        self.t: int | None = None

    def update(self, t: int, x: float) -> float:
        if self.value is None or self.t is None:
            self.value, self.t = float(x), t
            return self.value
        dt = max(0, t - self.t)
        w = 0.5 ** (dt / self.half_life)
        self.value = w * self.value + (1 - w) * x
        self.t = t
        return self.value


class RealisedVol:
    """Volatility of log mid returns, relative, per sqrt(second), from samples taken at
    least `every_ns` apart, exponentially weighted by `half_life_ns` of sample time."""

    def __init__(self, every_ns: int = SECOND, half_life_ns: int = 60 * SECOND) -> None:
        self.every = max(1, every_ns)
        self.half_life = max(1, half_life_ns)
        self.var: float | None = None       # per second
        self.last_t: int | None = None
        self.last_x: float | None = None
        self.samples = 0

    def update(self, t: int, price: float) -> float:
        if price <= 0:
            return self.value
        if self.last_t is None:
            self.last_t, self.last_x = t, price
            return self.value
        dt = t - self.last_t
        if dt < self.every:
            return self.value
        r = math.log(price / self.last_x)
        per_second = r * r / (dt / SECOND)
        w = 0.5 ** (dt / self.half_life)
        self.var = per_second if self.var is None else w * self.var + (1 - w) * per_second
        self.last_t, self.last_x = t, price
        self.samples += 1
        return self.value

    @property
    def value(self) -> float:
        return math.sqrt(self.var) if self.var else 0.0
