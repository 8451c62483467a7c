"""The Monte Carlo experiment of Avellaneda and Stoikov (2008, section 4), reproduced.

s0 = 100, T = 1, sigma = 2, dt = 0.005 (200 steps), q0 = 0, A = 140, k = 1.5. Each step
quotes from (s, q, t) with mm.models.avellaneda.quotes, the function the live
`avellaneda_stoikov` template calls; each side fills one unit with probability
A*exp(-k*delta)*dt (delta from the mid, capped at 1); then the mid moves +-sigma*sqrt(dt).
The symmetric strategy quotes the inventory strategy's time-averaged spread centred on the
mid, on the same mid paths and the same fill draws. Profit = cash + q_T * s_T.

Vectorised across paths with numpy and a seeded Generator: same seed, same numbers.
"""
import math

import numpy as np

from souq.mm.models import avellaneda as model

S0, T, SIGMA, DT, A, K = 100.0, 1.0, 2.0, 0.005, 140.0, 1.5
STEPS = round(T / DT)
MAX_PATHS = 1_000_000


def check(gamma: float, paths: int) -> None:
    """ValueError naming a bad input."""
    if not (isinstance(gamma, (int, float)) and math.isfinite(gamma) and gamma > 0):
        raise ValueError(f"--gamma must be a positive number, got {gamma}")
    if paths <= 0:
        raise ValueError(f"--paths must be at least 1, got {paths}")
    if paths > MAX_PATHS:
        raise ValueError(f"--paths must be at most {MAX_PATHS}, got {paths}")


def run(gamma: float, paths: int = 1000, seed: int = 0) -> dict:
    """Both strategies' average spread, profit mean/std and final inventory mean/std
    (standard deviations over paths, population form)."""
    check(gamma, paths)
    rng = np.random.default_rng(seed)
    times = np.arange(STEPS) * DT
    spreads = model.optimal_spread(gamma, SIGMA, T - times, K)
    spread = float(spreads.mean())        # deterministic: gamma*sigma^2*(T-t) + a constant
    half, step = spread / 2, SIGMA * math.sqrt(DT)
    s = np.full(paths, S0)
    inv, sym = _Book(paths), _Book(paths)
    for i in range(STEPS):
        u_bid, u_ask = rng.random(paths), rng.random(paths)
        bid, ask = model.quotes(s, inv.q, gamma, SIGMA, T - times[i], K)
        inv.trade(s, bid, ask, u_bid, u_ask)
        sym.trade(s, s - half, s + half, u_bid, u_ask)
        s = s + np.where(rng.random(paths) < 0.5, step, -step)
    return {"gamma": gamma, "paths": paths,
            "inventory": inv.summary(spread, s), "symmetric": sym.summary(spread, s)}


class _Book:
    """One strategy's cash and inventory on every path."""

    def __init__(self, paths: int) -> None:
        self.q = np.zeros(paths)
        self.cash = np.zeros(paths)

    def trade(self, s, bid, ask, u_bid, u_ask) -> None:
        """Each side fills one unit with probability A*exp(-k*delta)*dt, capped at 1."""
        buy = u_bid < _fill_probability(s - bid)
        sell = u_ask < _fill_probability(ask - s)
        self.q += buy.astype(float) - sell
        self.cash += np.where(sell, ask, 0.0) - np.where(buy, bid, 0.0)

    def summary(self, spread: float, s) -> dict:
        profit = self.cash + self.q * s
        return {"spread": _r(spread), "profit_mean": _r(profit.mean()),
                "profit_std": _r(profit.std()), "q_mean": _r(self.q.mean()),
                "q_std": _r(self.q.std())}


def _fill_probability(delta):
    return np.minimum(A * np.exp(-K * delta) * DT, 1.0)


def _r(x) -> float:
    return round(float(x), 4)
