"""The one fee formula, and what a buy must hold to pay it.

A fee is the notional times the rate, rounded UP to the quote asset's smallest unit (its
precision, an operator setting; 1e-18 until one is set). Rounding up per fill means
splitting an order can only cost more, by at most one smallest unit per fill, and a fill
with a positive rate never pays 0. (Rounding down let ten fills of 1 pay nothing where one
fill of 10 paid 0.04.)

Units: notional in 1e-18 of the quote (price 1e-9 x qty 1e-9), rate in 1e-9 (0.001 is
1_000_000), unit in 1e-18 of the quote. Every result is in 1e-18 of the quote.
"""
from .numbers import AMOUNT_DP, PRICE_SCALE

MAX_PRECISION = AMOUNT_DP      # decimal places: the ledger's own resolution
_UP = PRICE_SCALE - 1          # (x + _UP) // PRICE_SCALE: x / PRICE_SCALE rounded up
# A notional below _WIDE_NOTIONAL times a rate below _WIDE_RATE, plus _UP, is below 2**127:
# compiled (fees.pxd), `_fee_wide` works such a fee out in C 128-bit integers instead of
# three Python big-number operations (a notional at 1e-18 is past 64 bits: 1e8 IRR x 0.01
# BTC is 1e24). Same result: the formula and its floor division are the same.
_WIDE_NOTIONAL = 2**96
_WIDE_RATE = 2**30


def precision_unit(places: int) -> int:
    """The smallest unit (1e-18) of an asset with `places` decimal places (0..18)."""
    return 10 ** (AMOUNT_DP - places)


def fee(notional: int, rate: int, unit: int) -> int:
    """notional x rate rounded up to a multiple of `unit`; 0 only when either is 0."""
    if not rate or not notional:     # a symbol without fees: no big-number arithmetic
        return 0
    if unit == 1:                    # no precision set: the ledger's own 1e-18
        if 0 < notional < _WIDE_NOTIONAL and 0 < rate < _WIDE_RATE:
            return _fee_wide(notional, rate)
        return (notional * rate + _UP) // PRICE_SCALE
    scale = PRICE_SCALE * unit       # ceil(a / b) == (a + b - 1) // b for any a, b > 0
    return (notional * rate + scale - 1) // scale * unit


def _fee_wide(notional: int, rate: int) -> int:
    """fee(notional, rate, 1) for 0 < notional < _WIDE_NOTIONAL and 0 < rate < _WIDE_RATE:
    (notional x rate) / PRICE_SCALE rounded up (1e-18). Compiled, its arguments and locals
    are C 128-bit integers (fees.pxd), which these bounds keep from overflowing."""
    up = _UP
    scale = PRICE_SCALE
    return (notional * rate + up) // scale


def buy_hold(price: int, qty: int, step: int, rate: int, unit: int) -> int:
    """What a buy of `qty` at up to `price` holds: the notional plus, for each qty step,
    the fee on one step rounded up. Since rounding up is subadditive (ceil(a + b) <=
    ceil(a) + ceil(b)), any fill of k steps at `price` or better, at any rate up to `rate`,
    pays a fee of at most k of those per-step fees: the hold always covers what the
    fills charge, however the order is split."""
    return price * qty + (qty // step) * fee(price * step, rate, unit)


def affordable_qty(hold: int, price: int, most: int, rate: int, step: int, unit: int) -> int:
    """The largest multiple of `step`, at most `most`, whose notional at `price` plus its
    fee at `rate` (rounded up to `unit`) fits in `hold` (1e-18): what a market buy can
    still take at one price."""
    f = hold * PRICE_SCALE // (price * (PRICE_SCALE + rate))
    if f > most:
        f = most
    f -= f % step
    while f > 0:
        n = price * f
        if n + fee(n, rate, unit) <= hold:
            break
        f -= step
    return f
