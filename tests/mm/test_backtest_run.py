"""Scenario backtests are deterministic to the byte; data windows; the stored run and its
export round trip."""
import csv
import io
import json

import btkit as K
import pytest
from btkit import P, S
from sqlalchemy import create_engine

from souq.db import backtests as B
from souq.db.schema import BtRun
from souq.mm.backtest.export import files
from souq.mm.backtest.run import Spec, run_backtest
from souq.mm.desk.demo_configs import configurations
from souq.mm.marketdata.events import BookEvent, TradeEvent


def fixed_btc():
    cfg = next(c for c in configurations() if c["name"] == "fixed-btc")
    return cfg | {"version": 1}


def scenario_spec(seed=4, **kw):
    return Spec(fixed_btc(), scenario="normal", seed=seed, duration_ns=10 * S, **kw)


def test_same_spec_and_seed_give_byte_identical_json_another_seed_does_not():
    a, b = run_backtest(scenario_spec()), run_backtest(scenario_spec())
    assert a.to_json() == b.to_json()
    assert a.events > 0 and a.orders and len(a.series) == 11      # 0..9 s and the end
    assert a.to_json() != run_backtest(scenario_spec(seed=5)).to_json()


def test_overrides_and_latency_reach_the_run():
    r = run_backtest(scenario_spec(overrides={"order_amount": "0.003"}, latency_ns=10**7))
    assert {o["qty"] for o in r.orders} == {3 * 10**6}
    assert r.spec["overrides"] == {"order_amount": "0.003"}
    assert r.spec["params"]["order_amount"] == "0.003"


def test_bad_specs_are_refused():
    with pytest.raises(ValueError, match="exactly one"):
        run_backtest(Spec(fixed_btc()))
    with pytest.raises(ValueError, match="unknown scenario"):
        run_backtest(Spec(fixed_btc(), scenario="nope"))
    with pytest.raises(ValueError, match="unknown parameter"):
        run_backtest(Spec(fixed_btc(), scenario="normal", overrides={"nope": "1"}))


def test_a_scenario_object_with_shocks_moves_the_market():
    from souq.mm.scenarios import Shock
    from souq.mm.sim import SimParams

    class Crash:
        name = "crash"

        def __init__(self, move):
            self.move = move

        def build(self, seed, params, *, symbols=()):
            return SimParams(symbols=symbols), [Shock(2 * S, fair=self.move)]

    calm, crash = (run_backtest(Spec(fixed_btc(), scenario=Crash(m), seed=1,
                                     duration_ns=6 * S)) for m in (0.0, -0.05))
    assert crash.spec["scenario"] == "crash"
    assert calm.mids[:5] == crash.mids[:5]                  # the same market until 2 s
    assert crash.mids[-1][1] < calm.mids[-1][1] * 998 // 1000       # informed flow chases it


def test_the_window_keeps_only_its_events():
    bid = 3500 * P
    events = [TradeEvent(S, bid, P, "sell"), BookEvent(2 * S, "buy", bid, P),
              TradeEvent(3 * S, bid, P, "sell"), TradeEvent(4 * S, bid, P, "sell")]
    r = run_backtest(Spec(K.cfg(bid="3500", size="1"), data="t", start=2 * S, end=4 * S),
                     data_source=lambda name, start, end: iter(events))
    assert r.events == 2
    assert [(f.ts, f.qty) for f in r.fills] == []            # 1 ahead, consumed at 3 s
    assert r.series[0][0] == 2 * S and r.series[-1][0] == 4 * S


def test_store_and_export_round_trip(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'b.db'}")
    BtRun.metadata.create_all(engine, tables=[BtRun.__table__])
    r = run_backtest(scenario_spec())
    text = r.to_json()
    rid = B.save(engine, r.spec, text, r.figures, r.events, code_version="t", created_ts=1)
    with engine.connect() as conn:
        row = B.run(conn, rid)
        assert [x["id"] for x in B.runs(conn)] == [rid]
    assert row["result"] == text and row["figures"] == r.figures and row["seed"] == 4
    out = files(json.loads(row.pop("result")))
    eq = list(csv.reader(io.StringIO(out["equity.csv"])))
    assert eq[0] == ["time", "equity", "inventory", "mark"] and len(eq) == len(r.series) + 1
    ts, e, q, m = r.series[-1]
    from souq.engine.numbers import fmt, fmt_amount
    assert eq[-1] == [str(ts), fmt_amount(e), fmt(q), "" if m is None else fmt(m)]
    fl = list(csv.reader(io.StringIO(out["fills.csv"])))
    assert fl[0] == ["time", "side", "price", "qty", "fee"]
    assert fl[1:] == [[str(f.ts), f.side, fmt(f.price), fmt(f.qty), fmt_amount(f.fee)]
                      for f in r.fills]
    assert json.loads(out["run.json"])["fills"] == json.loads(text)["fills"]
    assert B.delete(engine, rid) and not B.delete(engine, rid)
