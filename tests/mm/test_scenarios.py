"""Stress scenarios on a seeded in-memory market: each changes the market as its name says,
shocks leave everything before them untouched, and runs are reproducible."""
from random import Random

import orjson
import pytest
from simkit import build

from souq.engine.symbols import SymbolSpec
from souq.mm.demo import demo_commands
from souq.mm.scenarios import SCENARIOS, Shock, ShockedDriver, scenario
from souq.mm.sim import ExchangeDriver, SimParams, run_fast
from souq.mm.sim.fair import FairValue
from souq.mm.view import SymbolView

SEC = 1_000_000_000
SYM = "ETH-USDT"


def run(name, params=None, seed=1, duration=50.0):
    """(ticks as (now, mid or None, commands), command stream bytes)."""
    ex = build(demo_commands())
    sim, shocks = SCENARIOS[name].build(seed, params, symbols=(SYM,))
    driver = ShockedDriver(ExchangeDriver(ex, sim, seed), shocks)
    ticks = []

    def on_tick(report):
        s = ex.symbols[SYM]
        bid = s.bids.peekitem(0)[1].price if s.bids else None
        ask = s.asks.peekitem(0)[1].price if s.asks else None
        mid = (bid + ask) // 2 if bid and ask else None
        ticks.append((report.now, mid, report.commands))
    run_fast(driver, duration, on_tick=on_tick)
    assert driver.applied == sum(s.at_ns <= duration * SEC for s in shocks)
    return ticks, b"\n".join(orjson.dumps(c) for _, _, cmds in ticks for c in cmds)


def mids(ticks, lo, hi):
    return [m for t, m, _ in ticks if lo * SEC < t <= hi * SEC and m is not None]


def orders(ticks, lo, hi):
    return sum(len(c) for t, _, c in ticks if lo * SEC < t <= hi * SEC)


@pytest.fixture(scope="module")
def normal():
    return run("normal")


def test_every_scenario_is_named_and_documented():
    assert list(SCENARIOS) == ["normal", "high_volatility", "low_liquidity", "news_jump",
                               "flash_crash", "liquidity_drought", "trending"]
    for s in SCENARIOS.values():
        assert s.help and all(k.help for k in s.knobs)
        assert s.build(3)[0] == s.build(3)[0]


def test_normal_is_the_plain_simulator():
    assert SCENARIOS["normal"].build(5) == (SimParams(), [])
    assert SCENARIOS["normal"].build(5, symbols=("X",))[0].symbols == ("X",)


def test_parameters_are_checked():
    s = scenario("flash_crash")
    assert s.values({"drop": "0.08", "hold": 2})["drop"] == 0.08
    with pytest.raises(ValueError, match="flash_crash has no parameter 'size'"):
        s.build(1, {"size": "1"})
    with pytest.raises(ValueError, match="drop: 1.5 is outside 0..0.9"):
        s.build(1, {"drop": "1.5"})
    with pytest.raises(ValueError, match="'abc' is not a number"):
        s.build(1, {"drop": "abc"})
    with pytest.raises(ValueError, match="unknown scenario 'meteor'"):
        scenario("meteor")


def test_flash_crash_shocks_are_hand_computed():
    _, shocks = SCENARIOS["flash_crash"].build(1, {"at": 10, "drop": 0.2, "hold": 2,
                                                   "recover": 2, "vol_factor": 4})
    back = (1 / 0.8) ** 0.5 - 1
    assert shocks == [Shock(10 * SEC, fair=-0.2, volatility=0.02),
                      Shock(13 * SEC, fair=back), Shock(14 * SEC, fair=back),
                      Shock(14 * SEC, volatility=0.005)]
    assert (1 - 0.2) * (1 + back) ** 2 == pytest.approx(1.0)


def test_news_and_trend_direction_follows_the_seed_unless_given():
    signs = {SCENARIOS["news_jump"].build(s)[1][0].fair > 0 for s in range(1, 11)}
    assert signs == {True, False}
    assert SCENARIOS["news_jump"].build(1, {"direction": -1})[1] == [Shock(20 * SEC, -0.04)]
    trend = SCENARIOS["trending"].build(1, {"direction": 1, "drift": 0.06, "length": 3})[1]
    assert trend == [Shock(i * SEC, fair=0.001) for i in (1, 2, 3)]


def test_fair_value_jump_is_exact_and_stays_in_the_band():
    fv = FairValue(Random(1))
    fv.values = {"A": 1_000_000_000, "B": 50}
    # a band of +-10 % around 1: prices 0.9 to 1.1
    sv = SymbolView(SymbolSpec("A", "B", "Q", 1, 1, 1, band=100_000_000, ref=1_000_000_000),
                    None, None, None, "continuous")
    fv.jump("A", 50_000_000)                 # +5 %, no band given
    assert fv.values["A"] == 1_050_000_000
    fv.jump("A", -500_000_000, sv)           # -50 % clamps to lo + 10 % of the band
    assert fv.values["A"] == 920_000_000
    fv.jump("A", 900_000_000, sv)            # +90 % clamps to hi - 10 %
    assert fv.values["A"] == 1_080_000_000
    fv.jump("missing", 1)                    # untracked: nothing happens
    assert fv.values == {"A": 1_080_000_000, "B": 50}


def test_shocks_change_nothing_before_they_happen(normal):
    ticks, _ = run("news_jump", {"direction": 1})
    before = [(t, m, c) for t, m, c in ticks if t < 20 * SEC]     # the 20 s step has it
    assert len(before) == 399
    assert before == [(t, m, c) for t, m, c in normal[0] if t < 20 * SEC]


def test_scenario_runs_are_reproducible():
    assert run("flash_crash", duration=30)[1] == run("flash_crash", duration=30)[1]


def test_high_volatility_moves_the_mid_more(normal):
    span = lambda ticks: max(mids(ticks, 0, 50)) - min(mids(ticks, 0, 50))  # noqa: E731
    assert span(run("high_volatility")[0]) > 2 * span(normal[0])


def test_low_liquidity_has_far_less_flow(normal):
    ticks, _ = run("low_liquidity")
    assert orders(ticks, 0, 50) < orders(normal[0], 0, 50) / 5


def test_news_jump_gaps_the_market(normal):
    ticks, _ = run("news_jump", {"direction": 1, "size": 0.04})
    before = mids(ticks, 15, 20)[-1]
    assert max(mids(ticks, 20, 50)) >= before * 1.03


def test_flash_crash_falls_and_recovers():
    ticks, _ = run("flash_crash", {"drop": 0.05})
    before = mids(ticks, 15, 20)[-1]
    assert min(mids(ticks, 20, 35)) <= before * 0.975
    assert sum(mids(ticks, 45, 50)) / len(mids(ticks, 45, 50)) >= before * 0.99


def test_liquidity_drought_collapses_the_flow_in_its_window():
    ticks, _ = run("liquidity_drought", {"at": 20, "length": 20, "factor": 0.05})
    quiet, busy = orders(ticks, 21, 40), orders(ticks, 0, 19)
    assert quiet < busy / 10
    assert orders(ticks, 41, 50) > busy / 3


def test_trending_drifts_the_market(normal):
    ticks, _ = run("trending", {"direction": 1, "drift": 0.03})
    assert mids(ticks, 45, 50)[-1] >= mids(normal[0], 45, 50)[-1] * 1.01
