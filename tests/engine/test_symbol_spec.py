"""The one symbol specification (engine.symbols.SymbolSpec): its grid rules, exactly, and
that every holder of a symbol's specification holds this one object."""
import dataclasses

import pytest

from souq.engine.events import ResultCode as R
from souq.engine.symbols import SymbolSpec

E = 1_000_000_000            # 1 at 1e-9

# tick 0.5, step 0.1, qty 0.2..5, band 10 % around 100: prices 90..110
BANDED = SymbolSpec("X-Y", "X", "Y", E // 2, E // 10, 2 * E // 10, 5 * E,
                    band=E // 10, ref=100 * E, maker=E // 1000, taker=2 * E // 1000)
PLAIN = SymbolSpec("X-Y", "X", "Y", E // 2, E // 10, 2 * E // 10)


def test_frozen_slotted_and_defaults():
    assert not hasattr(PLAIN, "__dict__")
    with pytest.raises(dataclasses.FrozenInstanceError):
        PLAIN.tick = 1
    assert (PLAIN.max_qty, PLAIN.band, PLAIN.ref, PLAIN.maker, PLAIN.taker) == (None, 0, None, 0, 0)


def test_band_and_price_range():
    assert BANDED.band_limits() == (90 * E, 110 * E)
    assert BANDED.price_range() == (90 * E, 110 * E)
    assert PLAIN.band_limits() is None and PLAIN.price_range() == (E // 2, None)
    # a band without a reference price is no band
    assert dataclasses.replace(BANDED, ref=None).price_range() == (E // 2, None)
    # band edges off the grid round inwards: 100 +- 0.7 -> 99.5..100.5 at tick 0.5
    narrow = dataclasses.replace(BANDED, band=7 * E // 1000)
    assert narrow.price_range() == (99 * E + E // 2, 100 * E + E // 2)
    # tick 7, 98 +- 0.98: one grid price (98); 100 +- 0.1: none (lo 105 above hi 98)
    empty = SymbolSpec("X-Y", "X", "Y", 7 * E, E, E, band=E // 100, ref=98 * E)
    assert empty.price_range() == (98 * E, 98 * E) and empty.has_prices()
    none = SymbolSpec("X-Y", "X", "Y", 7 * E, E, E, band=E // 1000, ref=100 * E)
    assert none.price_range() == (105 * E, 98 * E) and not none.has_prices()


def test_rounding_to_the_grid_and_into_the_band():
    assert PLAIN.floor_tick(10 * E + 3 * E // 10) == 10 * E
    assert PLAIN.ceil_tick(10 * E + 3 * E // 10) == 10 * E + E // 2
    assert PLAIN.floor_tick(E // 10) == E // 2          # never below one tick
    assert BANDED.floor_tick(200 * E) == 110 * E
    assert BANDED.ceil_tick(E) == 90 * E
    assert BANDED.clamp(100 * E) == 100 * E
    none = SymbolSpec("X-Y", "X", "Y", 7 * E, E, E, band=E // 1000, ref=100 * E)
    assert none.clamp(200 * E) == 105 * E               # no grid price: the lowest
    assert BANDED.floor_step(E + E // 20) == E
    assert BANDED.floor_step(E // 10) == 0               # under the minimum
    assert BANDED.floor_step(50 * E) == 5 * E            # capped at the maximum


def test_refusals_name_the_rule():
    assert BANDED.qty_refusal(E) is None
    assert BANDED.qty_refusal(E + 1) == (R.INVALID_QTY, "qty 1.000000001 is not a multiple of the step 0.1")
    assert BANDED.qty_refusal(E // 10) == (R.INVALID_QTY, "qty 0.1 is below the minimum 0.2")
    assert BANDED.qty_refusal(6 * E) == (R.INVALID_QTY, "qty 6 is above the maximum 5")
    assert BANDED.price_refusal(100 * E) is None
    assert BANDED.price_refusal(100 * E + 1) == (
        R.INVALID_PRICE, "price 100.000000001 is not a multiple of the tick 0.5")
    assert BANDED.price_refusal(111 * E) == (
        R.PRICE_OUTSIDE_BAND, "price 111 is outside the daily band 90-110")
    # a stop price is held to the tick, not to the band
    assert BANDED.price_refusal(111 * E, "stop_price") is None
    assert BANDED.price_refusal(E // 3, "stop_price")[0] is R.INVALID_PRICE


def test_the_tick_check_on_both_sides_of_64_bits():
    """Compiled, a price and a tick both below 2**63 are divided as C 64-bit integers
    (symbols._off_grid); off the grid or on it is the same answer on both sides of that
    bound, for zero and negative values too (read as Python integers)."""
    import random
    from souq.engine.symbols import price_refusal_of
    ticks = [1, 3, 1000 * E, 2**40 + 1, 2**62, 2**63 - 1, 2**63, 2**64 + 3]
    rng = random.Random(32)
    prices = [0, -E, 1, E, 2**62, 2**63 - 1, 2**63, 2**63 + 1, 2**64, 3 * (2**63 - 1), 10**30]
    prices += [rng.randrange(1, 2**65) for _ in range(500)]
    for tick in ticks + [rng.randrange(1, 2**64) for _ in range(20)]:
        for price in prices + [tick * rng.randrange(1, 2**10), 2**63 // tick * tick]:
            refused = price_refusal_of(price, "stop_price", tick, 0, None)
            assert (refused is not None) == bool(price % tick), (price, tick)
            if refused is not None:
                assert refused[0] is R.INVALID_PRICE


def test_listing_refusals():
    assert BANDED.refusal() is None
    bad = dataclasses.replace
    assert bad(BANDED, quote="X").refusal() == "symbol X-Y: base and quote must differ"
    assert bad(BANDED, min_qty=E // 4).refusal() == "min_qty 0.25 is not a multiple of qty_step 0.1"
    assert bad(BANDED, max_qty=E // 10).refusal() == (
        "max_qty 0.1 must be a multiple of qty_step and at least min_qty")
    assert bad(BANDED, ref=E // 3).refusal() == (
        "ref_price 0.333333333 is not a multiple of tick_size 0.5")
    assert bad(BANDED, band=E).refusal() == "daily_limit must be below 1"


def test_the_engine_symbol_and_its_views_hold_the_one_spec():
    from souq.engine.exchange import Exchange
    from souq.engine.stream import parse_command
    from souq.mm.desk.book import book_of
    from souq.mm.view import symbol_view
    from souq.mm.venue.local import LocalVenue

    ex = Exchange()
    out = ex.apply(parse_command({"op": "symbol", "symbol": "X-Y", "base": "X",
                                  "quote": "Y", "tick_size": "0.5", "qty_step": "0.1",
                                  "min_qty": "0.2", "max_qty": "5", "daily_limit": "0.1",
                                  "ref_price": "100", "maker_fee": "0.001",
                                  "taker_fee": "0.002"}))
    assert out.code is R.ACCEPTED
    sym = ex.symbols["X-Y"]
    assert sym.spec == BANDED
    assert book_of(sym).spec is sym.spec
    assert symbol_view(sym).spec is sym.spec
    assert LocalVenue(lambda: ex).symbols() == {"X-Y": sym.spec}
    # a session open that moves the reference and a fee replaces the spec, never edits it
    before = sym.spec
    assert ex.apply(parse_command({"op": "session_open", "symbol": "X-Y",
                                   "opening_price": "120", "taker_fee": "0.003"},
                                  extended=True)).code is R.ACCEPTED
    assert before == BANDED
    assert sym.spec == dataclasses.replace(BANDED, ref=120 * E, taker=3 * E // 1000)
