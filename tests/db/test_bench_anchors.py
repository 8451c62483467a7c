"""The benchmark anchors do the same work as souq on the same workload: a ratio between
two different workloads would measure nothing."""
import sqlite3

from souq.db.bench_anchors import BareBook, bare_matcher, plain_commands, plain_inserts
from souq.db.bench import in_memory


def test_the_bare_matcher_trades_exactly_as_often_as_the_engine():
    assert bare_matcher(3000, 50, 5)["trades"] == in_memory(3000, 50, 5)["trades"]


def test_the_bare_matcher_keeps_price_time_priority():
    b = BareBook()
    for c in plain_commands([
            {"op": "limit", "id": "a", "side": "sell", "price": "101000", "qty": "0.0002"},
            {"op": "limit", "id": "b", "side": "sell", "price": "100000", "qty": "0.0001"},
            {"op": "limit", "id": "c", "side": "sell", "price": "100000", "qty": "0.0001"},
            {"op": "cancel", "id": "b"},
            {"op": "limit", "id": "d", "side": "buy", "price": "101000", "qty": "0.0002"}]):
        b.apply(*c)
    # b is gone, c fills first at 100, then one lot of a at 101
    assert b.trades == 2 and dict(b.asks) == {101: {"a": 1}} and not b.bids
    assert b.where == {"a": (False, 101)}


def test_plain_inserts_write_the_rows_the_durable_path_writes(tmp_path):
    fig = plain_inserts(tmp_path / "p.db", 500, 20, 3, 100)
    with sqlite3.connect(tmp_path / "p.db") as db:
        counts = [db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("journal", "trades")]
    assert counts == [500, in_memory(500, 20, 3)["trades"]]
    assert fig["rows"] > 500 and fig["batch"] == 100


def test_the_memory_probe_reports_its_own_peak_not_the_benchs_that_started_it():
    """Linux carries a parent's high-water mark across fork and exec into getrusage's
    ru_maxrss: `souq bench` had grown to 500 MB by its memory step, and the probe it
    started reported that as its own peak with 1M resting orders (426 MB alone)."""
    import json
    import subprocess
    import sys
    ballast = b"\x01" * (400 * 2**20)          # the parent holds 400 MB, touched
    code = ("import json; from souq.db.bench import _peak_rss; "
            "print(json.dumps(_peak_rss()))")
    peak = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                     text=True, check=True).stdout)
    assert len(ballast) == 400 * 2**20
    assert 5 * 2**20 < peak < 200 * 2**20
