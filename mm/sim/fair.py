"""The hidden value of each symbol: a seeded random walk that only informed traders see.
It is what gives the market a direction for informed and momentum traders to find."""
import math
from random import Random

from souq.engine.numbers import PRICE_SCALE

from souq.mm.view import SymbolView

MINUTE_NS = 60 * 1_000_000_000


class FairValue:
    def __init__(self, rng: Random) -> None:
        self.rng = rng
        self.values: dict[str, int] = {}   # symbol -> price units (1e-9), not on the tick grid

    def get(self, name: str) -> int:
        return self.values[name]

    def track(self, views: dict[str, SymbolView]) -> None:
        """Start walking from the market's own anchor for symbols seen for the first time."""
        for name, sv in views.items():
            if name not in self.values and sv.anchor is not None:
                self.values[name] = sv.anchor

    def jump(self, name: str, rel_ppb: int, sv: SymbolView | None = None) -> None:
        """A sudden move of `rel_ppb` parts per 1e9 (news, a crash), exact in integers and
        clamped (not mirrored) into the inner band of `sv`, so a big drop stays a drop."""
        if name not in self.values:
            return
        v = self.values[name]
        v += v * rel_ppb // PRICE_SCALE
        if sv is not None:
            lo, hi = sv.spec.price_range()
            if hi is not None:
                margin = (hi - lo) // 10
                v = min(max(v, lo + margin), hi - margin)
        self.values[name] = max(v, sv.spec.tick if sv is not None else 1)

    def advance(self, dt_ns: int, volatility: float, views: dict[str, SymbolView]) -> None:
        """One Gaussian step per symbol with stdev volatility * sqrt(dt / 1 minute),
        reflected back inside the middle of the daily band."""
        scale = volatility * math.sqrt(dt_ns / MINUTE_NS) * PRICE_SCALE
        for name in sorted(self.values):
            v = self.values[name]
            move = int(self.rng.gauss(0.0, 1.0) * scale)     # parts per 1e9, an integer
            v += v * move // PRICE_SCALE
            sv = views.get(name)
            if sv is not None:
                v = _inside(v, sv)
            self.values[name] = max(v, sv.spec.tick if sv is not None else 1)


def _inside(v: int, sv: SymbolView) -> int:
    """Keep the value off the band's edges (its inner 80 %), mirroring any overshoot."""
    band_lo, band_hi = sv.spec.price_range()
    if band_hi is None:
        return v
    margin = (band_hi - band_lo) // 10
    lo, hi = band_lo + margin, band_hi - margin
    if hi <= lo:
        return (band_lo + band_hi) // 2
    if v > hi:
        v = max(lo, 2 * hi - v)
    elif v < lo:
        v = min(hi, 2 * lo - v)
    return v
