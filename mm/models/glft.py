"""Gueant, Lehalle and Fernandez-Tapia, "Dealing with the inventory risk: a solution to the
market making problem" (Mathematics and Financial Economics 7, 2013): the closed-form
asymptotic quotes, for fills at intensity A*exp(-k*delta) and unit orders.

    delta_b(q) ~ (1/gamma) ln(1 + gamma/k) + (2q + 1)/2 * C
    delta_a(q) ~ (1/gamma) ln(1 + gamma/k) - (2q - 1)/2 * C
    C = sqrt( sigma^2 gamma / (2 k A) * (1 + gamma/k)^(1 + k/gamma) )

so the quotes sit `half_spread` either side of s - q*C: a half-spread
(1/gamma) ln(1+gamma/k) + C/2 and a skew of C per unit of inventory. Floats or numpy arrays.
"""
import numpy as np


def inventory_coefficient(gamma, sigma, A, k):
    """C above: how far the quotes move per unit of inventory."""
    x = gamma / k
    # (1 + x)^(1 + 1/x) through logs: stays finite when gamma << k
    growth = np.exp((1.0 + 1.0 / x) * np.log1p(x))
    return np.sqrt(sigma ** 2 * gamma / (2.0 * k * A) * growth)


def half_spread(gamma, sigma, A, k):
    """Distance of each quote from the skewed centre: (1/gamma) ln(1+gamma/k) + C/2."""
    return np.log1p(gamma / k) / gamma + inventory_coefficient(gamma, sigma, A, k) / 2.0


def skew(q, gamma, sigma, A, k):
    """How far both quotes move down for inventory q (up when short): q*C."""
    return q * inventory_coefficient(gamma, sigma, A, k)


def quotes(s, q, gamma, sigma, A, k):
    """(bid, ask) = s - skew -+ half_spread, i.e. s - delta_b(q) and s + delta_a(q)."""
    centre = s - skew(q, gamma, sigma, A, k)
    half = half_spread(gamma, sigma, A, k)
    return centre - half, centre + half
