"""Run metrics against small hand-computed examples (arithmetic in the comments).

Units: E = 1 whole price or quantity (1e-9 engine units), M = 1 whole quote (1e-18)."""
import math
from fractions import Fraction
from types import SimpleNamespace

import pytest

from souq.mm.analytics import figures
from souq.mm.analytics import pnl as P
from souq.mm.analytics import risk as R
from souq.mm.analytics import trading as T
from souq.mm.desk.quotes import Fill

E, M, S = 10**9, 10**18, 10**9       # S: one second in ns


def fill(t, side, price, qty, fee=0):
    return Fill(t * S, "X", side, price * E, qty * E, fee, "c")


# buy 2 @ 100 at t=1, sell 1 @ 103 at t=3, fees 0.1 each; the mid moves 100, 101, 102, 99, 104
FILLS = [fill(1, "buy", 100, 2, M // 10), fill(3, "sell", 103, 1, M // 10)]
MIDS = [(0, 100 * E), (1 * S, 101 * E), (2 * S, 102 * E), (3 * S, 99 * E), (4 * S, 104 * E)]


def test_average_cost_realised_unrealised_and_fees():
    p = P.average_cost(FILLS, 104 * E)
    # avg cost 100; selling 1 @ 103 realises 3; 1 left marked at 104: 104 - 100 = 4
    assert p.inventory == 1 * E and p.avg_cost == 100 * E
    assert p.realised == 3 * M and p.unrealised == 4 * M and p.fees == M // 5
    assert p.total == 3 * M + 4 * M - M // 5          # 6.8
    assert p.closes == (3 * M,)


def test_average_cost_flip_and_short():
    # sell 1 @ 10, sell 1 @ 12 -> short 2 avg 11; buy 3 @ 9: closes 2 for (11 - 9) x 2 = 4,
    # then long 1 @ 9, marked at 8: -1
    fills = [fill(1, "sell", 10, 1), fill(2, "sell", 12, 1), fill(3, "buy", 9, 3)]
    p = P.average_cost(fills, 8 * E)
    assert p.realised == 4 * M and p.closes == (4 * M,)
    assert p.inventory == E and p.avg_cost == 9 * E and p.unrealised == -M


def test_average_cost_partial_close_keeps_fractions_exact():
    # buy 1 @ 1, buy 2 @ 2 -> 3 @ 5/3; sell 1 @ 2 realises 1/3; 2 left at 5/3 marked at 2: 2/3
    fills = [fill(1, "buy", 1, 1), fill(2, "buy", 2, 2), fill(3, "sell", 2, 1)]
    p = P.average_cost(fills, 2 * E)
    assert p.realised == Fraction(M, 3) and p.unrealised == Fraction(2 * M, 3)
    assert p.realised + p.unrealised == M             # cash -1 -4 +2, plus 2 x 2 = 1


def test_attribution_parts_and_sum():
    a = P.attribution(FILLS, MIDS)
    # the buy at t=1 met mid 100 (the last before t=1): edge (100 - 100) x 2 = 0
    # the sell at t=3 met mid 102: edge (103 - 102) x 1 = 1
    assert a["spread"] == 1 * M
    # final 1 x 104 minus fills at their mids (2 x 100 - 1 x 102 = 98) = 6
    assert a["inventory"] == 6 * M
    assert a["fees"] == -(M // 5)
    assert a["spread"] + a["inventory"] + a["fees"] == a["total"]
    assert a["total"] == P.average_cost(FILLS, 104 * E).total        # 6.8 both ways


@pytest.mark.parametrize("seed", range(5))
def test_attribution_sums_to_total_pnl_on_random_fills(seed):
    import random
    rng = random.Random(seed)
    fills = sorted((fill(rng.randint(0, 50), rng.choice(("buy", "sell")), rng.randint(90, 110),
                         rng.randint(1, 5), rng.randint(0, 10**16)) for _ in range(40)),
                   key=lambda f: f.ts)
    mids = [(t * S, rng.randint(95, 105) * E) for t in range(0, 60, 3)]
    a = P.attribution(fills, mids)
    assert a["spread"] + a["inventory"] + a["fees"] == a["total"]
    assert a["total"] == P.average_cost(fills, mids[-1][1]).total


def test_no_fills_everything_zero():
    assert P.attribution([], MIDS) == {"spread": 0, "inventory": 0, "fees": 0, "total": 0}
    p = P.average_cost([], None)
    assert (p.realised, p.unrealised, p.fees, p.closes) == (0, 0, 0, ())


# equity 0, 2, 1, 3, 3 at one-second samples: period PnL 2, -1, 2, 0
EQ_TS = [0, S, 2 * S, 3 * S, 4 * S]
EQ = [0, 2 * M, 1 * M, 3 * M, 3 * M]
YEAR = 365 * 24 * 3600


def test_sharpe_sortino_calmar():
    pnl = R.period_pnl(EQ)
    assert pnl == [2 * M, -M, 2 * M, 0]
    per_year = R.periods_per_year(EQ_TS)
    assert per_year == YEAR                                   # one-second periods
    # mean 0.75; deviations 1.25, -1.75, 1.25, -0.75; squares 1.5625 + 3.0625 + 1.5625
    # + 0.5625 = 6.75; /3 = 2.25; sd 1.5; Sharpe 0.5 x sqrt(YEAR)
    assert R.sharpe(pnl, per_year) == pytest.approx(0.5 * math.sqrt(YEAR))
    # downside: min(x, 0)^2 = 0, 1, 0, 0 -> mean 0.25 -> 0.5; Sortino 0.75 / 0.5 = 1.5
    assert R.sortino(pnl, per_year) == pytest.approx(1.5 * math.sqrt(YEAR))
    # max drawdown 1 (2 -> 1); Calmar 0.75 x YEAR / 1
    assert R.calmar(pnl, per_year, M) == pytest.approx(0.75 * YEAR)


def test_flat_equity_gives_none_not_inf():
    pnl = R.period_pnl([5 * M] * 4)
    assert R.sharpe(pnl, YEAR) is None and R.sortino(pnl, YEAR) is None
    assert R.calmar(pnl, YEAR, 0) is None
    assert R.sharpe([], None) is None and R.periods_per_year([0]) is None


def test_drawdown_and_duration():
    # peak 2 at t=1, trough 1 at t=2, back to >= 2 at t=3: drawdown 1 lasting 2 s
    assert R.drawdown(EQ_TS, EQ) == (M, 2 * S)
    # never recovers: peak 5 at t=1, trough 1 at t=3, series ends at t=4 -> 3 s
    assert R.drawdown(EQ_TS, [0, 5, 3, 1, 2]) == (4, 3 * S)
    assert R.drawdown(EQ_TS, [0, 1, 2, 3, 4]) == (0, 0)


def test_historical_var():
    pnl = [-5, -3, -1, 0, 1, 2, 3, 4, 5, 6] * 2            # 20 periods
    # 95 %: k = ceil(20 x 0.05) = 1 -> worst = -5 -> VaR 5;
    assert R.var(pnl, 0.95) == 5
    # 90 %: k = ceil(2) = 2 -> second worst -5 -> 5; 80 %: k = 4 -> -3 -> 3
    assert R.var(pnl, 0.90) == 5 and R.var(pnl, 0.80) == 3
    assert R.var([], 0.99) is None


def test_win_rate_size_and_fill_ratio():
    assert T.win_rate([3, -1, 0, 2]) == 0.5        # 2 of 4 closes gained; 0 is no win
    assert T.win_rate([]) is None
    assert T.average_trade_size(FILLS) == Fraction(3 * E, 2)     # (2 + 1) / 2
    orders = [{"qty": 4, "filled": 2, "status": "filled"},
              {"qty": 2, "filled": 0, "status": "cancelled"},
              {"qty": 9, "filled": 0, "status": "rejected"}]
    # qty: 2 / (4 + 2) = 1/3 (the rejected one never quoted); orders: 1 of 2
    assert T.fill_ratio(orders) == {"qty": pytest.approx(1 / 3), "orders": 0.5}
    assert T.fill_ratio([]) == {"qty": None, "orders": None}


def test_inventory_stats():
    s = T.inventory_stats([0, 2, -4, 2])
    # mean 0; population variance (0 + 4 + 16 + 4) / 4 = 6; peak |-4|
    assert s == {"mean": 0, "std": pytest.approx(math.sqrt(6)), "peak": 4}


def test_markouts():
    m = T.markouts(FILLS, MIDS, end=4 * S)
    # 1 s: buy at t=1 met 100, mid at t=2 is 102 -> +2; sell at t=3 met 102, at t=4 104 -> -2
    assert m[1] == {"fills": 2, "mean": 0, "pnl": 2 * 2 * M - 2 * 1 * M}
    # 10 s and 60 s reach past the run's end (t=4): no fill counted
    assert m[10] == {"fills": 0, "mean": None, "pnl": 0}


def test_market_impact():
    # buy at t=1: mid 100 before, 101 at t=1 -> +1; sell at t=3: 102 -> 99 -> +3
    i = T.market_impact(FILLS, MIDS)
    assert i["fills"] == 2 and i["mean"] == 2 * E
    assert i["mean_bps"] == pytest.approx((1 / 100 + 3 / 102) / 2 * 10_000)


def test_capital_usage():
    series = [(0, 0, 0, 100 * E), (S, 0, 2 * E, 101 * E), (2 * S, 0, -3 * E, 90 * E)]
    # exposure max(0, 2 x 101, 3 x 90) = 270; quote: buy 2 @ 100 + 0.1 = 200.1, then
    # sell 1 @ 103 + 0.1 -> 97.2: peak 200.1
    c = T.capital_usage(FILLS, series)
    assert c == {"peak_exposure": 270 * M, "peak_quote_used": 200 * M + M // 10}


def _result(fills, orders, series, mids):
    return SimpleNamespace(fills=fills, orders=orders, series=series, mids=mids)


def test_figures_gathers_everything_json_ready():
    import json
    series = [(t, e, q, m) for (t, e), q, (_, m) in zip(
        zip(EQ_TS, EQ), [0, 2 * E, 2 * E, E, E], MIDS)]
    orders = [{"qty": 4 * E, "filled": 2 * E, "status": "filled"},
              {"qty": 2 * E, "filled": E, "status": "partial"}]
    f = figures(_result(FILLS, orders, series, MIDS))
    assert f["pnl"] == {"realised": "3", "unrealised": "4", "fees": "0.2", "total": "6.8",
                        "mark": "104"}
    assert f["attribution"] == {"spread": "1", "inventory": "6", "fees": "-0.2",
                                "total": "6.8"}
    assert f["max_drawdown"] == "1" and f["max_drawdown_s"] == 2.0
    assert f["win_rate"] == 1.0 and f["average_trade_size"] == "1.5"
    assert f["fill_ratio_qty"] == 0.5 and f["fill_ratio_orders"] == 1.0
    # inventory 0, 2, 2, 1, 1: mean 6/5, peak 2
    assert f["inventory"]["mean"] == "1.2" and f["inventory"]["peak"] == "2"
    assert f["markouts"]["1s"] == {"fills": 2, "mean": "0", "pnl": "2"}
    assert f["var_95"] == "1"            # 4 periods: k = 1, worst -1
    assert f["capital"] == {"peak_exposure": "204", "peak_quote_used": "200.1"}
    assert f["market_impact"]["mean"] == "2"
    # 4 one-second periods are far too few to annualise: null, with the reason
    assert f["sharpe"] is None and f["sortino"] is None and f["calmar"] is None
    assert f["ratios_note"] == ("run too short for Sharpe, Sortino and Calmar: 4 periods "
                                "over 4 s; they need at least 30 periods over 60 s")
    assert json.dumps(f, sort_keys=True) == json.dumps(
        figures(_result(FILLS, orders, series, MIDS)), sort_keys=True)


def test_figures_of_an_empty_run():
    f = figures(_result([], [], [(0, 7 * M, 0, None), (S, 7 * M, 0, None)], []))
    assert f["fills"] == 0 and f["pnl"]["total"] == "0" and f["pnl"]["mark"] is None
    assert f["sharpe"] is None and f["sortino"] is None and f["calmar"] is None
    assert f["win_rate"] is None and f["average_trade_size"] is None
    assert f["fill_ratio_qty"] is None and f["max_drawdown"] == "0"
    assert f["var_95"] == "0"           # the one period made 0
    f = figures(_result([], [], [], []))
    assert f["sharpe"] is None and f["var_99"] is None and f["inventory"]["peak"] is None


def test_figures_judges_only_the_configured_symbol():
    hedge = Fill(2 * S, "Y", "sell", 7 * E, 5 * E, 0, "h")
    r = _result(FILLS + [hedge], [], [], MIDS)
    assert figures(r)["fills"] == 3                     # no spec: every fill
    r.spec = {"config": {"symbol": "X"}}
    f = figures(r)
    assert f["fills"] == 2 and f["other_fills"] == 1 and f["pnl"]["total"] == "6.8"


def test_ratios_need_30_periods_over_a_minute_and_state_their_horizon():
    # issue 12 item 5: a 15 s run reported Sharpe -3957 and Calmar -2,093,966
    def run(n):
        eq = [(i % 3) * M - i * M // 10 for i in range(n + 1)]
        return figures(_result([], [], [(i * S, e, 0, E) for i, e in enumerate(eq)], []))
    short = run(15)
    assert (short["sharpe"], short["sortino"], short["calmar"]) == (None, None, None)
    assert short["ratios_note"] == ("run too short for Sharpe, Sortino and Calmar: 15 periods "
                                    "over 15 s; they need at least 30 periods over 60 s")
    assert run(59)["sharpe"] is None
    full = run(60)
    per = R.period_pnl([(i % 3) * M - i * M // 10 for i in range(61)])
    assert full["ratios_note"] is None
    assert full["sharpe"] == float(f"{R.sharpe(per, YEAR):.10g}")
    assert full["calmar"] is not None and full["sortino"] is not None
    assert full["ratios_horizon"] == ("annualised: a 365-day year of 1 s periods (31,536,000 "
                                      "a year)")
    assert R.too_short([0, 2 * S]) == ("run too short for Sharpe, Sortino and Calmar: 1 "
                                       "period over 2 s; they need at least 30 periods "
                                       "over 60 s")


def test_a_hedgers_legs_are_valued_in_one_currency():
    """Issue 12 item 10: own ETH-USDT bought 1 at 3000, marked 3010: +10 USDT. The hedge
    sold 0.035 BTC at 95,000,000,000 IRR (fee 6,650,000), BTC-IRR marked at 94,000,000,000:
    35,000,000 - 6,650,000 = 28,350,000 IRR, at 1,000,000 IRR a USDT 28.35 USDT; all legs
    38.35 USDT."""
    from souq.mm.analytics.legs import legs, rate
    own = Fill(S, "ETH-USDT", "buy", 3000 * E, E, 0, "mm1.1")
    hedge = Fill(2 * S, "BTC-IRR", "sell", 95_000_000_000 * E, 35 * E // 1000,
                 6_650_000 * M, "mm1.2")
    markets = {"ETH-USDT": ("ETH", "USDT", 3010 * E),
               "BTC-IRR": ("BTC", "IRR", 94_000_000_000 * E),
               "USDT-IRR": ("USDT", "IRR", 1_000_000 * E)}
    assert rate("IRR", "USDT", markets) == Fraction(1, 1_000_000)
    assert rate("USDT", "IRR", markets) == 1_000_000 and rate("X", "USDT", markets) is None
    r = _result([own, hedge], [], [(0, 0, 0, 3000 * E), (S, 10 * M, E, 3010 * E)],
                [(0, 3000 * E), (S, 3010 * E)])
    r.spec, r.markets = {"config": {"symbol": "ETH-USDT"}}, markets
    f = figures(r)
    assert f["fills"] == 1 and f["other_fills"] == 1 and f["pnl"]["total"] == "10"
    assert f["hedge_legs"] == [{
        "symbol": "BTC-IRR", "quote": "IRR", "fills": 1, "inventory": "-0.035",
        "mark": "94000000000", "realised": "0", "unrealised": "35000000", "fees": "6650000",
        "total": "28350000", "rate": "0.000001", "total_converted": "28.35"}]
    assert (f["hedge_total"], f["pnl_all_legs"], f["pnl_all_legs_note"]) == (
        "28.35", "38.35", None)
    del markets["USDT-IRR"]
    f = figures(r)
    assert f["pnl_all_legs"] is None and f["hedge_legs"][0]["total_converted"] is None
    assert f["pnl_all_legs_note"] == "other legs not converted: no USDT price for IRR"
    assert legs([own], "ETH-USDT", markets) == {"legs": [], "total": 0, "note": None}
