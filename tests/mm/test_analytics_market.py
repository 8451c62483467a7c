"""Market analysis against small hand-computed examples (E = one whole price or quantity)."""
import math
from fractions import Fraction

import pytest

from souq.engine.symbols import SymbolSpec
from souq.mm.analytics import indicators as I
from souq.mm.analytics import market as M
from souq.mm.analytics.market import Top
from souq.mm.analytics.symbol import analyse
from souq.mm.desk.book import Book

E, S = 10**9, 10**9


def book(bids, asks) -> Book:
    return Book(SymbolSpec("X", "B", "Q", E, E, E),
                tuple((p * E, q * E) for p, q in bids), tuple((p * E, q * E) for p, q in asks),
                None, True)


BOOK = book([(99, 1), (98, 2)], [(101, 3), (102, 1), (105, 2)])   # mid 100


def test_depth_curve():
    # asks: 3 to 101 (notional 303), 4 to 102 (+102 = 405), 6 to 105 (+210 = 615)
    assert M.depth_curve(BOOK, "sell") == [(101 * E, 3 * E, 303 * E * E),
                                          (102 * E, 4 * E, 405 * E * E),
                                          (105 * E, 6 * E, 615 * E * E)]
    assert M.depth_curve(book([], []), "buy") == []


def test_cost_to_trade():
    c = M.cost_to_trade(BOOK, "buy", 5 * E)
    # 3 @ 101 + 1 @ 102 + 1 @ 105 = 510 for 5: avg 102, 2 over the mid 100 = 200 bps
    assert c["avg_price"] == 102 * E and c["slippage"] == 2 * E
    assert c["slippage_bps"] == pytest.approx(200.0)
    assert c["levels"] == 3 and c["complete"] and c["notional"] == 510 * E * E
    c = M.cost_to_trade(BOOK, "sell", 4 * E)
    # only 3 on the bids: 99 + 2 x 98 = 295 for 3, avg 98 1/3, 1 2/3 under the mid
    assert c["filled"] == 3 * E and not c["complete"]
    assert c["avg_price"] == Fraction(295 * E, 3) and c["slippage"] == Fraction(5 * E, 3)
    assert M.cost_to_trade(book([], []), "buy", E)["avg_price"] is None


def test_microprice():
    # (99 x 3 + 101 x 1) / (1 + 3) = 398 / 4 = 99.5: nearer the thin bid
    assert M.microprice(BOOK) == Fraction(995 * E, 10)
    assert M.microprice(book([(99, 1)], [])) is None


TOPS = [Top(0, 99 * E, 1 * E, 101 * E, 1 * E),     # spread 2
        Top(1 * S, 99 * E, 2 * E, 101 * E, 1 * E),  # 2
        Top(2 * S, 99 * E, 2 * E, 107 * E, 1 * E),  # 8: a shock (> 2 x normal 2)
        Top(3 * S, 98 * E, 1 * E, 105 * E, 1 * E),  # 7
        Top(5 * S, 99 * E, 1 * E, 101 * E, 3 * E),  # 2: recovered 3 s after the shock
        Top(6 * S, None, 0, 101 * E, 3 * E)]        # one-sided: no spread


def test_spread_depth_and_resiliency():
    s = M.spread_stats(TOPS)
    # spreads 2, 2, 8, 7, 2: mean 21 / 5 = 4.2, median 2, min 2, max 8
    assert s["samples"] == 5 and s["mean"] == pytest.approx(4.2 * E)
    assert (s["median"], s["min"], s["max"]) == (2 * E, 2 * E, 8 * E)
    d = M.depth_stats(TOPS)
    assert d["bid"]["mean"] == pytest.approx(1.4 * E)      # 1, 2, 2, 1, 1
    assert d["ask"]["max"] == 3 * E
    r = M.resiliency(TOPS)
    assert r == {"normal": 2 * E, "shocks": 1, "recovered": 1, "mean_s": 3.0, "max_s": 3.0}
    assert M.resiliency([])["normal"] is None


def test_ofi():
    # 0->1: bid same price, 2 - 1 = +1; ask same, 1 - 1 = 0 -> +1
    # 1->2: bid same, 2 - 2 = 0; ask up 101->107: + old qty 1 -> +1
    # 2->3: bid down: - old qty 2; ask down: - new qty 1 -> -3
    # 3->4: bid up: + new 1; ask down: - new 3 -> -2
    # 4->5: bid gone: 0; ask same: 3 - 3 = 0 -> 0
    assert M.ofi(TOPS) == [E, E, -3 * E, -2 * E, 0]


def test_realised_volatility_and_roll():
    # log(110/100)^2 + log(99/110)^2
    rv = math.sqrt(math.log(1.1) ** 2 + math.log(0.9) ** 2)
    assert I.realised_volatility([100, 110, 99]) == pytest.approx(rv)
    assert I.realised_volatility([100]) is None
    # bounce 10, 11, 10, 11, 10: changes +1 -1 +1 -1; pairs (dp_t, dp_t-1): (-1, 1), (1, -1),
    # (-1, 1): means -1/3 and 1/3; deviations (-2/3, 2/3), (4/3, -4/3), (-2/3, 2/3);
    # products -4/9 - 16/9 - 4/9 = -8/3; / (3 - 1) = -4/3; Roll = 2 sqrt(4/3)
    assert I.roll_spread([10, 11, 10, 11, 10]) == pytest.approx(2 * math.sqrt(4 / 3))
    assert I.roll_spread([1, 2, 3, 4, 5]) is None          # cov 0: no bounce
    assert I.roll_spread([1, 2, 1]) is None                # too few changes


def test_sma_and_bollinger():
    assert I.sma([1, 2, 3, 4], 3) == [None, None, 2.0, 3.0]
    assert I.sma([1], 3) == [None]
    b = I.bollinger([1, 2, 3, 4], 3, 2)
    # window 1, 2, 3: mean 2, population sd sqrt(2/3)
    sd = math.sqrt(2 / 3)
    assert b[:2] == [None, None]
    assert b[2] == pytest.approx((2 - 2 * sd, 2, 2 + 2 * sd))
    assert b[3] == pytest.approx((3 - 2 * sd, 3, 3 + 2 * sd))


def test_rsi_wilder():
    # n = 2 on 1, 3, 2, 4: changes +2, -1, +2; first: gain (2 + 0) / 2 = 1, loss (0 + 1) / 2
    # = 0.5 -> RS 2 -> 100 - 100/3 = 66.67; next: gain (1 x 1 + 2) / 2 = 1.5, loss (0.5 + 0)
    # / 2 = 0.25 -> RS 6 -> 100 - 100/7
    r = I.rsi([1, 3, 2, 4], 2)
    assert r[:2] == [None, None]
    assert r[2] == pytest.approx(100 - 100 / 3) and r[3] == pytest.approx(100 - 100 / 7)
    assert I.rsi([5, 5, 5], 2)[2] == 50.0 and I.rsi([1, 2, 3], 2)[2] == 100.0
    assert I.rsi([1, 2], 14) == [None, None]


def test_analyse_is_json_ready():
    import json
    f = analyse(BOOK, [p * E for p in (10, 11, 10, 11, 10)], TOPS, 5 * E)
    assert f["mid"] == "100" and f["microprice"] == "99.5" and f["spread"] == "2"
    assert f["cost"]["buy"]["avg_price"] == "102" and f["cost"]["buy"]["slippage_bps"] == 200.0
    assert f["ofi"] == "-3"                    # 1 + 1 - 3 - 2 + 0
    assert f["roll_spread"] == float(f"{2 * math.sqrt(4 / 3):.10g}")
    assert f["sma_20"] is None and f["resiliency"]["mean_s"] == 3.0
    json.dumps(f)
