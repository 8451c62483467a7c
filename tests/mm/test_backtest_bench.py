"""`souq bench --backtest`'s pieces on a small scale: the synthetic data set's shape and
determinism, and that the report has every figure (no speed is asserted: that is the
bench's job, on a quiet machine)."""
from souq.engine.model import BUY, SELL
from souq.mm.backtest.bench import LOT, TICK, run_backtest_bench, synthetic_data
from souq.mm.marketdata.events import BookEvent, SnapshotEvent, TradeEvent


def test_the_synthetic_data_is_a_seeded_time_ordered_book_and_tape():
    ev = synthetic_data(3000, seed=4)
    assert ev == synthetic_data(3000, seed=4) and ev != synthetic_data(3000, seed=5)
    assert type(ev[0]) is SnapshotEvent and all(type(e) is BookEvent for e in ev[1:21])
    assert [e.ts for e in ev] == sorted(e.ts for e in ev)
    trades = [i for i, e in enumerate(ev) if type(e) is TradeEvent]
    assert len(trades) > 300
    for i in trades:
        t, after = ev[i], ev[i + 1]
        # the book update that reflects a trade comes right after it, at its price
        assert type(after) is BookEvent and after.ts == t.ts and after.price == t.price
        assert after.side == (SELL if t.side == BUY else BUY)
    assert all(e.price % TICK == 0 for e in ev[1:] if hasattr(e, "price"))
    assert all(e.size % LOT == 0 for e in ev if type(e) is BookEvent)


def test_the_report_has_every_figure():
    r = run_backtest_bench(3000, 2, points=2, point_seconds=1, load_events=5000)
    assert r["data_replay"]["events"] >= 3000 and r["data_replay"]["fills"] > 0
    assert r["data_replay"]["cpu_seconds"] > 0 and r["data_replay"]["events_per_cpu_s"] > 0
    # with the anchor's 10 ms latency, saying whether the replay ran compiled
    assert r["data_replay"]["latency_ms"] == 10
    assert r["data_replay"]["replay"]["kind"] in ("compiled", "pure")
    # the load: every stored book row came back as an event (plus the opening snapshot's
    # marker), beside the plain sqlite3 anchor reading the same rows
    load = r["data_load"]
    assert load["events"] == load["anchor_rows"] + 1 and load["events"] > 4000
    assert load["target_seconds_per_1m"] == 2.0 and load["ratio_anchor"] > 0
    assert load["cpu_seconds_per_1m"] > 0
    assert r["scenario"]["events"] > 0
    assert r["optimizer"]["identical"] is True and r["optimizer"]["points"] == 2
    for part in ("data_replay", "scenario"):
        assert r[part]["events_per_s"] > 0
