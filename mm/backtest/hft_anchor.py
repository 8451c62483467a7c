"""hftbacktest beside souq's backtester, on the same events (issue 16's anchor).

`souq bench --backtest` replays mm/backtest/bench.py's synthetic trades-plus-L2 data set
through souq; `hftbacktest_run` replays the very same events through hftbacktest (PyPI
`hftbacktest`, a Rust core driven by a Numba-compiled strategy; the optional `bench`
extra) with a comparable set-up:
- a fixed-spread quoter: every 50 ms of market time (souq's runner decides as often) it
  keeps one bid at the best bid and one ask at the best ask, 0.05 ETH each (bench.config:
  0.01 bps from the touch rounds to the touch), within an inventory of 5 ETH either way;
- order entry and response latency 10 ms each, no feed latency;
- the risk-averse queue model (an order joins the back of its level and only trades
  through it advance it: souq's pessimistic model), no partial fills on the quote side;
- no fees (the figure is speed, not PnL).
Reported: events/s of the replay alone, the one-off Numba compilation apart (timed on a
warm-up run of the first 10,000 events), and the fills hftbacktest made.
"""
import contextlib
import os
import time

HBT_INTERVAL_NS = 50_000_000
LATENCY_NS = 10_000_000
QTY = 0.05
MAX_POSITION = 5.0
WARMUP_EVENTS = 2_000


def _events_array(events):
    """bench.synthetic_data's events as hftbacktest's event array (prices and sizes as
    floats: hftbacktest's own unit). Snapshot markers become depth-clear events."""
    import numpy as np
    from hftbacktest import (BUY_EVENT, DEPTH_CLEAR_EVENT, DEPTH_EVENT, EXCH_EVENT,
                             LOCAL_EVENT, SELL_EVENT, TRADE_EVENT, event_dtype)
    from ..marketdata.events import BookEvent, TradeEvent
    out = np.zeros(len(events), dtype=event_dtype)
    both = EXCH_EVENT | LOCAL_EVENT
    for i, e in enumerate(events):
        row = out[i]
        row["exch_ts"] = row["local_ts"] = e.ts
        if isinstance(e, BookEvent):
            row["ev"] = both | DEPTH_EVENT | (BUY_EVENT if e.side == "buy" else SELL_EVENT)
            row["px"], row["qty"] = e.price / 1e9, e.size / 1e9
        elif isinstance(e, TradeEvent):
            row["ev"] = both | TRADE_EVENT | (BUY_EVENT if e.side == "buy" else SELL_EVENT)
            row["px"], row["qty"] = e.price / 1e9, e.qty / 1e9
        else:
            row["ev"] = both | DEPTH_CLEAR_EVENT
    return out


def _strategy():
    from hftbacktest import GTX, LIMIT
    from numba import njit

    @njit
    def quote(hbt, interval, qty, max_position, end_ts):
        bid_id = 0
        ask_id = 0
        next_id = 1
        while hbt.elapse(interval) == 0 and hbt.current_timestamp <= end_ts:
            hbt.clear_inactive_orders(0)
            depth = hbt.depth(0)
            if depth.best_bid != depth.best_bid or depth.best_ask != depth.best_ask:
                continue                                 # NaN: no touch yet
            position = hbt.position(0)
            orders = hbt.orders(0)
            bid_live = bid_id != 0 and orders.get(bid_id) is not None
            ask_live = ask_id != 0 and orders.get(ask_id) is not None
            if bid_live and orders.get(bid_id).price != depth.best_bid:
                hbt.cancel(0, bid_id, False)
                bid_live = False
            if ask_live and orders.get(ask_id).price != depth.best_ask:
                hbt.cancel(0, ask_id, False)
                ask_live = False
            if not bid_live and position < max_position:
                bid_id = next_id
                next_id += 1
                hbt.submit_buy_order(0, bid_id, depth.best_bid, qty, GTX, LIMIT, False)
            if not ask_live and position > -max_position:
                ask_id = next_id
                next_id += 1
                hbt.submit_sell_order(0, ask_id, depth.best_ask, qty, GTX, LIMIT, False)
        return next_id
    return quote


def _backtest(data):
    from hftbacktest import BacktestAsset, HashMapMarketDepthBacktest
    asset = (BacktestAsset().data([data]).linear_asset(1.0)
             .constant_latency(LATENCY_NS, LATENCY_NS).risk_adverse_queue_model()
             .no_partial_fill_exchange().trading_value_fee_model(0.0, 0.0)
             .tick_size(0.01).lot_size(0.0001))
    return HashMapMarketDepthBacktest([asset])


@contextlib.contextmanager
def _quiet_stderr():
    """hftbacktest's Rust core writes a warning line per order response it judges out of
    order straight to file descriptor 2; the bench's own output should stay readable."""
    saved = os.dup(2)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def hftbacktest_run(events) -> dict | None:
    """Events/s of hftbacktest replaying `events` (bench.synthetic_data) with the quoter
    above; None when hftbacktest (and so numpy and numba) is not installed."""
    try:
        import hftbacktest  # noqa: F401
    except ImportError:
        return None
    with _quiet_stderr():
        return _run(events)


def _run(events) -> dict:
    quote = _strategy()
    t0 = time.perf_counter()
    warm = _backtest(_events_array(events[:WARMUP_EVENTS]))
    quote(warm, HBT_INTERVAL_NS, QTY, MAX_POSITION, events[WARMUP_EVENTS - 1].ts)
    warm.close()
    compile_s = time.perf_counter() - t0
    data = _events_array(events)
    hbt = _backtest(data)
    t0, c0 = time.perf_counter(), time.process_time()
    # past the data's end hftbacktest keeps elapsing while orders are in flight
    orders = quote(hbt, HBT_INTERVAL_NS, QTY, MAX_POSITION, events[-1].ts) - 1
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    state = hbt.state_values(0)
    fills = int(state.num_trades)
    hbt.close()
    return {"events": len(events), "seconds": round(seconds, 3),
            "events_per_s": round(len(events) / seconds),
            "cpu_seconds": round(cpu, 3),
            "events_per_cpu_s": round(len(events) / cpu) if cpu > 0 else None,
            "orders": int(orders),
            "fills": fills, "position": round(float(state.position), 4),
            "compile_and_warmup_s": round(compile_s, 1)}
