"""Gueant-Lehalle-Fernandez-Tapia: the closed-form asymptotic quotes, a constant
half-spread around the mid moved by a skew proportional to inventory, with sigma, k and A
learned from the market (mm.models.glft)."""
from souq.mm.desk.params import NUMBER, Param
from souq.mm.desk.quotes import Context
from souq.mm.models import glft as model

from .online import ESTIMATION, MODEL, Estimate, OnlineModel


class Glft(OnlineModel):
    template = "glft"
    summary = "Gueant-Lehalle-Fernandez-Tapia closed-form quotes, sigma, k and A online"
    PARAMS = MODEL + (
        Param("a_fallback", NUMBER, "1", "trade arrivals per second per side at the mid "
              "(A), used until enough trades", lo="0.000001", hi="1000000"),
    ) + ESTIMATION

    def model(self, ctx: Context, q: float, est: Estimate) -> tuple[float, float]:
        return model.quotes(1.0, q, self.p.gamma, est.sigma, est.a, est.k)
