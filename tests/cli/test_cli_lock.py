"""Issue 10 item 3: market-data import never blocks trading, and a writer that cannot get
the write lock in time says so in one line.

The import test interleaves deterministically: between two batches of the import (its
progress hook), a real `souq order place` process runs to completion with a short lock
timeout. An import holding the write lock for the whole file would make it fail."""
import subprocess
import sys

import pytest

from souq.db.store import connect
from souq.mm.marketdata import import_csv

pytestmark = pytest.mark.slow
T0 = 1709285400000000000


def test_order_place_and_reads_go_on_during_a_data_import(market, tmp_path, monkeypatch):
    monkeypatch.setenv("SOUQ_LOCK_TIMEOUT", "5")
    path = tmp_path / "big.csv"
    path.write_text("time,price,qty,side\n" + "".join(
        f"{T0 + i},100000000,0.5,buy\n" for i in range(3000)))
    engine = connect(str(market.db))
    seen = []

    def between_batches(_bytes):
        if seen:
            return
        out = market.ok("order", "place", "BTC-IRR", "buy", "0.1", "--price", "99000000",
                        "--id", "mid-import", as_user="alice")
        seen.append((out, market.json("data", "list")))

    try:
        row = import_csv(engine, path, name="big", kind="trades", symbol="BTC-IRR",
                         progress=between_batches, batch=1000)
    finally:
        engine.dispose()
    (placed, listed), = seen
    assert "[mid-import] alice BTC-IRR buy 0.1000 @ 99,000,000 limit gtc: active" in placed
    assert listed == []          # the half-written set is not visible yet
    assert row["rows"] == 3000
    assert [s["name"] for s in market.json("data", "list")] == ["big"]
    market.ok("check")


def test_a_failed_import_leaves_nothing_and_frees_the_name(market, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("time,price,qty,side\n" + "".join(
        f"{T0 + i},100000000,0.5,buy\n" for i in range(2500)) + f"{T0},1e3,1,buy\n")
    market.fails("data", "import", path, "--name", "d", "--kind", "trades", "--symbol",
                 "BTC-IRR", match="bad.csv line 2502: ")
    assert market.json("data", "list") == []
    good = tmp_path / "good.csv"
    good.write_text(f"time,price,qty,side\n{T0},100000000,1,buy\n")
    market.ok("data", "import", good, "--name", "d", "--kind", "trades", "--symbol", "BTC-IRR")
    assert market.json("data", "show", "d")["rows"] == 1


def test_a_writer_that_cannot_get_the_lock_in_time_says_so_in_one_line(market, monkeypatch):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys\n"
         f"c = sqlite3.connect({str(market.db)!r}, isolation_level=None)\n"
         "c.execute('BEGIN IMMEDIATE'); print('locked', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "locked\n"
        monkeypatch.setenv("SOUQ_LOCK_TIMEOUT", "0.5")
        busy = "the database is busy: another writer held its write lock for more than 0.5 s"
        market.fail_all([
            (("order", "place", "BTC-IRR", "buy", "0.1", "--price", "99000000"), "alice", busy),
            (("deposit", "bob", "IRR", "1"), None, busy),
            (("user", "add", "zed"), None, busy),
            (("data", "delete", "nothing"), None, "no data set 'nothing'"),   # reads only
        ])
    finally:
        holder.stdin.close()
        holder.wait()
    market.ok("deposit", "bob", "IRR", "1")   # the lock is free again: the same call works
