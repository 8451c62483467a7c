"""The data backtest's fill model, exactly: a resting bid at 3500 on ETH-USDT (maker fee
0.1 %, taker 0.2 %) against replayed trades and book levels, with and without latency."""
import btkit as K
from btkit import P, S

from souq.mm.backtest.run import Spec, run_backtest
from souq.mm.marketdata.events import BookEvent, SnapshotEvent, TradeEvent

BID = 3500 * P


def run(events, latency_ns=0, **params):
    spec = Spec(K.cfg(**({"bid": "3500", "size": "1"} | params)), data="t", start=0,
                end=5 * S, latency_ns=latency_ns)
    return run_backtest(spec, data_source=lambda name, start, end: iter(events))


def fills(result):
    return [(f.ts, f.side, f.price, f.qty, f.fee) for f in result.fills]


def fee(price, qty, rate=1):   # maker 0.1 % at 1e-18, price and qty at 1e-9
    return price * qty * rate // 1000


def test_no_book_data_nothing_is_ahead_a_trade_at_the_price_fills_first():
    r = run([TradeEvent(S, BID, P // 4, "sell")])
    assert fills(r) == [(S, "buy", BID, P // 4, fee(BID, P // 4))]
    assert fee(BID, P // 4) == 875 * 10**15          # 0.875 USDT
    assert r.orders == [{"id": "bt.1", "ts": 0, "side": "buy", "price": BID, "qty": P,
                         "status": "cancelled", "filled": P // 4}]


def test_a_trade_above_the_bid_or_a_buy_never_fills_it():
    r = run([TradeEvent(S, BID + 10**7, P, "sell"), TradeEvent(2 * S, BID, P, "buy")])
    assert fills(r) == []


def test_queue_ahead_is_consumed_first_then_partial_then_the_rest():
    r = run([BookEvent(0, "buy", BID, 2 * P),               # ahead of the own bid (t=0)
             TradeEvent(S, BID, 3 * P // 2, "sell"),        # 1.5 of the 2 ahead
             TradeEvent(2 * S, BID, P, "sell"),             # 0.5 ahead, then 0.5 own
             TradeEvent(3 * S, BID, P, "sell")])            # own 0.5, then the backstop
    assert fills(r) == [(2 * S, "buy", BID, P // 2, fee(BID, P // 2)),
                        (3 * S, "buy", BID, P // 2, fee(BID, P // 2))]
    assert r.orders[0]["status"] == "filled" and r.orders[0]["filled"] == P


def test_depth_added_after_the_own_order_queues_behind_it():
    r = run([BookEvent(0, "buy", BID, 2 * P),
             BookEvent(S, "buy", BID, 5 * P),               # +3 behind the own bid
             TradeEvent(2 * S, BID, 5 * P // 2, "sell")])   # 2 ahead, then 0.5 own
    assert fills(r) == [(2 * S, "buy", BID, P // 2, fee(BID, P // 2))]


def test_shrinking_depth_is_cut_behind_first_never_ahead():
    r = run([BookEvent(0, "buy", BID, 2 * P),
             BookEvent(S, "buy", BID, 4 * P),               # 2 ahead, own, 2 behind
             BookEvent(2 * S, "buy", BID, P),               # cut 2 behind, keep 2 ahead
             TradeEvent(3 * S, BID, 2 * P, "sell"),         # exactly what is ahead
             TradeEvent(4 * S, BID, P // 10, "sell")])
    assert fills(r) == [(4 * S, "buy", BID, P // 10, fee(BID, P // 10))]


def test_the_level_vanishing_puts_the_own_order_first():
    r = run([BookEvent(0, "buy", BID, 2 * P), BookEvent(S, "buy", BID, 0),
             TradeEvent(2 * S, BID, P // 2, "sell")])
    assert fills(r) == [(2 * S, "buy", BID, P // 2, fee(BID, P // 2))]


def test_a_snapshot_drops_unlisted_levels_and_keeps_listed_queues():
    r = run([BookEvent(0, "buy", BID, 2 * P), BookEvent(0, "buy", BID - 10**7, P),
             SnapshotEvent(S), BookEvent(S, "buy", BID, 2 * P),
             TradeEvent(2 * S, BID, 2 * P, "sell"),         # the 2 still ahead
             TradeEvent(3 * S, BID - 10**7, P, "sell")])    # through the bid: fills it
    assert fills(r) == [(3 * S, "buy", BID, P, fee(BID, P))]


def test_a_trade_through_the_price_fills_whatever_was_queued_ahead():
    r = run([BookEvent(0, "buy", BID, 5 * P),
             TradeEvent(S, BID - 10**7, 3 * P // 10, "sell")])   # 3499.99 for 0.3
    assert fills(r) == [(S, "buy", BID, 3 * P // 10, fee(BID, 3 * P // 10))]


def test_cancelled_before_the_trade_nothing_fills():
    r = run([TradeEvent(3 * S // 2, BID, P, "sell")], until="1")
    assert fills(r) == []
    assert [(o["status"], o["filled"]) for o in r.orders] == [("cancelled", 0)]


def test_a_trade_at_the_moment_of_the_cancel_comes_first():
    r = run([TradeEvent(S, BID, P // 2, "sell")], until="1")
    assert fills(r) == [(S, "buy", BID, P // 2, fee(BID, P // 2))]


def test_latency_delays_the_order():
    ms = 1_000_000
    r = run([TradeEvent(50 * ms, BID, P, "sell"),           # order still on its way
             TradeEvent(100 * ms, BID, P // 5, "sell"),     # it lands at 100 ms: after
             TradeEvent(150 * ms, BID, P // 4, "sell")], latency_ns=100 * ms)
    assert fills(r) == [(150 * ms, "buy", BID, P // 4, fee(BID, P // 4))]
    assert r.orders[0]["ts"] == 0


def test_latency_delays_the_cancel():
    ms = 1_000_000
    r = run([TradeEvent(S + 100 * ms, BID, P // 4, "sell"),      # cancel sent at 1 s...
             TradeEvent(S + 300 * ms, BID, P // 4, "sell")],     # ...lands at 1.2 s
            latency_ns=200 * ms, until="1")
    assert fills(r) == [(S + 100 * ms, "buy", BID, P // 4, fee(BID, P // 4))]
    assert r.orders[0]["status"] == "cancelled"


def test_a_buy_aggressor_fills_a_resting_ask_with_its_fee():
    r = run([TradeEvent(S, 3600 * P, 2 * P, "buy")], bid="0", ask="3600", size="1.5")
    assert fills(r) == [(S, "sell", 3600 * P, 3 * P // 2, fee(3600 * P, 3 * P // 2))]
    assert r.series[-1][2] == -3 * P // 2          # inventory after the fill
