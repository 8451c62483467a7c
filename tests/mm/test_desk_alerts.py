"""Alert rules fire on the way into a condition; the database sink folds repeats into one
row; a new critical alert runs the user's command without stopping the run."""
import time

import desk_kit as kit
import pytest

from souq.db import desk
from souq.db.api import Api
from souq.mm.desk.alerts import (SHARPE_MIN_SAMPLES, AlertRules, DbSink, MemorySink,
                             sharpe_samples)
from souq.mm.desk.book import book_of
from souq.mm.desk.params import configure, validate
from souq.mm.desk.quotes import Context
from souq.mm.desk.risk import Guard

S = 10**9
E = 10**18


def rules(sink=None, **values):
    spec = kit.Ladder.spec()
    p = configure(spec, validate(spec, {k: str(v) for k, v in values.items()}))
    return AlertRules(sink if sink is not None else MemorySink(), p)


def ctx(now, inventory, volatility=0.0):
    book = book_of(kit.market().symbols["T-USD"])
    return Context(now, book, {"T-USD": book}, 1000 * S, inventory, 0, S,
                   volatility=volatility)


def seen(r):
    return [(a.severity, a.kind, a.text) for a in r.sink.alerts]


def test_inventory_warning_at_70_and_critical_at_90_percent_once_each_way_in():
    r = rules()
    for now, q in enumerate([600, 700, 750, 900, 950, 800, 500, -720]):
        r.check(ctx(now, q * S // 1000), 0, 0, None, 0)
    assert seen(r) == [
        ("warning", "inventory", "inventory at 70% of max_inventory (warning at 70%)"),
        ("critical", "inventory", "inventory at 90% of max_inventory (critical at 90%)"),
        ("warning", "inventory", "inventory at 72% of max_inventory (warning at 70%)")]


def test_drawdown_and_sharpe_and_volatility_spike():
    r = rules(max_drawdown="100")
    r.quote, r.quote_dp = "USDT", 2                       # as the runner sets them at start
    r.check(ctx(0, 0), -40 * E, 0, None, 0)
    r.check(ctx(1, 0), -50 * E, 0, None, 0)
    r.check(ctx(2, 0), -80 * E, 0, -0.5, 29)             # too few samples for Sharpe
    r.check(ctx(3, 0), -80 * E, 0, -0.5, 30)
    assert [a[2] for a in seen(r)] == [
        "drawdown 50.00 USDT is half of max_drawdown",
        "drawdown 80.00 USDT is 80% of max_drawdown: the kill switch trips at 100%",
        "Sharpe -0.50 below 0 over 30 samples"]
    r = rules()
    r.check(ctx(0, 0, volatility=0.001), 0, 0, None, 0)
    r.check(ctx(1, 0, volatility=0.0029), 0, 0, None, 0)
    r.check(ctx(2, 0, volatility=0.004), 0, 0, None, 0)
    assert [a[1] for a in seen(r)] == ["volatility"]


def test_sharpe_counts_only_samples_where_equity_moved():
    """A quiet run (no fill, the mark still) adds samples but no evidence: 40 samples with
    5 moves are 5 for the Sharpe alert, which waits for SHARPE_MIN_SAMPLES (30)."""
    flat = [(i, 100) for i in range(35)] + [(35 + i, 100 - i) for i in range(1, 6)]
    assert sharpe_samples(flat) == 5
    assert sharpe_samples([(0, 1), (1, 2), (2, 2), (3, 1)]) == 2
    assert sharpe_samples([]) == 0 and SHARPE_MIN_SAMPLES == 30


def test_a_large_drawdown_reads_grouped_with_its_unit():
    r = rules(max_drawdown="100000000")
    r.quote, r.quote_dp = "IRR", 0
    r.check(ctx(0, 0), -80_156_180 * E, 0, None, 0)
    assert [a[2] for a in seen(r)] == [
        "drawdown 80,156,180 IRR is 80% of max_drawdown: the kill switch trips at 100%"]


def test_guards_and_repeated_rejections():
    r = rules()
    r.guards(0, [Guard("vol_circuit", "volatility high: spreads x2")])
    r.guards(1, [Guard("vol_circuit", "volatility high: spreads x2")])
    r.rejections(2 * S, ["a"])
    r.rejections(3 * S, ["b", "c"])
    r.rejections(20 * S, [])                              # the window empties
    r.rejections(21 * S, ["d", "e", "f"])
    assert seen(r) == [("warning", "vol_circuit", "volatility high: spreads x2"),
                       ("warning", "rejections", "3 orders rejected in 10 s; last: c"),
                       ("warning", "rejections", "3 orders rejected in 10 s; last: f")]


@pytest.fixture
def engine(tmp_path):
    api = Api(str(tmp_path / "alerts.db"))
    yield api.db
    api.close()


def test_the_log_keeps_repeats_on_one_row(engine):
    r = rules(DbSink(engine, "t1"))
    for i in range(3):                                    # in and out of the warning
        r.check(ctx(i * S, 750 * S // 1000), 0, 0, None, 0)
        r.check(ctx(i * S + 1, 0), 0, 0, None, 0)
    r.check(ctx(100 * S, 750 * S // 1000), 0, 0, None, 0)   # past the 60 s rate limit
    with engine.connect() as conn:
        rows = desk.alerts(conn, source="t1")
    assert [(a["kind"], a["repeats"], a["ts"], a["last_ts"]) for a in rows] == [
        ("inventory", 0, 100 * S, 100 * S), ("inventory", 2, 0, 2 * S)]


HANG = 300.0     # seconds: only a command that hangs gets here, never a slow machine


def wait_for(sink, path=None):
    """Until every on-critical command has ended (and `path` exists)."""
    end = time.monotonic() + HANG
    while sink.running or (path is not None and not path.exists()):
        assert time.monotonic() < end, "the on-critical command hangs"
        time.sleep(0.02)
        sink.poll()


def test_a_new_critical_alert_runs_the_command_with_the_text(engine, tmp_path):
    out = tmp_path / "got.txt"
    sink = DbSink(engine, "t1", on_critical=f'printf "%s|%s|%s" "$1" "$SOUQ_ALERT_KIND" '
                                            f'"$SOUQ_ALERT_SOURCE" > {out}')
    r = rules(sink)
    r.kill(5, "loss 5 reached max_loss 4", "cancelled 2 open orders and stopped the run")
    r.kill(6, "loss 5 reached max_loss 4", "cancelled 2 open orders and stopped the run")
    wait_for(sink, out)
    assert out.read_text() == ("kill switch: loss 5 reached max_loss 4; cancelled 2 open orders "
                               "and stopped the run|kill_switch|t1")
    with engine.connect() as conn:
        (row,) = desk.alerts(conn, source="t1")
    assert (row["severity"], row["repeats"]) == ("critical", 1)   # a repeat runs nothing


def test_a_failing_command_is_reported_and_the_run_goes_on(engine, tmp_path):
    gate = tmp_path / "gate"          # the command runs until the test opens the gate
    wait = f"i=0; while [ ! -e {gate} ] && [ $i -lt {HANG * 20:.0f} ]; do sleep 0.05; i=$((i+1)); done"
    sink = DbSink(engine, "t1", on_critical=f"{wait}; exit 3")
    r = rules(sink)
    r.kill(5, "loss", "stopped")
    sink.poll()
    assert len(sink.running) == 1           # the run went on while the command still runs
    gate.touch()
    wait_for(sink)
    with engine.connect() as conn:
        kinds = [(a["severity"], a["kind"], a["text"]) for a in desk.alerts(conn, source="t1")]
    assert kinds[0] == ("warning", "on_critical",
                        "on-critical command exited with status 3 (for: kill switch: loss; "
                        "stopped)")
