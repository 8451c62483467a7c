"""The simple quoting templates: exact quotes for hand-built books and event streams, and
properties that hold for any book and inventory (on the grid, sized, best first, uncrossed)."""
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from souq.engine.numbers import fmt
from souq.mm.desk.params import validate
from souq.mm.desk.quotes import BUY, SELL
from souq.mm.desk.strategy import template, templates
from stratkit import S, book, ctx, fill, shown, u, well_formed

BK = book([("99.95", "1")], [("100.05", "1")])
MINE = ("fixed_spread", "vol_adaptive", "inventory_skew", "layered", "ping_pong")


def make(name: str, **values):
    cls = template(name)
    return cls(validate(cls.spec(), {k: str(v) for k, v in values.items()}))


def test_every_template_is_registered_with_typed_params():
    known = templates()
    for name in MINE:
        cls = known[name]
        assert cls.summary and cls.PARAMS
        for p in cls.PARAMS:
            assert p.help and p.unit is not None
            p.parse(p.default)


# ------------------------------------------------------------------------- fixed spread
def test_fixed_spread_symmetric():
    s = make("fixed_spread")
    assert shown(s.decide(ctx(BK, "100"))) == [("buy", "99.9", "0.1"), ("sell", "100.1", "0.1")]


def test_fixed_spread_asymmetric_and_off_grid_fair():
    s = make("fixed_spread", bid_spread_bps=5, ask_spread_bps=20, order_amount="0.25")
    assert shown(s.decide(ctx(BK, "100"))) == [("buy", "99.95", "0.25"),
                                              ("sell", "100.2", "0.25")]
    # 100.005: the bid rounds down, the ask up
    assert shown(s.decide(ctx(BK, "100.005"))) == [("buy", "99.95", "0.25"),
                                                  ("sell", "100.21", "0.25")]


def test_fixed_spread_zero_spread_never_touches():
    s = make("fixed_spread", bid_spread_bps=0, ask_spread_bps=0)
    assert shown(s.decide(ctx(BK, "100"))) == [("buy", "100", "0.1"), ("sell", "100.01", "0.1")]


def test_fixed_spread_without_fair_quotes_nothing():
    assert make("fixed_spread").decide(ctx(BK, None)) == []


@pytest.mark.parametrize("mode, inventory, want", [
    ("price", "0.5", [("buy", "99.85", "0.1"), ("sell", "100.05", "0.1")]),
    ("price", "-1", [("buy", "100", "0.1"), ("sell", "100.2", "0.1")]),
    ("size", "0.5", [("buy", "99.9", "0.05"), ("sell", "100.1", "0.15")]),
    ("size", "1", [("sell", "100.1", "0.2")]),
    ("both", "0.5", [("buy", "99.85", "0.05"), ("sell", "100.05", "0.15")]),
    ("none", "0.5", [("buy", "99.9", "0.1"), ("sell", "100.1", "0.1")]),
    ("price", "3", [("buy", "99.8", "0.1"), ("sell", "100", "0.1")]),     # ratio clamped
])
def test_fixed_spread_inventory_skew_modes(mode, inventory, want):
    s = make("fixed_spread", skew_mode=mode)
    assert shown(s.decide(ctx(BK, "100", inventory=inventory))) == want


def test_skew_is_measured_from_the_target():
    s = make("fixed_spread")
    c = ctx(BK, "100", inventory="2.5", target="2", max_inventory="1")
    assert shown(s.decide(c)) == [("buy", "99.85", "0.1"), ("sell", "100.05", "0.1")]


def test_sizes_snap_to_the_step_and_below_minimum_drop():
    bk = book([("99.95", "1")], [("100.05", "1")], step="0.01", min_qty="0.05")
    s = make("fixed_spread", order_amount="0.123", skew_mode="size")
    assert shown(s.decide(ctx(bk, "100"))) == [("buy", "99.9", "0.12"), ("sell", "100.1", "0.12")]
    # long 0.7: the bid shrinks to 0.0369, under the minimum, and goes
    assert shown(s.decide(ctx(bk, "100", inventory="0.7"))) == [("sell", "100.1", "0.2")]


def test_band_clamps_prices_and_a_collapsed_pair_keeps_only_the_ask():
    bk = book([("99.95", "1")], [("100.05", "1")], ref="99.99", band="0.0004001")
    assert bk.spec.price_range() == (u("99.95"), u("100.03"))
    s = make("fixed_spread")
    assert shown(s.decide(ctx(bk, "100"))) == [("buy", "99.95", "0.1"), ("sell", "100.03", "0.1")]
    assert shown(s.decide(ctx(bk, "100.5"))) == [("sell", "100.03", "0.1")]


# ------------------------------------------------------------------------- ping-pong
def test_ping_pong_stream():
    s = make("ping_pong", spread_bps=10)
    c = ctx(BK, "100")
    both = [("buy", "99.9", "0.1"), ("sell", "100.1", "0.1")]
    assert shown(s.decide(c)) == both
    s.on_fill(fill(BUY, "99.9", "0.1"), c)
    assert shown(s.decide(c)) == [("sell", "100.1", "0.1")]
    s.on_fill(fill(BUY, "99.9", "0.05"), c)            # same side again: still waiting
    assert shown(s.decide(c)) == [("sell", "100.1", "0.1")]
    s.on_fill(fill(SELL, "100.1", "0.1"), c)           # the awaited side: both again
    assert shown(s.decide(c)) == both
    s.on_fill(fill(SELL, "100.1", "0.1"), c)
    assert shown(s.decide(c)) == [("buy", "99.9", "0.1")]


def test_ping_pong_ignores_fills_on_other_symbols():
    s = make("ping_pong")
    c = ctx(BK, "100")
    s.on_fill(fill(BUY, "1", "1", symbol="BTC-IRR"), c)
    assert len(s.decide(c)) == 2


# ------------------------------------------------------------------------- layered
def test_layered_defaults_are_the_classic_ladder():
    s = make("layered", skew_mode="none")
    assert shown(s.decide(ctx(BK, "100"))) == [
        ("buy", "99.95", "0.5"), ("buy", "99.9", "1"), ("buy", "99.85", "1.5"),
        ("buy", "99.8", "2"),
        ("sell", "100.05", "0.5"), ("sell", "100.1", "1"), ("sell", "100.15", "1.5"),
        ("sell", "100.2", "2")]


def test_layered_levels_on_one_grid_price_are_kept_apart():
    bk = book([("99.9", "1")], [("100.1", "1")], tick="0.1")
    s = make("layered", order_amount="0.1")
    assert shown(s.decide(ctx(bk, "100"))) == [
        ("buy", "99.9", "0.05"), ("buy", "99.8", "0.1"), ("buy", "99.7", "0.15"),
        ("buy", "99.6", "0.2"),
        ("sell", "100.1", "0.05"), ("sell", "100.2", "0.1"), ("sell", "100.3", "0.15"),
        ("sell", "100.4", "0.2")]


def test_layered_custom_steps_and_price_skew():
    s = make("layered", levels=2, level_spread_bps=10, level_step_bps=20, order_amount="0.2",
             size_first=1, size_step=2)
    # long 0.5 of max 1: the ladder moves down by half the first level's 0.10
    assert shown(s.decide(ctx(BK, "100", inventory="0.5"))) == [
        ("buy", "99.85", "0.2"), ("buy", "99.65", "0.6"),
        ("sell", "100.05", "0.2"), ("sell", "100.25", "0.6")]


# ------------------------------------------------------------------------- inventory skew
@pytest.mark.parametrize("inventory, want", [
    ("0", [("buy", "99.9", "0.1"), ("sell", "100.1", "0.1")]),
    ("0.5", [("buy", "99.85", "0.075"), ("sell", "100.05", "0.125")]),       # plain skew
    ("0.8", [("buy", "99.82", "0.03"), ("sell", "100.02", "0.14")]),         # warning: halved
    ("0.9", [("sell", "100.01", "0.145")]),                                  # critical
    ("-0.95", [("buy", "99.99", "0.147")]),                                  # short, critical
    ("-0.7", [("buy", "99.97", "0.135"), ("sell", "100.17", "0.032")]),      # warning, exact
])
def test_inventory_skew_regions(inventory, want):
    s = make("inventory_skew")
    assert shown(s.decide(ctx(BK, "100", inventory=inventory))) == want


def test_inventory_skew_size_only_keeps_prices():
    s = make("inventory_skew", skew_mode="size", inventory_warning_ratio="0.95",
             inventory_critical_ratio="1")
    assert shown(s.decide(ctx(BK, "100", inventory="0.8"))) == [
        ("buy", "99.9", "0.06"), ("sell", "100.1", "0.14")]


def test_inventory_skew_price_only_keeps_sizes_until_the_ratios():
    s = make("inventory_skew", skew_mode="price", skew_bps=20)
    assert shown(s.decide(ctx(BK, "100", inventory="0.5"))) == [
        ("buy", "99.8", "0.1"), ("sell", "100", "0.1")]
    assert shown(s.decide(ctx(BK, "100", inventory="0.7"))) == [
        ("buy", "99.76", "0.05"), ("sell", "99.96", "0.1")]


# ------------------------------------------------------------------------- vol-adaptive
def test_vol_adaptive_still_market_uses_base_spread_clamped():
    s = make("vol_adaptive", base_spread_bps=10)
    assert shown(s.decide(ctx(BK, "100"))) == [("buy", "99.9", "0.1"), ("sell", "100.1", "0.1")]
    s = make("vol_adaptive", base_spread_bps=1, min_spread_bps=5)
    assert shown(s.decide(ctx(BK, "100"))) == [("buy", "99.95", "0.1"), ("sell", "100.05", "0.1")]


def _walk(s, fairs, start=0):
    out = None
    for i, f in enumerate(fairs):
        out = s.decide(ctx(BK, f, now=start + i * S))
    return out


def test_vol_adaptive_widens_with_realised_volatility():
    s = make("vol_adaptive", base_spread_bps=10, vol_multiplier=1, skew_mode="none")
    quotes = _walk(s, ["100", "101", "100"])
    sigma_bps = abs(math.log(1.01)) * 10_000                     # 99.50 bps per sqrt s
    assert s.spread_bps() == pytest.approx(10 + sigma_bps)
    assert shown(quotes) == [("buy", "98.9", "0.1"), ("sell", "101.1", "0.1")]


def test_vol_adaptive_spread_stops_at_its_maximum():
    s = make("vol_adaptive", vol_multiplier=10, max_spread_bps=200)
    assert shown(_walk(s, ["100", "101", "100"])) == [("buy", "98", "0.1"),
                                                     ("sell", "102", "0.1")]


def test_vol_adaptive_samples_volatility_no_faster_than_vol_sample():
    s = make("vol_adaptive", vol_sample=2)
    quotes = _walk(s, ["100", "101", "100"])       # 1 s apart: only t=2 s samples (a flat 0)
    assert s.vol.samples == 1 and s.spread_bps() == 10
    assert shown(quotes) == [("buy", "99.9", "0.1"), ("sell", "100.1", "0.1")]


def _perf(gain="1", lo="0.5", hi="1.5", prices=("100", "100", "100.2")):
    """Buy 1 at 99.9 after the first mark, then mark at each of `prices`, 1 s apart."""
    s = make("vol_adaptive", perf_sample=1, perf_gain=gain, size_min_mult=lo,
             size_max_mult=hi, max_spread_bps=5000, skew_mode="none")
    c = ctx(BK, prices[0])
    s.decide(c)
    s.on_fill(fill(BUY, "99.9", "1"), c)
    return s, _walk(s, prices[1:], start=S)


def test_vol_adaptive_size_grows_with_good_performance_up_to_its_maximum():
    s, quotes = _perf()                      # equity changes +0.1, +0.2: Sharpe 3
    assert s.size_multiplier() == 1.5
    assert {q.qty for q in quotes} == {u("0.15")}


def test_vol_adaptive_size_shrinks_with_losses_down_to_its_minimum():
    s, quotes = _perf(prices=("100", "99.8", "99.6", "99.3"))    # -0.2, -0.2, -0.3
    assert s.size_multiplier() == 0.5
    assert {q.qty for q in quotes} == {u("0.05")}


def test_vol_adaptive_size_multiplier_follows_sharpe_inside_the_clamp():
    s, quotes = _perf(gain="0.5", hi="3", prices=("100", "100", "99.95", "100.05"))
    changes = [0.1, -0.05, 0.1]
    mean = sum(changes) / 3
    sd = math.sqrt(sum((c - mean) ** 2 for c in changes) / 3)
    assert s.size_multiplier() == pytest.approx(1 + 0.5 * mean / sd)      # 1.3536
    assert {q.qty for q in quotes} == {u("0.135")}


def test_vol_adaptive_size_is_neutral_without_evidence():
    s = make("vol_adaptive", perf_sample=1)
    _walk(s, ["100", "100", "100"])          # no fills: equity never varies
    assert s.size_multiplier() == 1.0


def test_vol_adaptive_fees_count_against_performance():
    s = make("vol_adaptive", perf_sample=1)
    c = ctx(BK, "100")
    s.decide(c)
    s.on_fill(fill(BUY, "100", "1", fee="0.5"), c)
    assert s.holding.equity(u("100")) == -u("0.5") * 10**9


# ------------------------------------------------------------------------- properties
@st.composite
def markets(draw):
    tick = draw(st.sampled_from(["0.01", "0.05", "1", "0.0001"]))
    step = draw(st.sampled_from(["0.001", "0.01", "1"]))
    t = u(tick)
    fair_ticks = draw(st.integers(10, 10**7))
    fair = fair_ticks * t + draw(st.integers(0, t - 1))
    n_b, n_a = draw(st.integers(0, 4)), draw(st.integers(0, 4))
    bids = [(fair_ticks - i - 1) * t for i in range(n_b)]
    asks = [(fair_ticks + i + 1) * t for i in range(n_a)]
    qty = lambda: str(draw(st.integers(1, 5000)) / 1000)   # noqa: E731
    bk = book([(_s(p), qty()) for p in bids], [(_s(p), qty()) for p in asks], tick=tick,
              step=step, min_qty=step)
    max_inv = draw(st.sampled_from(["0", "0.5", "1", "10"]))
    inv = draw(st.integers(-3 * u("10"), 3 * u("10"))) // u(step) * u(step)
    return bk, _s(fair), _s(inv), max_inv


def _s(units: int) -> str:
    return fmt(units)


@st.composite
def configs(draw):
    name = draw(st.sampled_from(MINE))
    values = {"skew_mode": draw(st.sampled_from(["price", "size", "both", "none"])),
              "order_amount": draw(st.sampled_from(["0.001", "0.1", "1", "7"]))}
    if name == "fixed_spread":
        values |= {"bid_spread_bps": draw(st.integers(0, 500)),
                   "ask_spread_bps": draw(st.integers(0, 500))}
    elif name == "layered":
        values |= {"levels": draw(st.integers(1, 6)),
                   "level_spread_bps": draw(st.integers(0, 50)),
                   "level_step_bps": draw(st.integers(0, 50))}
    elif name == "inventory_skew":
        values |= {"skew_bps": draw(st.integers(0, 500)),
                   "spread_bps": draw(st.integers(0, 100))}
    elif name in ("ping_pong", "vol_adaptive"):
        key = "spread_bps" if name == "ping_pong" else "base_spread_bps"
        values[key] = draw(st.integers(0, 100))
    return name, values


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markets(), configs(), st.lists(st.sampled_from([BUY, SELL]), max_size=3))
def test_quotes_are_on_the_grid_and_never_cross(market, config, fills):
    bk, fair, inv, max_inv = market
    name, values = config
    s = make(name, **values)
    c = ctx(bk, fair, inventory=inv, max_inventory=max_inv)
    for i, side in enumerate(fills):
        s.on_fill(fill(side, fair, "0.001", ts=i), c)
        s.decide(c)
    quotes = s.decide(c)
    assert all(q.tif == "gtc" and q.symbol is None for q in quotes)
    well_formed(quotes, bk)
