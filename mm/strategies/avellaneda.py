"""Avellaneda-Stoikov: quote the optimal spread around the reservation price, with sigma and
k learned from the market as it trades.

Finite horizon: T - t counts down over a rolling `horizon` from the run's start, so the
inventory penalty gamma*sigma^2*(T-t) shrinks toward each horizon's end and starts again.
Infinite horizon: the paper's discounted objective with omega = 1/2 gamma^2 sigma^2
(q_max+1)^2, q_max being max_inventory in lots (mm.models.avellaneda.infinite_quotes).
"""
import math

from souq.mm.desk.params import CHOICE, SECONDS, Param
from souq.mm.desk.quotes import Context
from souq.mm.desk.signals import SECOND
from souq.mm.models import avellaneda as model

from .online import ESTIMATION, MODEL, Estimate, OnlineModel


class AvellanedaStoikov(OnlineModel):
    template = "avellaneda_stoikov"
    summary = "Avellaneda-Stoikov: reservation price and optimal spread, sigma and k online"
    PARAMS = MODEL + (
        Param("horizon_mode", CHOICE, "finite", "finite: T-t counts down over a rolling "
              "horizon; infinite: the discounted stationary quotes",
              choices=("finite", "infinite")),
        Param("horizon", SECONDS, "300", "length of each rolling finite horizon T",
              lo="1", hi="604800"),
    ) + ESTIMATION

    def model(self, ctx: Context, q: float, est: Estimate) -> tuple[float, float]:
        gamma = self.p.gamma
        if self.p.horizon_mode == "infinite":
            q_max = max(1.0, ctx.max_inventory / self.p.order_amount)
            q = max(-q_max, min(q_max, q))
            omega = model.omega_for(gamma, est.sigma, q_max)
            bid, ask = model.infinite_quotes(1.0, q, gamma, est.sigma, est.k, omega)
            # at q_max the model's bid is -inf (ask +inf at -q_max) but for rounding: close it
            return (-math.inf if q >= q_max else bid), (math.inf if q <= -q_max else ask)
        return model.quotes(1.0, q, gamma, est.sigma, self.time_left(ctx), est.k)

    def time_left(self, ctx: Context) -> float:
        """T - t in seconds within the current rolling horizon: in (0, horizon]."""
        horizon = self.p.horizon
        elapsed = max(0, ctx.now - ctx.started)
        return (horizon - elapsed % horizon) / SECOND
