"""One backtest on a book data set and a trades data set merged in time (issue 12 item 15),
and the refusal of a fair-price source the data cannot feed.

The issue's input: book `t0 bid 3496.50 x2 snapshot`, `t0 ask 3503.50 x2 snapshot`,
`t0+1s bid 3496.50 size 1`, `t0+2s bid 3496.50 size 0.95`, `t0+4s ask 3503.50 size 2`;
trades `t0 3500.00 0.01 buy`, `t0+1s 3496.50 1 sell`, `t0+2s 3496.50 1.05 sell`,
`t0+4s 3500.00 0.01 buy`. A fixed_spread at 10/10 bps around the mid of 3500 bids
3496.50 for 0.1, queued behind the 2 displayed: the trade of 1 at t0+1s leaves 1 ahead
(no fill), the trade of 1.05 at t0+2s takes that 1 and 0.05 of ours.
"""
import re

import pytest

from souq.mm.backtest.run import Spec, run_backtest
from souq.mm.marketdata.events import BookEvent, SnapshotEvent, TradeEvent

P = S = 10**9
T0 = 1_709_285_400 * S
BOOK = [SnapshotEvent(T0), BookEvent(T0, "buy", 3496_50 * P // 100, 2 * P),
        BookEvent(T0, "sell", 3503_50 * P // 100, 2 * P),
        BookEvent(T0 + S, "buy", 3496_50 * P // 100, P),
        BookEvent(T0 + 2 * S, "buy", 3496_50 * P // 100, 95 * P // 100),
        BookEvent(T0 + 4 * S, "sell", 3503_50 * P // 100, 2 * P)]
TRADES = [TradeEvent(T0, 3500 * P, P // 100, "buy"),
          TradeEvent(T0 + S, 3496_50 * P // 100, P, "sell"),
          TradeEvent(T0 + 2 * S, 3496_50 * P // 100, 105 * P // 100, "sell"),
          TradeEvent(T0 + 4 * S, 3500 * P, P // 100, "buy")]
SETS = {"eth-book": ("book", BOOK), "eth-trades": ("trades", TRADES)}


def cfg(**params):
    base = {"bid_spread_bps": "10", "ask_spread_bps": "10", "order_amount": "0.1",
            "order_refresh_time": "0", "max_order_age": "0", "stale_after": "0",
            "max_inventory": "10", "max_order_size": "1"}
    return {"name": "fs", "version": 1, "template": "fixed_spread", "symbol": "ETH-USDT",
            "user": "mm-bt", "params": base | params}


def info(name):
    if name not in SETS:
        raise ValueError(f"no data set {name!r}")
    return {"name": name, "kind": SETS[name][0], "symbol": "ETH-USDT"}


def run(data, trades=None, **params):
    spec = Spec(cfg(**params), data=data, trades=trades)
    return run_backtest(spec, data_source=lambda name, start, end: iter(SETS[name][1]),
                        data_info=info)


def test_book_and_trades_together_give_the_one_queued_fill():
    result = run("eth-book", "eth-trades")
    assert [(f.ts - T0, f.side, f.price, f.qty, f.fee) for f in result.fills] == [
        (2 * S, "buy", 3496_50 * P // 100, 5 * P // 100, 174_825 * 10**12)]   # fee 0.174825
    plain = result.plain()
    assert [(f["price"], f["qty"], f["fee"]) for f in plain["fills"]] == [
        ("3496.5", "0.05", "0.174825")]
    assert plain["spec"]["data"] == "eth-book" and plain["spec"]["trades"] == "eth-trades"
    assert result.events == len(BOOK) + len(TRADES)


def test_book_alone_gives_no_fill_and_trades_alone_is_refused_for_a_mid_fair():
    assert run("eth-book").fills == []
    with pytest.raises(ValueError, match="fair_source=mid needs book data, but eth-trades "
                                         "holds trades only"):
        run("eth-trades")
    assert run("eth-trades", fair_source="last").orders       # last trade: trades serve


@pytest.mark.parametrize("data,trades,params,match", [
    ("eth-trades", "eth-book", {}, "--data 'eth-trades' holds trades; with --trades it must "
                                   "be a book data set"),
    ("eth-book", "eth-book", {}, "--data and --trades name the same data set"),
    ("eth-book", "nope", {}, "no data set 'nope'"),
    ("eth-book", "eth-trades", {"fair_source": "cross", "fair_symbol": "BTC-USDT"},
     "fair_source=cross reads BTC-USDT, which the data (eth-book, eth-trades) does not hold"),
    ("eth-trades", None, {"fair_source": "ema_microprice"},
     "fair_source=ema_microprice needs book data"),
])
def test_refusals_say_why(data, trades, params, match):
    with pytest.raises(ValueError, match=re.escape(match)):
        run(data, trades, **params)
