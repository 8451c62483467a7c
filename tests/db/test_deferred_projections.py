"""Projections off the command path (db/projected.py, issue 16).

- A deferring Store commits the journal with each batch and the projections later; any
  read from a second connection (the full Api, the read-only fast path falling back, a
  `souq check`) sees exactly the fully projected answer, at every point of a random
  interleaving of batches and reads.
- A writer that stops mid-window (its process gone) leaves the projections at the mark;
  start-up and readers catch them up from the journal, and the check is clean.
- A writer that does not defer, after a deferring one, writes the waiting projections too.
"""
import random
import sqlite3

import pytest

from souq.db.api import Api
from souq.db.check import run_check
from souq.db.lite import open_reader
from souq.db.projected import MARK_KEY
from souq.db.store import Store, prepare
from souq.engine.workload import orders, setup

USERS = 40


def _items(objs):
    return [prepare(o, "@operator", extended=False) for o in objs]


def _mark(path) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT value FROM meta WHERE key = ?", (MARK_KEY,)).fetchone()[0]


def _answer(api: Api) -> dict:
    """What the reads give: every projection a reader may ask for. An order's
    updated_seq says when its row was written, which a deferred write moves on; the
    rest is the exchange's state."""
    strip = lambda rows: [{k: v for k, v in r.items() if k != "updated_seq"} for r in rows]
    return {"orders": strip(api.orders()), "trades": api.trades(), "wallets": api.wallets(),
            "ledger": api.ledger(), "symbols": api.symbols(), "book": api.book("BTC-IRR", 50)}


def _lite_answer(path) -> dict | None:
    reader = open_reader(f"sqlite:///{path}")
    if reader is None:
        return None
    try:
        strip = lambda rows: [{k: v for k, v in r.items() if k != "updated_seq"} for r in rows]
        return {"orders": strip(reader.orders()), "trades": reader.trades(),
                "wallets": reader.wallets(), "ledger": reader.ledger(),
                "symbols": reader.symbols(), "book": reader.book("BTC-IRR", 50)}
    finally:
        reader.close()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_read_from_another_connection_equals_the_fully_projected_answer(tmp_path, seed):
    rnd = random.Random(seed)
    deferred, plain = tmp_path / "deferred.db", tmp_path / "plain.db"
    writer = Store(f"sqlite:///{deferred}", defer=rnd.choice((50, 200, 700)))
    reference = Store(f"sqlite:///{plain}")           # projections in every transaction
    head = setup(USERS)
    writer.submit(_items(head), 0)
    reference.submit(_items(head), 0)
    stream = _items(orders(1500, USERS, seed))
    laggy = 0
    i = 0
    while i < len(stream):
        n = rnd.choice((1, 7, 40, 150))
        part = stream[i:i + n]
        i += n
        ts = 1_000 + i
        writer.submit(part, ts)
        reference.submit(part, ts)
        if rnd.random() < 0.3:
            continue
        lagging = _mark(deferred) != "all"
        laggy += lagging
        want = Api(f"sqlite:///{plain}")
        expected = _answer(want)
        want.close()
        lite = _lite_answer(deferred)
        if lagging:
            assert lite is None, "the read-only fast path read lagging projections"
        else:
            assert lite == expected
        reader = Api(f"sqlite:///{deferred}")           # a second connection, no Store
        assert _answer(reader) == expected
        reader.close()
        assert _mark(deferred) == "all"                  # the read caught them up
        if rnd.random() < 0.2:                           # and the writer goes on after it
            assert _lite_answer(deferred) == expected
    assert laggy, "no read found the projections behind the journal"
    writer.close()
    reference.close()
    assert _mark(deferred) == "all"
    assert run_check(Store(f"sqlite:///{deferred}").engine).problems == []


def test_a_writer_gone_mid_window_is_caught_up_by_start_up_and_checks_clean(tmp_path):
    path = tmp_path / "crash.db"
    url = f"sqlite:///{path}"
    writer = Store(url, defer=10_000)
    writer.submit(_items(setup(USERS)), 0)
    writer.project()
    stream = _items(orders(2000, USERS, 7))
    for k in range(0, 1500, 100):
        writer.submit(stream[k:k + 100], 5_000 + k)
    seq = writer.ex.seq
    writer._close()                   # gone without writing its window, as after kill -9
    mark = int(_mark(path))
    assert mark < seq
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT MAX(seq) FROM journal").fetchone() == (seq,)
        assert conn.execute("SELECT COUNT(*) FROM orders").fetchone() == (0,)   # none yet
    # the check of the lagging file, through its own connection, catches it up first
    assert run_check(Store(url, create=False).engine).problems == []
    assert _mark(path) == "all"
    # start-up after the crash: the exchange stands at the journal's end
    again = Store(url)
    assert again.ex.seq == seq
    again.submit(stream[1500:], 9_000)
    again.close()
    plain = tmp_path / "plain.db"
    ref = Store(f"sqlite:///{plain}")
    ref.submit(_items(setup(USERS)), 0)
    for k in range(0, 1500, 100):
        ref.submit(stream[k:k + 100], 5_000 + k)
    ref.submit(stream[1500:], 9_000)
    ref.close()
    assert _answer(Api(url)) == _answer(Api(f"sqlite:///{plain}"))


def test_start_up_alone_catches_the_projections_up(tmp_path):
    url = f"sqlite:///{tmp_path / 'start.db'}"
    writer = Store(url, defer=10_000)
    writer.submit(_items(setup(USERS)), 0)
    writer.submit(_items(orders(300, USERS, 3)), 1)
    writer._close()
    assert _mark(tmp_path / "start.db") != "all"
    Store(url, create=False)._close()
    assert _mark(tmp_path / "start.db") == "all"


def test_a_writer_that_does_not_defer_writes_the_waiting_projections(tmp_path):
    url = f"sqlite:///{tmp_path / 'mixed.db'}"
    deferring, plain = Store(url, defer=10_000), Store(url)
    deferring.submit(_items(setup(USERS)), 0)
    stream = _items(orders(600, USERS, 5))
    deferring.submit(stream[:200], 1)
    plain.submit(stream[200:400], 2)        # catches up the other's window and writes it
    assert _mark(tmp_path / "mixed.db") == "all"
    deferring.submit(stream[400:], 3)       # its pending changes were written by the other
    deferring.close()
    plain.close()
    assert run_check(Store(url).engine).problems == []


def test_an_operator_command_is_never_deferred(tmp_path):
    url = f"sqlite:///{tmp_path / 'admin.db'}"
    writer = Store(url, defer=10_000)
    writer.submit(_items(setup(USERS)), 0)
    writer.submit(_items(orders(50, USERS, 1)), 1)
    assert _mark(tmp_path / "admin.db") != "all"
    writer.submit(_items([{"op": "user", "user": "newcomer"}]), 2)
    assert _mark(tmp_path / "admin.db") == "all"
    with sqlite3.connect(tmp_path / "admin.db") as conn:
        assert conn.execute("SELECT role FROM users WHERE name = 'newcomer'").fetchone() == \
            ("trader",)
    writer.close()
