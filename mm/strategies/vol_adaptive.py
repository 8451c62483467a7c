"""Volatility-adaptive spread, with size scaled by the strategy's own recent performance.

Spread: each quote sits `base_spread_bps + vol_multiplier x sigma` from fair, clamped to
[`min_spread_bps`, `max_spread_bps`], where sigma is the realised volatility of fair
(mm.desk.signals.RealisedVol: relative, per sqrt(second), here in bps), sampled every
`vol_sample` and weighted over `vol_half_life`. Wider when the market moves, so a quote is
less often picked off.

Size: `order_amount x m`. Every `perf_sample` the strategy marks its own equity (cash from
its fills, fees included, plus its position at fair); over the last `perf_window` changes
of that equity it computes a Sharpe ratio s = mean / standard deviation (per sample, not
annualised) and sets m = 1 + `perf_gain` x s, clamped to [`size_min_mult`,
`size_max_mult`]. Until two changes exist, or while the equity has not varied, m = 1.
Doing well earns size; losing sheds it.
"""
import math
from collections import deque

from souq.mm.desk.book import bps
from souq.mm.desk.controls import skew
from souq.mm.desk.holding import Holding
from souq.mm.desk.params import INT, NUMBER, SECONDS, Param
from souq.mm.desk.quotes import Context, Fill, Quote
from souq.mm.desk.signals import RealisedVol
from souq.mm.desk.strategy import Strategy

from .common import order_amount, pair, spread


class VolAdaptive(Strategy):
    template = "vol_adaptive"
    summary = "spread widens with realised volatility; size follows recent Sharpe"
    PARAMS = (
        spread("base_spread_bps", "10", "distance of each quote from fair in a still market"),
        Param("vol_multiplier", NUMBER, "1", "bps of spread added per bps of realised "
              "volatility (per sqrt s)", lo="0", hi="1000"),
        spread("min_spread_bps", "5", "narrowest distance from fair"),
        spread("max_spread_bps", "200", "widest distance from fair"),
        Param("vol_sample", SECONDS, "1", "time between volatility samples", lo="0.001",
              hi="3600"),
        Param("vol_half_life", SECONDS, "60", "half-life of the volatility estimate",
              lo="0.001", hi="86400"),
        order_amount(),
        Param("perf_sample", SECONDS, "10", "time between equity marks", lo="0.001",
              hi="86400"),
        Param("perf_window", INT, "30", "equity changes the Sharpe ratio looks at", lo="2",
              hi="10000"),
        Param("perf_gain", NUMBER, "1", "size multiplier change per unit of Sharpe",
              lo="0", hi="100"),
        Param("size_min_mult", NUMBER, "0.5", "smallest size multiplier", lo="0", hi="1"),
        Param("size_max_mult", NUMBER, "1.5", "largest size multiplier", lo="1", hi="10"),
    )

    def __init__(self, params: dict[str, str]) -> None:
        super().__init__(params)
        p = self.p
        self.vol = RealisedVol(p.vol_sample, p.vol_half_life)
        self.holding = Holding()
        self.marks: deque[int] = deque(maxlen=p.perf_window + 1)
        self.marked: int | None = None

    def on_fill(self, fill: Fill, ctx: Context) -> None:
        if fill.symbol == ctx.book.spec.name:
            self.holding.fill(fill.side, fill.price, fill.qty, fill.fee)

    def decide(self, ctx: Context) -> list[Quote]:
        if ctx.fair is None:
            return []
        p, fair = self.p, ctx.fair
        self.vol.update(ctx.now, float(fair))
        if self.marked is None or ctx.now - self.marked >= p.perf_sample:
            self.marks.append(self.holding.equity(fair))
            self.marked = ctx.now
        off = bps(fair, self.spread_bps())
        qty = int(p.order_amount * self.size_multiplier())
        quotes = pair(ctx.book, fair, off, off, qty)
        return skew(quotes, ctx.book, ctx.ratio, p.skew_mode, off)

    def spread_bps(self) -> float:
        p = self.p
        wide = p.base_spread_bps + p.vol_multiplier * self.vol.value * 10_000
        return max(p.min_spread_bps, min(p.max_spread_bps, wide))

    def size_multiplier(self) -> float:
        p = self.p
        marks = list(self.marks)
        changes = [(b - a) / 1e18 for a, b in zip(marks, marks[1:])]
        if len(changes) < 2:
            return 1.0
        mean = sum(changes) / len(changes)
        sd = math.sqrt(sum((c - mean) ** 2 for c in changes) / len(changes))
        if sd == 0:
            return 1.0
        return max(p.size_min_mult, min(p.size_max_mult, 1 + p.perf_gain * mean / sd))
