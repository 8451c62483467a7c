"""The backtest's pluggable models (mm/backtest/models.py), exactly: the queue models'
split of a cut, the probabilistic queue on replayed data, entry and response latency,
the fee models; and the default run equals the explicit pessimistic/constant/symbol one."""
import dataclasses

import btkit as K
import pytest
from btkit import P, S

from souq.mm.backtest.models import (Latency, Pessimistic, Probabilistic, fee_model,
                                     queue_model)
from souq.mm.backtest.run import Spec, run_backtest
from souq.mm.marketdata.events import BookEvent, TradeEvent
from test_backtest_run import scenario_spec

BID = 3500 * P
STEP = 100_000                      # ETH-USDT qty step, 0.0001
ms = 1_000_000


def spec(**kw):
    params = {"bid": "3500", "size": "1"} | kw.pop("params", {})
    return Spec(K.cfg(**params), data="t", start=0, end=5 * S, **kw)


def run(events, **kw):
    return run_backtest(spec(**kw), data_source=lambda name, start, end: iter(events))


def fills(result):
    return [(f.ts, f.side, f.price, f.qty, f.fee) for f in result.fills]


def test_queue_model_splits_exactly():
    assert Pessimistic().split(5, 10, 3) == (0, 3)
    assert Probabilistic().split(9, 20, 10) == (8, 1)         # 9 * 8000 // 9000
    assert Probabilistic(1).split(9, 20, 10) == (6, 3)        # 9 * 20 // 30
    assert Probabilistic().split(15, 10, 5) == (10, 5)        # capped at what is ahead
    assert Probabilistic().split(5, 0, 10) == (0, 5)
    assert Probabilistic().split(5, 10, 2) == (4, 1)          # 5 * 1000 // 1008
    assert Probabilistic().split(5, 10, 1) == (4, 1)
    assert Probabilistic().split(12, 10, 1) == (10, 1)        # behind short: from ahead
    assert Probabilistic().split(9, 20, 10, step=5) == (5, 4)  # floored to the step


def test_model_names_and_errors():
    assert queue_model("pessimistic").name == "pessimistic"
    assert queue_model("probabilistic") == Probabilistic(3)
    assert queue_model("probabilistic:2").name == "probabilistic:2"
    for bad in ("nope", "probabilistic:0", "probabilistic:x", "pessimistic:1"):
        with pytest.raises(ValueError, match="use pessimistic, probabilistic"):
            queue_model(bad)
    assert fee_model("symbol").rate is None and fee_model("zero").rate == 0
    assert fee_model("flat_bps:2.5").rate == 250_000        # 0.00025 at 1e-9
    for bad in ("nope", "flat_bps", "flat_bps:-1", "flat_bps:x", "zero:1"):
        with pytest.raises(ValueError, match="use symbol, zero or flat_bps:B"):
            fee_model(bad)


EVENTS = [BookEvent(0, "buy", BID, 2 * P),                 # 2 ahead of the own bid
          BookEvent(S, "buy", BID, 3 * P),                 # 1 behind it
          BookEvent(2 * S, "buy", BID, 2 * P)]             # cut 1 without a trade


def test_probabilistic_queue_advances_by_the_exact_expected_amount():
    ahead = (P * 8 // 9) // STEP * STEP                    # of the cut, from ahead
    assert ahead == 888_800_000
    left = 2 * P - ahead                                   # still ahead of the own bid
    trade = [TradeEvent(3 * S, BID, left + P // 4, "sell")]
    r = run(EVENTS + trade, queue_model=queue_model("probabilistic"))
    assert fills(r) == [(3 * S, "buy", BID, P // 4, BID * (P // 4) // 1000)]
    assert r.spec["models"]["queue"] == "probabilistic"
    assert fills(run(EVENTS + trade)) == []               # pessimistic: 2 still ahead


def test_default_run_equals_the_explicit_models():
    events = EVENTS + [TradeEvent(3 * S, BID, 5 * P // 2, "sell")]
    a = run(events, latency_ns=20 * ms)
    b = run(events, latency_ns=20 * ms, queue_model=queue_model("pessimistic"),
            latency=Latency(20 * ms, 20 * ms), fee_model=fee_model("symbol"))
    assert a.to_json() == b.to_json() and a.fills
    assert a.spec["models"] == {"queue": "pessimistic", "latency": "constant",
                                "entry_ns": 20 * ms, "response_ns": 20 * ms,
                                "fees": "symbol"}
    sc = scenario_spec()
    explicit = dataclasses.replace(sc, queue_model=queue_model("pessimistic"),
                                   latency=Latency(0, 0), fee_model=fee_model("symbol"))
    assert run_backtest(sc).to_json() == run_backtest(explicit).to_json()


def test_entry_latency_delays_arrival_and_response_latency_the_notice():
    events = [TradeEvent(50 * ms, BID, P, "sell"),         # the order is on its way
              TradeEvent(100 * ms, BID, P // 4, "sell")]   # it landed at 60 ms: fills
    r = run(events, latency=Latency(60 * ms, 300 * ms))
    assert fills(r) == [(100 * ms, "buy", BID, P // 4, BID * (P // 4) // 1000)]
    assert r.spec["latency_ns"] == 60 * ms
    # the strategy hears of the fill at 400 ms: its tape gets it then, not before
    s = spec(latency=Latency(60 * ms, 300 * ms))
    from souq.mm.backtest import run as R
    loop = R._DataLoop(s, iter(events), None)
    times, at = [], []
    orig, deliver = loop.runner._notice, loop.runner.deliver
    loop.runner.deliver = lambda until: (at.append(until), deliver(until))[1]
    loop.runner._notice = lambda trades: (times.append((at[-1], trades[0][2])),
                                          orig(trades))
    loop.run()
    assert times == [(400 * ms, 100 * ms)]     # the fill at 100 ms, noticed at 400 ms
    assert loop.runner.unnoticed == {}


def test_fee_models_charge_exactly():
    trade = [TradeEvent(S, BID, P // 4, "sell")]
    q = P // 4
    assert fills(run(trade))[0][4] == BID * q // 1000              # maker 0.1 %
    assert fills(run(trade, fee_model=fee_model("zero")))[0][4] == 0
    r = run(trade, fee_model=fee_model("flat_bps:2.5"))
    assert fills(r)[0][4] == BID * q * 250_000 // 10**9            # 2.5 bp
    assert r.spec["models"]["fees"] == "flat_bps:2.5"


def test_a_fill_not_yet_noticed_is_not_placed_again():
    """Filled out at 1 s, heard of at 1.5 s: meanwhile the strategy still sees its order
    open (so places nothing new); after, it knows it filled."""
    events = [TradeEvent(S, BID, P, "sell")]
    for response in (0, 500 * ms):
        r = run(events, latency=Latency(0, response))
        assert fills(r) == [(S, "buy", BID, P, BID * P // 1000)]
        assert [(o["id"], o["status"], o["filled"]) for o in r.orders] == [
            ("bt.1", "filled", P)]
        assert r.series[-1][2] == P                       # inventory


def test_chosen_gives_the_spec_fields_and_names_a_bad_field_by_its_label():
    from souq.mm.backtest.models import Latency, Probabilistic, chosen
    labels = ("Q", "E", "R", "F")
    got = chosen(" probabilistic:2 ", "1.5", "30", "zero", labels)
    assert got == {"latency_ns": 1_500_000, "latency": Latency(1_500_000, 30_000_000),
                   "queue_model": Probabilistic(2), "fee_model": got["fee_model"]}
    assert (got["fee_model"].name, got["fee_model"].rate) == ("zero", 0)
    for args, start in ((("nope", "0", "0", "symbol"), "Q: queue model 'nope'"),
                        (("pessimistic", "-1", "0", "symbol"), "E: "),
                        (("pessimistic", "0", "60001", "symbol"), "R: "),
                        (("pessimistic", "0", "0", "flat"), "F: fee model 'flat'")):
        try:
            chosen(*args, labels)
        except ValueError as exc:
            assert str(exc).startswith(start), (args, str(exc))
        else:
            raise AssertionError(f"{args} accepted")
