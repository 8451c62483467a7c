"""Issue 12 items 3, 4 and 8 on a live run through the database: the report is built from
the same committed trades the kill switch saw (even when they were committed after the
step's clock reading, as the simulator's are), `mm status` agrees with it, spread capture
has one definition, and market impact is measured for live runs as for backtests."""
import desk_kit as kit
import pytest

from souq.db import desk
from souq.db.api import Api
from souq.mm.desk.report import report
from souq.mm.desk.api_runner import ApiRunner
from souq.mm.desk.status import status

S = 10**9
T0 = 1_700_000_000 * S


@pytest.fixture
def killed(tmp_path):
    """t1 quotes 998 / 1002 around the others' mid 1000 (x: 990 x5 and 980 x5 / 1010 x5);
    y then sells 5.5 at market, committed half a second after the runner read its clock:
    our 0.5 at 998 and x's 5 at 990 trade, the others' mid falls to (980 + 1010) / 2 = 995,
    and 0.5 bought at 998 marked at 995 loses 1.5 > max_loss 1."""
    url = str(tmp_path / "desk.db")
    clock = kit.Clock(T0)
    api = Api(url, clock=clock)
    setup = kit.market_commands() + [
        {"op": "limit", "id": "xb2", "user": "x", "symbol": "T-USD", "side": "buy",
         "price": "980", "qty": "5"},
        {"op": "user", "user": "y", "role": "trader"},
        {"op": "deposit", "user": "y", "asset": "T", "amount": "100"}]
    assert all(o.reason is None for o in api.execute_many(setup).outcomes)
    desk.save_config(api.db, "t1", "test_ladder", "T-USD", "mm",
                     {"ticks": "2", "size": "0.5", "max_loss": "1"}, T0, stage="paper")
    r = ApiRunner(url, "t1", clock=clock)
    r.start(clock())
    clock.now += S
    assert len(r.step(clock.now).commands) == 2
    step_read = clock.now + S                  # the loop reads its clock...
    clock.now = step_read + S // 2             # ...the simulator trades after it
    y = Api(url, actor="y", clock=clock)
    assert y.execute({"op": "market", "id": "ys", "user": "y", "symbol": "T-USD",
                      "side": "sell", "qty": "5.5"}).accepted
    y.close()
    rep = r.step(step_read)
    yield api, r, rep
    r.close()
    api.close()


def test_the_report_holds_the_fills_that_tripped_the_kill_switch(killed):
    api, r, rep = killed
    assert rep.equity == -1_500_000_000_000_000_000
    assert (r.done, r.reason) == ("killed", "kill switch: loss 1.5 reached max_loss 1")
    (alert,) = [a for a in api.read(desk.alerts, source="t1", limit=None)
                if a["kind"] == "kill_switch"]
    assert alert["text"].startswith("kill switch: loss 1.5 reached max_loss 1;")
    got = report(api, r.run_id)
    assert got["trades"]["count"] == 1 == len(api.trades(user="mm"))
    assert got["trades"]["buy"] == {"count": 1, "volume": "0.5", "notional": "499"}
    assert got["mid"] == "995"
    assert got["pnl"] == {"realised": "0", "unrealised": "-1.5", "fees": "0", "total": "-1.5",
                          "return_pct": "-0.000136"}
    assert got["analytics"]["pnl"]["total"] == "-1.5"
    assert api.read(desk.samples, r.run_id)[-1]["equity"] == "-1.5"
    (entry,) = status(api, "t1")
    assert entry["position"] == {"trades": 1, "inventory": "0.5", "mid": "995",
                                 "realised": "0", "unrealised": "-1.5", "fees": "0",
                                 "pnl": "-1.5"}


def test_spread_capture_is_one_figure_the_attributions(killed):
    # bought 0.5 at 998 when the others' mid was 1000: + 2 x 0.5 = 1 of spread; carried
    # through the fall to 995: -2.5 of inventory; 1 / 499 of notional = 20.04 bps
    api, r, _ = killed
    got = report(api, r.run_id)
    assert got["analytics"]["attribution"] == {"spread": "1", "inventory": "-2.5",
                                               "fees": "0", "total": "-1.5"}
    assert (got["spread_captured"], got["spread_captured_bps"]) == ("1", "20.04")


def test_market_impact_of_a_live_run_is_measured_like_a_backtests(killed):
    # the others' mid was 1000 before our buy and 995 after the trade it was part of
    api, r, _ = killed
    impact = report(api, r.run_id)["analytics"]["market_impact"]
    assert impact == {"fills": 1, "mean": "-5", "mean_bps": -50.0}
    assert [(m["ts"], m["mid"]) for m in api.read(desk.mids, r.run_id)] == [
        (T0 + S, "1000"), (T0 + 2 * S + S // 2, "995")]


def test_a_short_runs_ratios_are_null_with_the_reason_and_the_horizon(killed):
    api, r, _ = killed
    got = report(api, r.run_id)
    assert got["sharpe"] is None and got["analytics"]["sortino"] is None
    assert got["analytics"]["calmar"] is None
    assert got["ratios_note"] == ("run too short for Sharpe, Sortino and Calmar: 1 period "
                                  "over 1 s; they need at least 30 periods over 60 s")
    assert got["ratios_horizon"] == ("annualised: a 365-day year of 1 s periods (31,536,000 "
                                     "a year)")
