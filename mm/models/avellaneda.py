"""Avellaneda and Stoikov, "High-frequency trading in a limit order book" (Quantitative
Finance 8(3), 2008): the reservation price and optimal spread of a market maker with
exponential utility (risk aversion gamma) facing fills at intensity A*exp(-k*delta).

Every function takes Python floats or numpy arrays (broadcasting), so the live strategy and
the vectorised Monte Carlo experiment run the very same code. Units are whatever the caller
uses consistently: s and the quotes in price units, sigma in price units per sqrt(time), tau
in the same time unit, k per price unit, gamma per unit of wealth, q in unit orders.
"""
import numpy as np


def reservation_price(s, q, gamma, sigma, tau):
    """r = s - q*gamma*sigma^2*(T-t), the finite-horizon reservation (indifference)
    price: the price at which the agent is indifferent to holding q; `tau` = T - t."""
    return s - q * gamma * sigma ** 2 * tau


def optimal_spread(gamma, sigma, tau, k):
    """The total spread delta_a + delta_b = gamma*sigma^2*(T-t) + (2/gamma)*ln(1+gamma/k)
    (the paper's approximate solution, linear in q); it does not depend on q or s."""
    return gamma * sigma ** 2 * tau + (2.0 / gamma) * np.log1p(gamma / k)


def quotes(s, q, gamma, sigma, tau, k):
    """(bid, ask): the spread centred on the reservation price, the paper's finite-horizon
    inventory strategy."""
    r = reservation_price(s, q, gamma, sigma, tau)
    half = optimal_spread(gamma, sigma, tau, k) / 2.0
    return r - half, r + half


def omega_for(gamma, sigma, q_max):
    """The paper's choice of the infinite-horizon discount:
    omega = 1/2 * gamma^2 * sigma^2 * (q_max + 1)^2, which keeps the prices bounded for
    every |q| <= q_max."""
    return 0.5 * gamma ** 2 * sigma ** 2 * (q_max + 1) ** 2


def infinite_reservation(s, q, gamma, sigma, omega):
    """(reservation bid, reservation ask) of the infinite-horizon agent, who maximises
    E[integral of -exp(-omega t) exp(-gamma (x + q S_t)) dt], whose value is
    v(x, s, q) = -exp(-gamma (x + q s)) / (omega - gamma^2 q^2 sigma^2 / 2). The prices
    that leave v unchanged after buying or selling one unit are

        r_b = s + (1/gamma) ln(1 + (-1 - 2q) g / (2 omega - q^2 g)),   g = gamma^2 sigma^2
        r_a = s - (1/gamma) ln(1 + (2q - 1) g / (2 omega - q^2 g))

    r_b is the paper's formula; r_a is the exact indifference ask, the mirror of r_b
    (r_a(q) = 2s - r_b(-q)); the often quoted s + (1/gamma) ln(1 + (1 - 2q) g / ...)
    agrees with it to first order. With omega = omega_for(q_max), r_b is -inf at
    q = q_max (never buy more) and r_a +inf at q = -q_max; |q| > q_max is an error.
    """
    g = gamma ** 2 * sigma ** 2
    if np.all(np.asarray(g) == 0):        # no risk to carry: both equal s
        return s + 0 * q, s + 0 * q
    room = 2.0 * omega - g * q ** 2
    if np.any(np.asarray(room) <= 0):
        raise ValueError("infinite horizon: omega too small for this inventory")
    with np.errstate(divide="ignore"):    # log1p(-1) = -inf: the side is closed
        r_bid = s + np.log1p(np.maximum((-1 - 2 * q) * g / room, -1.0)) / gamma
        r_ask = s - np.log1p(np.maximum((2 * q - 1) * g / room, -1.0)) / gamma
    return r_bid, r_ask


def infinite_quotes(s, q, gamma, sigma, k, omega):
    """(bid, ask) for the infinite horizon: the reservation bid and ask, each
    moved out by the same liquidity term (1/gamma) ln(1+gamma/k) as the finite solution
    (there p_b = r_b - that term and p_a = r_a + it; with (T-t) finite, r_a - r_b is
    gamma*sigma^2*(T-t) and this gives back `quotes`). An infinite side means no quote."""
    r_bid, r_ask = infinite_reservation(s, q, gamma, sigma, omega)
    edge = np.log1p(gamma / k) / gamma
    return r_bid - edge, r_ask + edge
