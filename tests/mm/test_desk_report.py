"""A run's report from the database, on a small run computed by hand."""
import desk_kit as kit

from souq.db import desk
from souq.db.api import Api
from souq.mm.desk.report import report

S = 10**9
T0 = 1_700_000_000 * S


def test_report_of_a_small_run(tmp_path):
    clock = [T0]
    api = Api(str(tmp_path / "r.db"), clock=lambda: clock[0])
    assert all(o.reason is None for o in api.execute_many(
        kit.market_commands(maker="0.001", taker="0.002")[:-2]).outcomes)   # an empty book
    desk.save_config(api.db, "t1", "test_ladder", "T-USD", "mm", {}, T0)
    run = desk.start_run(api.db, "t1", 1, "live", T0, api.store.ex.seq, "100", "1000000")

    def do(*cmds):
        clock[0] += S
        assert all(o.reason is None for o in api.execute_many(list(cmds)).outcomes)

    lim = {"op": "limit", "symbol": "T-USD"}
    do(dict(lim, id="a", user="mm", side="buy", price="100", qty="1"),
       {"op": "market", "id": "m1", "user": "x", "symbol": "T-USD", "side": "sell", "qty": "1"})
    do(dict(lim, id="b", user="mm", side="sell", price="110", qty="0.5"),
       {"op": "market", "id": "m2", "user": "x", "symbol": "T-USD", "side": "buy", "qty": "0.5"})
    do(dict(lim, id="c", user="x", side="buy", price="104", qty="1"),
       dict(lim, id="d", user="x", side="sell", price="106", qty="1"))
    desk.add_samples(api.db, run, [(T0 + i * S, "0", eq, None)
                                   for i, eq in enumerate(["0", "3", "-1", "7.345"])])
    desk.log_alert(api.db, T0 + S, "t1", "warning", "inventory", "inventory at 70%")
    desk.log_alert(api.db, T0 + 2 * S, "t1", "warning", "inventory", "inventory at 75%")
    desk.log_alert(api.db, T0 - 100 * S, "other", "warning", "inventory", "not ours")
    desk.set_run_state(api.db, run, "stopped", ts=clock[0], reason="done")
    do({"op": "market", "id": "later", "user": "mm", "symbol": "T-USD", "side": "buy",
        "qty": "0.1"})                                           # after the run: not counted

    r = report(api, run)
    # bought 1 @ 100 (maker fee 0.1), sold 0.5 @ 110 (maker fee 0.055); mark: the book's
    # mid (104 + 106) / 2 = 105, as no sample carries a mid
    assert r["trades"] == {"count": 2, "buy": {"count": 1, "volume": "1", "notional": "100"},
                           "sell": {"count": 1, "volume": "0.5", "notional": "55"}}
    assert r["mid"] == "105"
    assert r["assets_start"] == {"T": "100", "USD": "1000000"}
    assert r["assets_now"] == {"T": "100.5", "USD": "999954.845"}
    assert r["hold_value"] == "1010500"                   # 100 x 105 + 1,000,000
    assert r["strategy_value"] == "1010507.345"           # 100.5 x 105 + 999,954.845
    assert r["pnl"] == {"realised": "5", "unrealised": "2.5", "fees": "0.155",
                        "total": "7.345", "return_pct": "0.000727"}
    # spread capture is the attribution's: the edge against the mid each fill met; no
    # sample carries a mid, so none is known at the fills and no edge is claimed
    assert (r["spread_captured"], r["spread_captured_bps"]) == ("0", "0")
    assert r["spread_captured"] == r["analytics"]["attribution"]["spread"]
    assert (r["inventory"], r["max_inventory"]) == ("0.5", "1")
    assert r["max_drawdown"] == "4"                        # from 3 down to -1
    # three one-second periods: no ratio, and the report says why
    assert r["sharpe"] is None and r["ratios_note"].startswith("run too short")
    assert (r["alerts"]["count"], r["alerts"]["repeats"]) == (1, 1)
    assert r["alerts"]["items"][0]["text"] == "inventory at 75%"
    assert (r["state"], r["reason"], r["samples"]) == ("stopped", "done", 4)
    api.close()


def test_a_live_run_gets_the_backtest_analytics(tmp_path):
    """The same small run: bought 1 @ 100 (fee 0.1), sold 0.5 @ 110 (fee 0.055), both as
    maker; samples carry mids 100 then 104, so the mark is 104."""
    clock = [T0]
    api = Api(str(tmp_path / "r.db"), clock=lambda: clock[0])
    assert all(o.reason is None for o in api.execute_many(
        kit.market_commands(maker="0.001", taker="0.002")[:-2]).outcomes)
    desk.save_config(api.db, "t1", "test_ladder", "T-USD", "mm", {}, T0)
    run = desk.start_run(api.db, "t1", 1, "live", T0, api.store.ex.seq, "100", "1000000")
    lim = {"op": "limit", "symbol": "T-USD"}
    for cmds in ([dict(lim, id="a", user="mm", side="buy", price="100", qty="1"),
                  {"op": "market", "id": "m1", "user": "x", "symbol": "T-USD", "side": "sell",
                   "qty": "1"}],
                 [dict(lim, id="b", user="mm", side="sell", price="110", qty="0.5"),
                  {"op": "market", "id": "m2", "user": "x", "symbol": "T-USD", "side": "buy",
                   "qty": "0.5"}],
                 [dict(lim, id="q", user="mm", side="buy", price="90", qty="2")]):
        clock[0] += S
        assert all(o.reason is None for o in api.execute_many(cmds).outcomes)
    desk.add_samples(api.db, run, [(T0 + S, "1", "0", "100"), (T0 + 2 * S, "0.5", "4.845", "104")])
    desk.set_run_state(api.db, run, "stopped", ts=clock[0], reason="done")
    clock[0] += S
    api.execute({"op": "limit", "id": "later", "user": "mm", "symbol": "T-USD", "side": "buy",
                 "price": "95", "qty": "1"})                      # after the stop: not counted
    a = report(api, run)["analytics"]
    assert a["fills"] == 2 and a["orders"] == 3
    # realised 0.5 x (110 - 100) = 5; open 0.5 marked at 104: 0.5 x (104 - 100) = 2
    assert a["pnl"] == {"realised": "5", "unrealised": "2", "fees": "0.155", "total": "6.845",
                        "mark": "104"}
    assert a["fill_ratio_qty"] == 0.4285714286               # 1.5 filled of 3.5 quoted
    assert a["fill_ratio_orders"] == 0.6666666667           # a and b of a, b, q
    api.close()


def test_a_run_with_no_mark_values_nothing_at_a_price_of_zero(tmp_path):
    """No trade, no sample's mid and an empty book: there is no mark, so what the run holds
    in base has no value to show. The values and the return are unknown (None, shown
    "–"), never a figure at price 0 (which read 1,000,000 for 100 T and 1,000,000 USD);
    the PnL is still known, as nothing moved."""
    api = Api(str(tmp_path / "r.db"), clock=lambda: T0)
    assert all(o.reason is None for o in api.execute_many(
        kit.market_commands(maker="0.001", taker="0.002")[:-2]).outcomes)   # an empty book
    desk.save_config(api.db, "t1", "test_ladder", "T-USD", "mm", {}, T0)
    run = desk.start_run(api.db, "t1", 1, "live", T0, api.store.ex.seq, "100", "1000000")
    desk.set_run_state(api.db, run, "stopped", ts=T0 + S, reason="done")
    r = report(api, run)
    assert r["mid"] is None and r["trades"]["count"] == 0
    assert (r["hold_value"], r["strategy_value"]) == (None, None)
    assert r["pnl"]["total"] == "0" and r["pnl"]["return_pct"] is None
    assert r["max_drawdown"] == "0"
