"""mm/venue/ccxt.py with a trade ccxt hands over incomplete: our fill without a fee is
charged at the market's published rate (never booked free), a trade without a time is
stamped when it arrived (never at the epoch, which would misplace it in every markout)."""
import pytest

pytest.importorskip("ccxt")
from souq.mm.venue.ccxt import CcxtVenue  # noqa: E402

ARRIVED = 1_764_000_000_123_000_000


def venue() -> CcxtVenue:
    v = CcxtVenue(object(), "mm", clock=lambda: ARRIVED)
    v.markets = {"BTC-IRR": {"symbol": "BTC/IRR", "base": "BTC", "quote": "IRR",
                             "maker": "0.001", "taker": "0.002"}}
    return v


def trade(**kw) -> dict:
    return {"id": "t1", "symbol": "BTC/IRR", "side": "buy", "price": "99000000",
            "amount": "0.01", "timestamp": 1_764_000_000_000, "takerOrMaker": "maker",
            "fee": {"cost": "990", "currency": "IRR"}, "order": "o1",
            "clientOrderId": "cx1", **kw}


def test_a_reported_fee_and_time_are_taken_as_they_are():
    t = venue()._trade(1, trade())
    assert (t.ts, t.maker_user, t.maker_fee, t.taker_fee, t.taker_side) == (
        1_764_000_000_000_000_000, "mm", 990 * 10**18, 0, "sell")


def test_our_fill_without_a_fee_pays_the_market_rate_not_nothing():
    # 0.01 x 99,000,000 = 990,000 IRR: maker 0.1 % = 990, taker 0.2 % = 1,980
    maker = venue()._trade(1, trade(fee=None))
    taker = venue()._trade(2, trade(fee={"cost": None}, takerOrMaker="taker"))
    assert (maker.maker_fee, maker.taker_fee) == (990 * 10**18, 0)
    assert (taker.maker_fee, taker.taker_fee, taker.taker_user) == (0, 1980 * 10**18, "mm")
    public = venue()._trade(3, trade(fee=None, takerOrMaker=None))     # not ours: no fee
    assert (public.maker_fee, public.taker_fee, public.maker_user) == (0, 0, None)


def test_a_trade_without_a_time_is_stamped_when_it_arrived():
    assert venue()._trade(1, trade(timestamp=None)).ts == ARRIVED
