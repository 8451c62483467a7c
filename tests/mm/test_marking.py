"""Issue 12 items 1 and 2: the market a strategy reads leaves its own orders out, and one
mark-to-market values every figure (kill switch, equity series, equity.csv, headline
PnL, attribution) at the same price."""
import pytest

from souq.engine.symbols import SymbolSpec
from souq.mm.backtest.export import files
from souq.mm.backtest.run import Spec, run_backtest
from souq.mm.desk.book import Book
from souq.mm.desk.fair import FairPrice
from souq.mm.desk.mark import equity, mark, without_own
from souq.mm.desk.quotes import Context, Live
from souq.mm.marketdata.events import BookEvent, SnapshotEvent, TradeEvent

S = 10**9
P = 10**9
T0 = 1_709_285_400 * S


def fixed_spread(name="f", **params) -> dict:
    return {"name": name, "version": 1, "template": "fixed_spread", "symbol": "ETH-USDT",
            "user": "mm-t", "params": {k: str(v) for k, v in params.items()}}


def backtest(cfg, events):
    return run_backtest(Spec(cfg, data="d"), data_source=lambda name, a, b: iter(events))


BOOK_3000_4000 = [SnapshotEvent(T0), BookEvent(T0, "buy", 3000 * P, P),
                  BookEvent(T0, "sell", 4000 * P, P), BookEvent(T0 + 30 * S, "buy", 2900 * P, P)]


@pytest.mark.parametrize("source", ["mid", "microprice", "depth_mid", "ema_mid",
                                    "ema_microprice", "ema_depth_mid"])
def test_fair_price_ignores_the_strategys_own_quotes(source):
    # the others' book is 3000 / 4000 for 30 s: fair 3500 whatever our quotes are, so two
    # orders, 5 bps below and 1 bp above it, stay put the whole time (they used to walk
    # down 0.7 a second chasing their own mid: 62 orders, ending near 3477/3479)
    cfg = fixed_spread(bid_spread_bps=5, ask_spread_bps=1, order_refresh_tolerance=0,
                       max_order_age=0, stale_after=0, skew_mode="none", fair_source=source)
    r = backtest(cfg, BOOK_3000_4000)
    quoted = [(o["ts"] - T0, o["side"], o["price"]) for o in r.orders]
    assert quoted[:2] == [(0, "buy", 349825 * P // 100), (0, "sell", 350035 * P // 100)]
    # (the depth-weighted sources see the 2900 level at 30 s as real depth and move their
    # two orders then, by amend: still two orders)
    assert len(quoted) == 2
    assert r.fills == [] and r.mids == [(T0, 3500 * P)]


def book(bids, asks, last=None, symbol="X"):
    return Book(SymbolSpec(symbol, "B", "Q", 1, 1, 1), tuple(bids), tuple(asks),
                last, True)


def test_without_own_takes_our_remaining_quantity_out_of_each_level():
    b = book([(100, 5), (99, 2)], [(101, 1), (102, 3)])
    live = (Live("a", "X", "buy", 100, 5, 2, 0), Live("b", "X", "sell", 101, 1, 1, 0),
            Live("c", "Y", "sell", 102, 3, 3, 0))             # another symbol: not here
    m = without_own(b, live)
    assert (m.bids, m.asks) == (((100, 3), (99, 2)), ((102, 3),))
    assert without_own(b, ()) is b


def test_every_source_and_the_cross_symbol_read_the_market_without_own_orders():
    mine = book([(100, 1)], [(110, 1)])                     # our own quotes only
    others = book([(90, 1)], [(130, 1)], last=95)
    live = (Live("a", "X", "buy", 100, 1, 1, 0), Live("b", "X", "sell", 110, 1, 1, 0))
    whole = book([(100, 1), (90, 1)], [(110, 1), (130, 1)], last=95)
    ctx = Context(0, whole, {"X": whole}, None, 0, 0, 1, live)
    assert ctx.market == others
    assert FairPrice("mid")(0, ctx.market, {}) == 110 != mine.mid
    cross = book([(1000, 1), (900, 1)], [(1100, 1)], symbol="Y")
    y_live = (Live("h", "Y", "buy", 1000, 1, 1, 0),)
    f = FairPrice("cross", cross_symbol="Y")
    assert f(0, ctx.market, {"Y": without_own(cross, y_live)}) == 1000


def test_mark_is_the_others_mid_else_the_last_trade():
    assert mark(3500 * P, 3000 * P) == 3500 * P
    assert mark(None, 3000 * P) == 3000 * P
    assert mark(None, None) is None
    # 0.1 bought at 3496.5 with a fee of 0.34965, marked at 3000: -49.99965
    cash = -(3496_500_000_000 * 100_000_000) - 349_650_000_000_000_000
    assert equity(10**17, cash, 3000 * P) == -49_999_650_000_000_000_000


def test_headline_pnl_marks_at_the_last_trade_like_the_kill_switch():
    trades = [TradeEvent(T0, 3500 * P, P // 100, "buy"), TradeEvent(T0 + S, 3000 * P, P, "sell")]
    t = T0 + S
    for gap in (2, 1, 3, 2, 1, 1):
        t += gap * S
        trades.append(TradeEvent(t, 3000 * P, P // 100, "buy"))
    cfg = fixed_spread(fair_source="last", bid_spread_bps=10, ask_spread_bps=10,
                       order_amount="0.1", max_loss=10)
    r = backtest(cfg, trades)
    assert (r.stopped, r.reason) == ("killed", "kill switch: loss 49.99965 reached max_loss 10")
    f = r.figures
    assert f["pnl"] == {"realised": "0", "unrealised": "-49.65", "fees": "0.34965",
                        "total": "-49.99965", "mark": "3000"}
    assert f["max_drawdown"] == "49.99965"
    assert f["attribution"]["total"] == "-49.99965"
    rows = files(r.plain())["equity.csv"].splitlines()
    assert rows[0] == "time,equity,inventory,mark"
    assert rows[-1].split(",")[1:] == ["-49.99965", "0.1", "3000"]
