"""Durability and concurrency through real processes.

* kill -9 a `souq replay --batch 1000` at random points: only whole batches are kept,
  `souq check` passes, and what is stored equals an in-memory replay of exactly the
  committed prefix of the stream; a resumed replay then finishes the job.
* the same with the projections deferred (`replay --defer`, db/projected.py): killed
  mid-window, the journal keeps whole batches and the reads and `souq check` catch the
  projections up from it.
* two `souq replay` processes writing into one database at once: nothing lost or
  doubled, and the result equals a serial replay of the journal.
"""
import json
import os
import random
import signal
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from decimal import Decimal

import orjson
import pytest

import streamgen
from souq_cli import Souq
from souq.engine.exchange import Exchange
from souq.engine.model import WORLD
from souq.engine.numbers import fmt, fmt_amount
from souq.engine.stream import parse_command, trade_record

BATCH = 1000


def sql(db, query, *args):
    with sqlite3.connect(db, timeout=60) as conn:
        return conn.execute(query, args).fetchall()


def journal_length(db) -> int:
    try:
        return sql(db, "SELECT COUNT(*) FROM journal")[0][0]
    except sqlite3.OperationalError:      # not created yet
        return 0


def wallets_of(ex: Exchange) -> list[dict]:
    """An engine's wallets in the shape of `souq wallets --json`."""
    rows = [{"user": u.name, "asset": asset, "balance": fmt_amount(avail + held),
             "hold": fmt_amount(held), "available": fmt_amount(avail)}
            for u in ex.users.values() if u.name != WORLD
            for asset, (avail, held) in u.wallets.items()]
    return sorted(rows, key=lambda r: (r["user"], r["asset"]))


def orders_of(ex: Exchange) -> dict:
    """(user, client id) -> status, and filled for the ones still open."""
    out = {}
    for u in ex.users.values():
        for cid, o in u.orders.items():
            out[(u.name, cid)] = (o.status, fmt(o.filled)) if o.is_open else (o.status, None)
    return out


def stored_orders(db) -> dict:
    return {(user, cid): (status, filled if status in ("queued", "active", "partial") else None)
            for user, cid, status, filled in
            sql(db, "SELECT user, client_id, status, filled FROM orders")}


def kill_when(proc, db, target: int, extra: float) -> None:
    """SIGKILL `proc` once the journal holds `target` entries, `extra` seconds later."""
    deadline = time.monotonic() + 600     # a replay that hangs, never a slow one
    while journal_length(db) < target:
        assert proc.poll() is None, f"replay ended before the kill: {proc.communicate()}"
        assert time.monotonic() < deadline, "replay made no progress"
        time.sleep(0.005)
    time.sleep(extra)
    assert proc.poll() is None, "replay finished before the kill landed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.slow
def test_kill_9_mid_replay_keeps_whole_batches_equal_to_the_stream_prefix(souq, tmp_path):
    names = streamgen.users("u", 50)
    commands = streamgen.setup(names)
    commands += streamgen.orders(names, 36_000 - len(commands), seed=20261122)
    lines = [orjson.dumps(c).decode() for c in commands]
    total = len(lines)
    assert total == 36_000
    rnd = random.Random(4242)
    ex = Exchange()            # the in-memory replay, advanced to each committed prefix
    applied = 0
    committed = 0
    for run in range(4):
        part = tmp_path / f"part{run}.jsonl"
        part.write_text("".join(line + "\n" for line in lines[committed:]))
        proc = souq.popen("replay", part, "--batch", BATCH, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
        if run < 3:            # three kills at random points, then one run to the end
            target = committed + int((total - committed) * rnd.uniform(0.15, 0.5))
            kill_when(proc, souq.db, target, extra=rnd.uniform(0, 0.1))   # ~ one batch
        else:
            out, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, err
            assert out.startswith(f"replayed {total - committed:,} commands: ")
        n = journal_length(souq.db)
        assert n % BATCH == 0 or n == total, f"run {run}: {n} entries, not whole batches"
        assert committed < n <= total
        if run < 3:
            assert n < total, "the kill did not land mid-run"
        # the journal is exactly the first n lines of the stream, in order
        bodies = [b for (b,) in sql(souq.db, "SELECT body FROM journal ORDER BY seq")]
        assert bodies == lines[:n]
        for line in lines[applied:n]:
            ex.apply(parse_command(orjson.loads(line)), 0, "@operator")
        applied = committed = n

        check, wallets = souq.run_all([(("check",), None), (("wallets", "--json"), None)])
        assert check.returncode == 0, check.stderr
        assert check.stdout.startswith(f"ok: {n:,} journal entr{'y' if n == 1 else 'ies'} replayed")
        assert json.loads(wallets.stdout) == wallets_of(ex)
        assert stored_orders(souq.db) == orders_of(ex)
        assert sql(souq.db, "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM trades")[0] == \
            (ex.trade_seq, ex.trade_seq)
    assert committed == total


def projected_mark(db) -> str:
    """meta `projected` (db/projected.py): `all`, or the seq the projections stand at."""
    return sql(db, "SELECT value FROM meta WHERE key = 'projected'")[0][0]


@pytest.mark.slow
def test_kill_9_mid_deferred_window_keeps_the_journal_and_catches_projections_up(souq, tmp_path):
    """`souq replay --defer`: the journal is committed with each batch, the projections
    every 3,000 commands. Killed mid-window, whole batches of the journal are kept; the
    projections stand at the mark, and `souq check` and the reads catch them up from the
    journal: what is stored then equals an in-memory replay of the committed prefix."""
    batch, defer = 250, 5000      # a kill lands after a window's write 1 time in 20
    names = streamgen.users("u", 40)
    commands = streamgen.setup(names)
    commands += streamgen.orders(names, 15_000 - len(commands), seed=20261202)
    lines = [orjson.dumps(c).decode() for c in commands]
    total = len(lines)
    rnd = random.Random(1202)
    ex = Exchange()
    committed = 0
    mid_window = 0
    for run in range(4):
        part = tmp_path / f"part{run}.jsonl"
        part.write_text("".join(line + "\n" for line in lines[committed:]))
        proc = souq.popen("replay", part, "--batch", batch, "--defer", defer,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if run < 3:
            target = committed + int((total - committed) * rnd.uniform(0.2, 0.5))
            kill_when(proc, souq.db, target, extra=rnd.uniform(0, 0.05))
        else:
            out, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, err
        n = journal_length(souq.db)
        assert n % batch == 0 or n == total, f"run {run}: {n} entries, not whole batches"
        assert committed < n <= total
        bodies = [b for (b,) in sql(souq.db, "SELECT body FROM journal ORDER BY seq")]
        assert bodies == lines[:n]
        mark = projected_mark(souq.db)
        if run < 3 and mark != "all":
            assert committed <= int(mark) < n       # the projections lag the journal
            mid_window += 1
        if run == 3:
            assert mark == "all"                    # a replay that ends writes its window
        for line in lines[committed:n]:
            ex.apply(parse_command(orjson.loads(line)), 0, "@operator")
        committed = n
        wallets = souq.run("wallets", "--json")    # a read first: it catches them up
        assert wallets.returncode == 0, wallets.stderr
        assert json.loads(wallets.stdout) == wallets_of(ex)
        assert projected_mark(souq.db) == "all"
        check = souq.run("check")
        assert check.returncode == 0, check.stderr
        assert check.stdout.startswith(f"ok: {n:,} journal entr")
        assert stored_orders(souq.db) == orders_of(ex)
        assert sql(souq.db, "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM trades")[0] == \
            (ex.trade_seq, ex.trade_seq)
    assert committed == total
    assert mid_window, "no kill landed inside a deferred window"


@pytest.mark.slow
def test_two_writers_at_once_lose_and_double_nothing(souq, tmp_path):
    names_a, names_b = streamgen.users("a", 10), streamgen.users("b", 10)
    setup = tmp_path / "setup.jsonl"
    streamgen.write(setup, streamgen.setup(names_a + names_b))
    souq.ok("replay", setup, "--batch", "100")
    base = journal_length(souq.db)
    streams = {"A": streamgen.orders(names_a, 4000, seed=11, tag="A"),
               "B": streamgen.orders(names_b, 4000, seed=12, tag="B")}
    # Both read their stream from stdin, fed a little at a time side by side, so the two
    # are surely running at once rather than one after the other.
    procs = {tag: souq.popen("replay", "-", "--batch", "5", stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for tag in streams}

    def feed(proc, cmds):
        for i in range(0, len(cmds), 20):   # slower than a writer goes: both get turns
            proc.stdin.write("".join(orjson.dumps(c).decode() + "\n" for c in cmds[i:i + 20]))
            proc.stdin.flush()
            time.sleep(0.01)
        proc.stdin.close()

    feeders = [threading.Thread(target=feed, args=(procs[tag], streams[tag])) for tag in streams]
    for t in feeders:
        t.start()
    for t in feeders:
        t.join(timeout=300)
    for tag, proc in procs.items():
        proc.stdin = None                 # closed by the feeder
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, f"{tag}: {err}"
        assert out.startswith("replayed 4,000 commands: ")
        assert err == ""

    rows = sql(souq.db, "SELECT seq, ts, actor, body FROM journal ORDER BY seq")
    assert [r[0] for r in rows] == list(range(1, base + 8001))
    # each writer's commands are all there, once each, in its own order
    owner = [orjson.loads(body)["user"][0].upper() for _, _, _, body in rows[base:]]
    for tag, cmds in streams.items():
        mine = [orjson.loads(body) for (_, _, _, body), o in zip(rows[base:], owner) if o == tag]
        assert mine == cmds
    switches = sum(1 for x, y in zip(owner, owner[1:]) if x != y)
    assert switches >= 20, f"the writers barely overlapped ({switches} switches)"

    check = souq.run("check")
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith(f"ok: {base + 8000:,} journal entries replayed")

    wallets, orders, trades = souq.jsons(("wallets",), ("orders",), ("trades",))
    # fills: every order's filled quantity is exactly what its trades say
    assert [t["seq"] for t in trades] == list(range(1, len(trades) + 1))
    assert any(t["maker_user"][0] != t["taker_user"][0] for t in trades), \
        "no trade between the two writers' users"
    traded = Counter()
    for t in trades:
        traded[(t["maker_user"], t["maker"])] += Decimal(t["qty"])
        traded[(t["taker_user"], t["taker"])] += Decimal(t["qty"])
    assert len(orders) == len({(o["user"], o["client_id"]) for o in orders})
    for o in orders:
        key = (o["user"], o["client_id"])
        assert Decimal(o["filled"]) == traded.pop(key, Decimal(0)), key
        if o["status"] == "filled":
            assert o["filled"] == o["qty"], key
    assert not traded, f"trades of orders that do not exist: {list(traded)[:5]}"

    # a serial replay of the journal gives the very same wallets and trades
    ex = Exchange()
    replayed = []
    for seq, ts, actor, body in rows:
        out = ex.apply(parse_command(orjson.loads(body), extended=True), ts, actor)
        assert ex.seq == seq
        replayed += [trade_record(t) for t in out.trades()]
    assert wallets == wallets_of(ex)
    assert trades == replayed


def test_processes_opening_a_new_database_at_once_all_succeed(tmp_path):
    """Two first writers race to create the tables; neither may fail for it."""
    for round_ in range(3):
        cli = Souq(tmp_path / f"new{round_}.db")
        results = cli.run_all([(("user", "add", "x1"), None), (("user", "add", "x2"), None)])
        assert [(r.returncode, r.stderr) for r in results] == [(0, ""), (0, "")]
        assert sorted(sql(cli.db, "SELECT name FROM users")) == [("x1",), ("x2",)]
        assert sorted(seq for (seq,) in sql(cli.db, "SELECT seq FROM journal")) == [1, 2]
