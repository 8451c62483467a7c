"""Issue 10 item 4: `souq check` reads one snapshot, reports progress and offers --since.

The concurrent-writer test interleaves deterministically: the check's own progress hook
runs a real writer process to completion in the middle of the replay, so the writer's
commit lands between the check's reads every time (no timing involved)."""
import shutil
import sqlite3
import subprocess
import threading
import time

import pytest

from souq.db.check import NoCheckPoint, run_check
from souq.db.store import connect
from souq.engine.workload import orders, setup
from souq_cli import Souq

pytestmark = pytest.mark.slow


def _feed(souq: Souq, objs, tmp_path, name="feed"):
    path = tmp_path / f"{name}.jsonl"
    import json
    path.write_text("".join(json.dumps(o) + "\n" for o in objs))
    souq.ok("replay", path, "--batch", "500")


@pytest.fixture
def busy(souq, tmp_path) -> Souq:
    """A market with a few thousand journal entries and plenty resting."""
    _feed(souq, setup(20) + orders(3000, 20, seed=4), tmp_path)
    return souq


def test_a_writer_committing_mid_check_is_not_a_violation(busy, tmp_path):
    engine = connect(str(busy.db))
    writes = []

    def writer_in_the_middle(n):
        if writes:
            return
        # a real second process: places, trades and moves money while the check reads
        stream = tmp_path / "more.jsonl"
        _feed(busy, orders(400, 20, seed=9, prefix="late"), tmp_path, "more")
        writes.append(stream)

    try:
        report = run_check(engine, on_progress=writer_in_the_middle, record=False)
    finally:
        engine.dispose()
    assert writes, "the writer never ran"
    assert report.problems == []
    assert report.seq == report.replayed == 20 * 3 + 1 + 3000   # the snapshot's journal
    out = busy.ok("check")   # and the writer's entries are there for the next check
    assert out.startswith(f"ok: {20 * 3 + 1 + 3400:,} journal entries replayed")


def test_check_under_a_free_running_writer_process_stays_clean(busy, tmp_path):
    """`souq check` while another process commits command after command: every check
    reads one consistent journal point. The writer replays from a pipe this test holds
    open, so it is still running after the checks however fast the machine is."""
    import json
    lines = [json.dumps(o) + "\n" for o in orders(20000, 20, seed=7, prefix="flow")]
    writer = busy.popen("replay", "-", "--batch", "1", stdin=subprocess.PIPE,
                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def feed():
        try:
            for line in lines:
                writer.stdin.write(line)
            writer.stdin.flush()
        except (BrokenPipeError, ValueError):   # the writer was killed first
            pass
    feeder = threading.Thread(target=feed, daemon=True)
    try:
        before = _journal(busy.db)
        feeder.start()
        for _ in range(3):
            r = busy.run("check")
            assert r.returncode == 0, r.stderr
            assert r.stdout.startswith("ok: "), r.stdout
        while _journal(busy.db) == before:      # the writer has committed since the start
            assert writer.poll() is None, writer.stderr.read()
            time.sleep(0.05)
        assert writer.poll() is None, "the writer stopped before its input ended"
    finally:
        writer.kill()
        writer.wait()
        feeder.join()


def _journal(db) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT max(seq) FROM journal").fetchone()[0]


def test_since_checks_only_what_came_after_a_clean_check(busy, tmp_path):
    first = busy.json("check")
    seq = first["journal"]
    assert (first["ok"], first["recorded"], first["replayed"]) == (True, True, seq)
    _feed(busy, orders(500, 20, seed=11, prefix="after"), tmp_path, "after")
    busy.ok("user", "suspend", "u3")   # cancels u3's orders placed before the check point
    done = busy.json("orders", "--status", "filled")[0]   # closed before the check point
    busy.fails("order", "cancel", done["client_id"], "--user", done["user"],
               match=f"order {done['client_id']!r} is already filled")
    busy.fails("order", "place", "BTC-IRR", "buy", "0.001", "--price", "100000000", "--id",
               done["client_id"], "--user", done["user"], match="duplicate client order id")
    since = busy.json("check", "--since", seq)
    assert since["ok"], since["problems"]
    assert since["since"] == seq and since["replayed"] == since["journal"] - seq
    assert busy.ok("check", "--since", since["journal"]).startswith(
        "ok: 0 journal entries replayed after seq")
    # a corruption after the check point is found; one before it is not looked at
    bad = tmp_path / "bad.db"
    shutil.copy(busy.db, bad)
    with sqlite3.connect(bad) as conn:
        conn.execute("UPDATE trades SET price = '1' WHERE id = (SELECT max(id) FROM trades)")
    r = Souq(bad).run("check", "--since", seq)
    assert r.returncode == 1 and "violation: replay: trade" in r.stderr, r.stderr


def test_since_without_a_recorded_check_is_one_line(busy):
    busy.fails("check", "--since", "5", match="no clean check was recorded at seq 5; none is "
               "recorded (a full `souq check` records one)")
    engine = connect(str(busy.db))
    try:
        with pytest.raises(NoCheckPoint):
            run_check(engine, since=5)
    finally:
        engine.dispose()


def test_progress_lines_on_a_big_journal_when_not_a_terminal(tmp_path):
    """Progress goes to stderr every 10 %, from 100,000 journal entries up."""
    from souq.db.store import Store, prepare
    path = tmp_path / "big.db"
    store = Store(f"sqlite:///{path}")
    head = setup(50)
    store.submit([prepare(o, "@operator") for o in head], 0)
    items = [prepare(o, "@operator") for o in orders(100_000 - len(head), 50, seed=2)]
    for i in range(0, len(items), 5000):
        store.submit(items[i:i + 5000], 0)
    store.close()
    r = Souq(path).run("check")
    assert r.returncode == 0, r.stderr
    lines = r.stderr.splitlines()
    assert len(lines) == 10 and lines[-1] == \
        "check: 100,000 of 100,000 journal entries replayed", lines
