"""What the model-based templates (Avellaneda-Stoikov, GLFT) share: volatility and fill
intensity estimated online from the market they quote, with fallbacks until there is
enough data, and quotes computed in fractions of the fair price.

The models work on relative prices (s = 1, sigma relative per sqrt second, k per unit of
relative distance from the mid), so one gamma means the same on a 95,000,000,000 IRR
bitcoin and a 3,500 USDT ether; inventory q counts `order_amount` lots, the paper's unit
orders.
"""
from dataclasses import dataclass

from souq.mm.desk.book import to_float
from souq.mm.desk.params import INT, NUMBER, QTY, RATIO, SECONDS, Param
from souq.mm.desk.quotes import Context, Quote
from souq.mm.desk.signals import RealisedVol
from souq.mm.desk.strategy import Strategy
from souq.mm.models.intensity import TradeIntensity

from .quoting import lot, two_sided

MODEL = (
    Param("gamma", NUMBER, "10", "risk aversion, per unit of one lot's value: higher "
          "skews harder against inventory", lo="0.0001", hi="1000000"),
    Param("order_amount", QTY, "0.1", "size of each quote: one lot", lo="0.000000001"),
)

ESTIMATION = (
    Param("sigma_fallback", RATIO, "0.0002", "volatility (relative, per sqrt s) used until "
          "enough mid samples are in", lo="0", hi="1"),
    Param("vol_sample", SECONDS, "1", "time between volatility samples of the mid",
          lo="0.001", hi="3600"),
    Param("vol_half_life", SECONDS, "60", "half-life of the realised volatility",
          lo="1", hi="86400"),
    Param("vol_min_samples", INT, "10", "mid samples before sigma is estimated", lo="1",
          hi="100000"),
    Param("k_fallback", NUMBER, "2000", "order-book liquidity k per unit of relative "
          "distance from the mid (1/k: how far past the touch trades typically reach) used "
          "until enough trades", lo="0.001", hi="100000000"),
    Param("min_trades", INT, "20", "trades in the window before k (and A) are estimated",
          lo="2", hi="1000000"),
    Param("trade_window", SECONDS, "300", "trades this recent feed the k and A estimate",
          lo="1", hi="86400"),
)


@dataclass(frozen=True)
class Estimate:
    """The inputs a model quoted with, and whether each came from data or its fallback."""
    sigma: float
    a: float | None
    k: float
    sigma_learned: bool
    flow_learned: bool


class OnlineModel(Strategy):
    """A template whose quotes come from a closed-form model of (q, sigma, k, A)."""

    def __init__(self, params: dict[str, str]) -> None:
        super().__init__(params)
        p = self.p
        self.vol = RealisedVol(p.vol_sample, p.vol_half_life)
        self.flow = TradeIntensity(p.trade_window, p.min_trades)
        self.prev_mid: int | None = None
        self.estimate: Estimate | None = None

    def model(self, ctx: Context, q: float, est: Estimate) -> tuple[float, float]:
        """(bid, ask) as multiples of the fair price, for inventory q in lots."""
        raise NotImplementedError

    def decide(self, ctx: Context) -> list[Quote]:
        book = ctx.book
        self._learn(ctx)
        fair = ctx.fair if ctx.fair is not None else ctx.market.mid
        if fair is None or not book.tradable:
            return []
        amount = self.p.order_amount
        est = self.estimate = self._estimate(ctx.now)
        bid, ask = self.model(ctx, (ctx.inventory - ctx.target) / amount, est)
        return two_sided(book, fair * float(bid), fair * float(ask), lot(book, amount))

    def _learn(self, ctx: Context) -> None:
        """Feed the mid (of the others' orders) to the volatility and the tape's distances
        to the intensity."""
        mid = ctx.market.mid
        ref = self.prev_mid if self.prev_mid is not None else mid
        self.flow.watch(ctx.now)
        if ref:
            for t in ctx.trades:
                if t.symbol == ctx.book.spec.name:
                    self.flow.add(t.ts, (t.price - ref) / ref)
        if mid is not None:
            self.vol.update(ctx.now, to_float(mid))
            self.prev_mid = mid

    def _estimate(self, now: int) -> Estimate:
        p = self.p
        learned = self.vol.samples >= p.vol_min_samples
        sigma = self.vol.value if learned else p.sigma_fallback
        fit = self.flow.fit(now)
        if fit is None:
            return Estimate(sigma, getattr(p, "a_fallback", None), p.k_fallback, learned, False)
        a, k = fit
        return Estimate(sigma, a, k, learned, True)
