"""Fees round UP to the quote asset's precision, so splitting an order cannot avoid them.

The reproducer (issue 12 item 11): PX-USD, tick 0.01, step 1, default fees (maker 0.1 %,
taker 0.2 %). One buy of 10 @ 2.00 against a resting sell pays 0.04 taker fee and the
maker 0.02; ten buys of 1 @ 2.00 used to pay 0 each (fees were floored to one tick x one
step). Now each fill pays at least one smallest unit, and the split costs at most one
unit per fill more than the whole.
"""
import pytest
from engine_harness import Harness

from souq.engine.commands import SetAssetPrecision
from souq.engine.fees import buy_hold, fee

PX = "PX-USD"


def _px(precision=None):
    h = Harness()
    if precision is not None:
        assert h.apply(SetAssetPrecision("USD", precision)) is None
    h.symbol(PX, base="PX", quote="USD", tick="0.01", step="1")
    for name in ("maker", "taker"):
        h.user(name)
        h.deposit(name, "PX", "100")
        h.deposit(name, "USD", "1000")
    return h


def _fees(h):
    trades = h.trades()
    return ([t["taker_fee"] for t in trades], [t["maker_fee"] for t in trades])


@pytest.mark.parametrize("precision", [None, 2])
def test_one_buy_of_ten_pays_the_exact_fees(precision):
    h = _px(precision)
    h.limit("s1", "maker", "sell", "2.00", "10", symbol=PX)
    assert h.limit("b1", "taker", "buy", "2.00", "10", symbol=PX) is None
    assert _fees(h) == (["0.04"], ["0.02"])
    assert h.wallet("taker", "USD") == ("979.96", "0")
    assert h.wallet("maker", "USD") == ("1019.98", "0")
    assert h.wallet("@fees", "USD") == ("0.06", "0")


def test_ten_buys_of_one_at_two_decimal_places_pay_a_cent_each():
    """USD at 2 decimal places: 0.004 -> 0.01 taker, 0.002 -> 0.01 maker, per fill."""
    h = _px(2)
    h.limit("s1", "maker", "sell", "2.00", "10", symbol=PX)
    for i in range(10):
        assert h.limit(f"b{i}", "taker", "buy", "2.00", "1", symbol=PX) is None
    assert _fees(h) == (["0.01"] * 10, ["0.01"] * 10)
    assert h.wallet("taker", "USD") == ("979.9", "0")
    assert h.wallet("maker", "USD") == ("1019.9", "0")
    assert h.wallet("@fees", "USD") == ("0.2", "0")
    # at most one smallest unit per fill more than the single order: 0.10 vs 0.04
    # (taker) and 0.10 vs 0.02 (maker), over 10 fills


def test_ten_buys_of_one_without_a_precision_pay_the_exact_share():
    h = _px()
    h.limit("s1", "maker", "sell", "2.00", "10", symbol=PX)
    for i in range(10):
        h.limit(f"b{i}", "taker", "buy", "2.00", "1", symbol=PX)
    assert _fees(h) == (["0.004"] * 10, ["0.002"] * 10)
    assert h.wallet("@fees", "USD") == ("0.06", "0")


def test_a_resting_buy_filled_in_pieces_holds_enough_for_every_piece():
    """A resting buy of 10 @ 2.00 holds 20 + 10 x 0.01 (one rounded-up fee per step), so
    ten maker fills of 1 can each pay their 0.01; the hold is released to 0 at the end."""
    h = _px(2)
    h.limit("b1", "maker", "buy", "2.00", "10", symbol=PX)
    assert h.wallet("maker", "USD") == ("979.9", "20.1")     # (available, hold)
    for i in range(10):
        assert h.limit(f"s{i}", "taker", "sell", "2.00", "1", symbol=PX) is None
    assert _fees(h) == (["0.01"] * 10, ["0.01"] * 10)
    assert h.wallet("maker", "USD") == ("979.9", "0")
    assert h.status("maker", "b1") == "filled"


def test_a_precision_set_later_reholds_resting_buys():
    h = _px()
    h.limit("b1", "maker", "buy", "2.00", "10", symbol=PX)
    assert h.wallet("maker", "USD") == ("979.96", "20.04")   # (available, hold)
    assert h.apply(SetAssetPrecision("USD", 2)) is None
    assert h.wallet("maker", "USD") == ("979.9", "20.1")


def test_only_the_operator_sets_a_precision_and_only_0_to_18():
    h = _px()
    assert h.apply(SetAssetPrecision("USD", 2), "maker") == \
        "only an admin may set asset precisions; maker is a trader"
    assert h.apply(SetAssetPrecision("USD", 19)) == "precision of USD must be 0 to 18 decimal places"


@pytest.mark.parametrize("notional,rate,unit,want", [
    (0, 2_000_000, 10**16, 0),                     # nothing traded: nothing paid
    (2 * 10**18, 0, 10**16, 0),                    # a zero rate: nothing paid
    (2 * 10**18, 2_000_000, 10**16, 10**16),       # 0.004 -> 0.01
    (20 * 10**18, 2_000_000, 10**16, 4 * 10**16),  # 0.04 exactly
    (1, 1, 1, 1),                                  # the tiniest positive fee is one unit
])
def test_the_fee_formula(notional, rate, unit, want):
    assert fee(notional, rate, unit) == want


def test_buy_hold_covers_any_split():
    """The hold per step covers every partition of the quantity into fills."""
    price, step, rate, unit = 2 * 10**9, 10**9, 2_000_000, 10**16
    hold = buy_hold(price, 10 * step, step, rate, unit)
    assert hold == 20 * 10**18 + 10 * 10**16
    for k in range(1, 11):   # fills of k steps, then the rest
        fills = [k] * (10 // k) + ([10 % k] if 10 % k else [])
        assert sum(price * q * step + fee(price * q * step, rate, unit) for q in fills) <= hold


def test_the_fee_is_the_notional_times_the_rate_rounded_up_to_the_unit():
    """The formula against exact fractions, across zero rates and notionals, whole and
    fractional products and every unit size (the compiled path computes it in one
    division)."""
    import random
    from fractions import Fraction
    from math import ceil
    rng = random.Random(16)
    for _ in range(20_000):
        notional = rng.choice((0, 1, rng.randrange(10**6), rng.randrange(10**30)))
        rate = rng.choice((0, 1, 1_000_000, 2_000_000, rng.randrange(10**9 + 1)))
        unit = 10 ** rng.randrange(19)
        want = ceil(Fraction(notional * rate, 10**9 * unit)) * unit
        assert fee(notional, rate, unit) == want, (notional, rate, unit)


def test_the_fee_at_the_edges_of_its_128_bit_path():
    """Compiled, a fee whose notional is below 2**96 and rate below 2**30 (no precision set)
    is worked out in C 128-bit integers (fees._fee_wide): the same exact result on both
    sides of those bounds, at the largest products the path takes and beyond."""
    import random
    from fractions import Fraction
    from math import ceil
    notionals = [1, 2**63 - 1, 2**63, 2**64 + 1, 2**95, 2**96 - 1, 2**96, 2**96 + 1, 2**127,
                 10**33]
    rates = [1, 999_999_999, 10**9, 2**30 - 1, 2**30, 2**31]
    rng = random.Random(32)
    notionals += [rng.randrange(1, 2**97) for _ in range(2_000)]
    for notional in notionals:
        for rate in rates + [rng.randrange(1, 2**31)]:
            want = ceil(Fraction(notional * rate, 10**9))
            assert fee(notional, rate, 1) == want, (notional, rate)
