"""Avellaneda-Stoikov, GLFT and the hedger: the closed-form maths against hand-computed
values, exact quote streams, online estimation, and the hedge trigger."""
import math

import numpy as np
import pytest
from dataclasses import replace
from hypothesis import given, settings
from hypothesis import strategies as st

from souq.engine.symbols import SymbolSpec
from souq.mm.desk.book import Book
from souq.mm.desk.params import BadParam
from souq.mm.desk.quotes import BUY, SELL, Context, Fill, Quote, Trade
from souq.mm.desk.strategy import template, templates
from souq.mm.models import avellaneda as av
from souq.mm.models import glft
from souq.mm.models.intensity import TradeIntensity
from souq.mm.strategies.quoting import lot, passive_pair

P = 10**9                   # engine units per whole price or quantity
S = 10**9                   # ns per second
T0 = 1_000 * S              # the runs start here


def px(text: str) -> int:
    whole, _, frac = text.partition(".")
    return int(whole) * P + int((frac + "000000000")[:9])


def book(symbol="ETH-USDT", bid="3499", ask="3501", tick="0.01", step="0.0001",
         min_qty="0.001") -> Book:
    return Book(SymbolSpec(symbol, *symbol.split("-"), px(tick), px(step), px(min_qty),
                           1000 * P), ((px(bid), P),), ((px(ask), P),), None, True)


def ctx(now=T0, inventory="0", b=None, trades=(), max_inventory="1", books=None) -> Context:
    b = b or book()
    return Context(now=now, book=b, books=books or {b.spec.name: b}, fair=b.mid,
                   inventory=px(inventory) if not inventory.startswith("-")
                   else -px(inventory[1:]), target=0, max_inventory=px(max_inventory),
                   trades=tuple(trades), started=T0)


def pair(bid: str, ask: str, qty="0.1") -> list[Quote]:
    return [Quote(BUY, px(bid), px(qty)), Quote(SELL, px(ask), px(qty))]


# ------------------------------------------------------------------ the formulas by hand
def test_reservation_price_and_spread_match_the_paper_by_hand():
    # r = 100 - 2 * 0.1 * 2^2 * 0.5 = 99.6
    assert av.reservation_price(100.0, 2, 0.1, 2.0, 0.5) == pytest.approx(99.6, abs=1e-12)
    # 0.1 * 4 * 0.5 + (2 / 0.1) ln(1 + 0.1/1.5) = 0.2 + 20 ln(16/15)
    assert av.optimal_spread(0.1, 2.0, 0.5, 1.5) == pytest.approx(1.490770422751424, rel=1e-14)
    bid, ask = av.quotes(100.0, 2, 0.1, 2.0, 0.5, 1.5)
    assert bid == pytest.approx(99.6 - 0.745385211375712, rel=1e-14)
    assert ask == pytest.approx(99.6 + 0.745385211375712, rel=1e-14)


def test_the_same_functions_work_on_numpy_arrays():
    s, q = np.array([100.0, 101.0, 99.0]), np.array([0.0, 3.0, -2.0])
    bid, ask = av.quotes(s, q, 0.1, 2.0, 0.25, 1.5)
    for i in range(3):
        one = av.quotes(float(s[i]), float(q[i]), 0.1, 2.0, 0.25, 1.5)
        assert (bid[i], ask[i]) == pytest.approx(one, rel=1e-15)
    b2, a2 = glft.quotes(s, q, 0.1, 2.0, 140.0, 1.5)
    assert b2.shape == a2.shape == (3,)


def test_infinite_horizon_reservation_prices_by_hand():
    # omega = 1/2 g^2 s^2 (Q+1)^2: the ratio inside the log is (-+1 - 2q) / ((Q+1)^2 - q^2)
    omega = av.omega_for(0.1, 2.0, 10)
    assert omega == pytest.approx(0.5 * 0.01 * 4 * 121)
    r_bid, r_ask = av.infinite_reservation(100.0, 2, 0.1, 2.0, omega)
    assert r_bid == pytest.approx(100 + 10 * math.log(112 / 117), rel=1e-14)
    assert r_ask == pytest.approx(100 - 10 * math.log(120 / 117), rel=1e-14)
    # mirror images: r_a(q) = 2s - r_b(-q)
    assert av.infinite_reservation(100.0, -2, 0.1, 2.0, omega)[0] == pytest.approx(200 - r_ask)
    # at q_max the bid closes (never buy more), at -q_max the ask
    assert av.infinite_reservation(100.0, 10, 0.1, 2.0, omega)[0] == -math.inf
    assert av.infinite_reservation(100.0, -10, 0.1, 2.0, omega)[1] == math.inf
    bid, ask = av.infinite_quotes(100.0, 2, 0.1, 2.0, 1.5, omega)
    assert bid == pytest.approx(r_bid - 10 * math.log(16 / 15), rel=1e-14)
    assert ask == pytest.approx(r_ask + 10 * math.log(16 / 15), rel=1e-14)
    with pytest.raises(ValueError, match="omega too small"):
        av.infinite_reservation(100.0, 11, 0.1, 2.0, omega)
    assert av.infinite_reservation(100.0, 3, 0.1, 0.0, 0.0) == (100.0, 100.0)


def test_glft_half_spread_and_skew_by_hand():
    c = math.sqrt(4 * 0.1 / (2 * 1.5 * 140) * (16 / 15) ** 16)   # (1+g/k)^(1+k/g)
    assert glft.inventory_coefficient(0.1, 2.0, 140.0, 1.5) == pytest.approx(c, rel=1e-13)
    half = 10 * math.log(16 / 15) + c / 2
    assert glft.half_spread(0.1, 2.0, 140.0, 1.5) == pytest.approx(half, rel=1e-13)
    assert glft.skew(2, 0.1, 2.0, 140.0, 1.5) == pytest.approx(2 * c, rel=1e-13)
    bid, ask = glft.quotes(100.0, 2, 0.1, 2.0, 140.0, 1.5)
    # the paper's delta_b(q) = ln(1+g/k)/g + (2q+1)/2 C and delta_a(q) = .. - (2q-1)/2 C
    assert 100 - bid == pytest.approx(10 * math.log(16 / 15) + 2.5 * c, rel=1e-13)
    assert ask - 100 == pytest.approx(10 * math.log(16 / 15) - 1.5 * c, rel=1e-13)


def test_trade_intensity_fit_by_hand():
    est = TradeIntensity(window_ns=60 * S, min_trades=4)
    est.watch(0)
    for i, d in enumerate((0.001, 0.002, 0.003, 0.006)):
        est.add(i * S, d)
    assert TradeIntensity(60 * S, 5).fit(10 * S) is None
    a, k = est.fit(10 * S)
    # k = 1 / (mean - min) = 1 / 0.002; A = 4 prints / (2 sides * 10 s) * e^(k * 0.001)
    assert k == pytest.approx(500.0)
    assert a == pytest.approx(0.2 * math.exp(0.5))
    assert est.fit(61 * S) is None          # the first two have left the window


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20), st.floats(0, 0.01)), max_size=60),
       st.integers(1, 60))
def test_trade_intensity_running_fit_equals_the_direct_one(prints, window_s):
    est, t, kept = TradeIntensity(window_s * S, 3), 0, []
    est.watch(0)
    for gap, d in prints:
        t += gap * S
        est.add(t, d)
        kept = [(ts, x) for ts, x in kept + [(t, d)] if ts > t - window_s * S]
        fit = est.fit(t)
        ds = [x for _, x in kept]
        if len(ds) < 3 or sum(ds) / len(ds) - min(ds) <= 1e-9:
            continue                      # too few, or too flat to compare slopes
        k = 1 / (sum(ds) / len(ds) - min(ds))
        assert fit is not None and fit[1] == pytest.approx(k, rel=1e-6)
        span = min(window_s, max(t / S, 1))
        assert fit[0] == pytest.approx(len(ds) / (2 * span) * math.exp(k * min(ds)), rel=1e-6)


# ------------------------------------------------------------------ Avellaneda-Stoikov
def test_avellaneda_stoikov_quote_stream_finite_horizon():
    s = template("avellaneda_stoikov")({})
    # gamma 10, sigma fallback 0.0002, k fallback 2000, T-t 300 s, q 0: mid -+ 3500 *
    # (10 * 4e-8 * 300 + 0.2 ln(1.005)) / 2 = -+ 1.95564: floor the bid, ceil the ask
    assert s.decide(ctx()) == pair("3498.04", "3501.96")
    # 0.3 long = 3 lots: the reservation price drops 3 * 10 * 4e-8 * 300 of the mid
    assert s.decide(ctx(inventory="0.3")) == pair("3496.78", "3500.70")
    # half-way through the horizon the risk term halves
    assert s.decide(ctx(now=T0 + 150 * S)) == pair("3498.14", "3501.86")
    # 2 lots short, 100 s before the horizon ends
    assert s.decide(ctx(now=T0 + 200 * S, inventory="-0.2")) == pair("3498.46", "3502.10")
    # the horizon rolls: at 300 s the countdown starts again
    assert s.decide(ctx(now=T0 + 300 * S)) == pair("3498.04", "3501.96")
    assert not s.estimate.sigma_learned and not s.estimate.flow_learned


def test_avellaneda_stoikov_learns_k_and_a_from_the_tape():
    s = template("avellaneda_stoikov")({"min_trades": "4"})
    assert s.decide(ctx()) == pair("3498.04", "3501.96")          # fallback k 2000
    tape = [Trade(T0 + 299 * S, "ETH-USDT", px(p), P // 10, BUY) for p in
            ("3501", "3502", "3498", "3507")]
    tape.append(Trade(T0 + 299 * S, "BTC-IRR", 10**20, P, BUY))   # another symbol: ignored
    # distances 1, 2, 2, 7 (/3500) from the mid before: k = 1 / (3/3500 - 1/3500) = 1750
    assert s.decide(ctx(now=T0 + 300 * S, trades=tape)) == pair("3497.79", "3502.21")
    est = s.estimate
    assert est.flow_learned and est.k == pytest.approx(1750.0)
    assert est.a == pytest.approx(4 / (2 * 300) * math.exp(0.5))


def test_avellaneda_stoikov_learns_sigma_from_the_mid():
    s = template("avellaneda_stoikov")({"vol_min_samples": "1"})
    s.decide(ctx())
    assert not s.estimate.sigma_learned and s.estimate.sigma == 0.0002
    s.decide(ctx(now=T0 + S, b=book(bid="3506", ask="3508")))
    assert s.estimate.sigma_learned
    assert s.estimate.sigma == pytest.approx(math.log(3507 / 3500))   # one 1 s sample


def test_avellaneda_stoikov_infinite_horizon_and_never_crossing_the_book():
    s = template("avellaneda_stoikov")({"horizon_mode": "infinite"})
    # q_max = 1 / 0.1 = 10 lots: ln(1 + (-+1 - 2q) / (121 - q^2)) / gamma, then out by
    # ln(1 + gamma/k) / gamma
    assert s.decide(ctx()) == pair("3495.34", "3504.66")
    # 3 lots long: the model's ask (3486.46) would take the 3499 bid: it rests a tick above
    assert s.decide(ctx(inventory="0.3")) == pair("3475.66", "3499.01")
    assert s.decide(ctx(inventory="-0.3")) == pair("3500.99", "3524.34")
    # at the maximum (and past it, held at q_max) the side that adds inventory closes
    assert s.decide(ctx(inventory="1")) == [Quote(SELL, px("3499.01"), px("0.1"))]
    assert s.decide(ctx(inventory="-2")) == [Quote(BUY, px("3500.99"), px("0.1"))]


# ------------------------------------------------------------------ GLFT
def test_glft_quote_stream():
    s = template("glft")({})
    # C = sqrt(4e-8 * 10 / (2 * 2000 * 1) * 1.005^201); half = 0.1 ln(1.005) + C/2
    assert s.decide(ctx()) == pair("3498.22", "3501.78")
    # 4 lots long move both quotes down 4 C of the mid
    assert s.decide(ctx(inventory="0.4")) == pair("3497.99", "3501.55")
    assert s.estimate.a == 1.0 and s.estimate.k == 2000.0


def test_templates_are_registered_and_no_fair_price_means_no_quotes():
    names = templates()
    assert {"avellaneda_stoikov", "glft", "hedger"} <= set(names)
    empty = Book(SymbolSpec("ETH-USDT", "ETH", "USDT", px("0.01"), px("0.0001"), px("0.001")),
                 (), (), None, True)
    c = Context(now=T0, book=empty, books={}, fair=None, inventory=0, target=0,
                max_inventory=P, started=T0)
    assert template("glft")({}).decide(c) == []


# ------------------------------------------------------------------ the grid
def test_lot_is_on_the_step_and_at_least_the_minimum():
    b = book()
    assert lot(b, px("0.12345")) == px("0.1234")
    assert lot(b, px("0.0002")) == px("0.001")           # below min_qty: the minimum


@settings(max_examples=200, deadline=None)
@given(bid=st.floats(3000, 4000), width=st.floats(-50, 50), touch=st.integers(1, 400),
       half=st.integers(1, 300))
def test_snapped_quotes_are_on_the_grid_and_never_cross(bid, width, touch, half):
    tick = px("0.01")
    b = book(bid=f"{3500 - half * 0.01:.2f}", ask=f"{3500 + touch * 0.01:.2f}")
    bp, ap = passive_pair(b, bid * P, (bid + width) * P)
    assert bp % tick == 0 and ap % tick == 0
    assert bp < ap and bp < b.ask and ap > b.bid


@settings(max_examples=100, deadline=None)
@given(inv=st.integers(-3000, 3000), gamma=st.sampled_from(["0.1", "10", "500"]),
       mode=st.sampled_from(["finite", "infinite"]), t=st.integers(0, 10_000))
def test_avellaneda_stoikov_never_crosses_for_any_inventory(inv, gamma, mode, t):
    s = template("avellaneda_stoikov")({"gamma": gamma, "horizon_mode": mode})
    c = ctx(now=T0 + t * S // 10)
    c.inventory = inv * P // 1000
    quotes = s.decide(c)
    assert len(quotes) == 2 or (mode == "infinite" and abs(inv) >= 1000 and len(quotes) == 1)
    bids = [q.price for q in quotes if q.side == BUY]
    asks = [q.price for q in quotes if q.side == SELL]
    assert all(b < c.book.ask for b in bids) and all(a > c.book.bid for a in asks)
    assert all(b < a for b in bids for a in asks)
    assert all(q.price % c.book.spec.tick == 0 and q.qty == px("0.1") for q in quotes)


# ------------------------------------------------------------------ the hedger
def hedger(**kw):
    params = {"hedge_symbol": "WETH-USDC"}
    params.update(kw)
    return template("hedger")(params)


HEDGE_BOOK = book("WETH-USDC", bid="3499", ask="3501.5", step="0.001", min_qty="0.001")


def hctx(inventory, now=T0, max_inventory="1"):
    own = book()
    return ctx(now=now, inventory=inventory, max_inventory=max_inventory,
               books={own.spec.name: own, "WETH-USDC": HEDGE_BOOK})


def test_hedger_quotes_a_fixed_spread_below_the_threshold():
    h = hedger()
    # 10 bps of 3500 either side; 0.79 of a maximum of 1 is under the 0.8 threshold
    assert h.decide(hctx("0.79")) == pair("3496.5", "3503.5")


def test_hedger_hedges_half_at_the_threshold_through_the_touch():
    h = hedger()
    out = h.decide(hctx("0.8"))
    # sell 0.5 * 0.8 on WETH-USDC, limit 50 bps under its 3499 bid: 3481.505 rounds up
    assert out == [Quote(SELL, px("3481.51"), px("0.4"), symbol="WETH-USDC", tif="ioc"),
                   *pair("3496.5", "3503.5")]
    # the cooldown holds a second hedge back
    assert h.decide(hctx("0.8", now=T0 + 4 * S))[0].tif == "gtc"
    # the hedge filled: the exposure is 0.4 net, nothing more to do even after the cooldown
    h.on_fill(Fill(T0 + S, "WETH-USDC", SELL, px("3499"), px("0.4"), 0, "h1"), hctx("0.8"))
    assert h.exposure(hctx("0.8")) == px("0.4")
    assert all(q.tif == "gtc" for q in h.decide(hctx("0.8", now=T0 + 10 * S)))
    # own inventory grows again: the net passes 0.8, half of the net goes
    out = h.decide(hctx("1.25", now=T0 + 20 * S))
    assert out[0] == Quote(SELL, px("3481.51"), px("0.425"), symbol="WETH-USDC", tif="ioc")


def test_a_hedge_on_the_same_asset_is_not_counted_twice():
    """The runner's inventory is the wallet's own-base total: a hedge sold on ETH-USDC
    already took it from 0.8 to 0.4, so the exposure is 0.4, not 0.4 - 0.4 = 0."""
    h = hedger(hedge_symbol="ETH-USDC")
    same = book("ETH-USDC", bid="3499", ask="3501.5", step="0.001", min_qty="0.001")
    books = {"ETH-USDT": book(), "ETH-USDC": same}
    c = replace(ctx(inventory="0.8", books=books), same_wallet=frozenset({"ETH-USDC"}))
    assert h.decide(c)[0] == Quote(SELL, px("3481.51"), px("0.4"), symbol="ETH-USDC",
                                   tif="ioc")
    after = replace(ctx(inventory="0.4", books=books), same_wallet=frozenset({"ETH-USDC"}))
    h.on_fill(Fill(T0 + S, "ETH-USDC", SELL, px("3499"), px("0.4"), 0, "h1"), after)
    assert h.exposure(after) == px("0.4")
    # the same symbol at another venue is another wallet: the hedge counts
    elsewhere = ctx(inventory="0.8", books=books)
    assert h.exposure(elsewhere) == px("0.4")


def test_hedger_buys_back_a_short_and_honours_fraction_and_ratio():
    h = hedger(hedge_fraction="0.25", hedge_ratio="2", hedge_slippage="20")
    out = h.decide(hctx("-0.9"))
    # buy 0.9 * 0.25 * 2 = 0.45 at most 20 bps over the 3501.5 ask: 3508.503 rounds down
    assert out[0] == Quote(BUY, px("3508.50"), px("0.45"), symbol="WETH-USDC", tif="ioc")


def test_hedger_sizes_are_exact_decimals():
    # 0.7 * 0.7 in floats is 0.48999..: the hedge would lose a step; 0.7 of 1 triggers
    h = hedger(hedge_fraction="0.7", hedge_threshold="0.7")
    assert h.decide(hctx("0.6999")) == pair("3496.5", "3503.5")
    assert h.decide(hctx("0.7"))[0].qty == px("0.49")


def test_hedger_needs_a_hedge_symbol_and_a_book_to_hit():
    with pytest.raises(BadParam, match="hedge_symbol"):
        template("hedger")({})
    h = hedger(hedge_symbol="ETH-NONE")
    assert h.decide(hctx("0.95")) == pair("3496.5", "3503.5")
