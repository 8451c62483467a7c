"""The demo database stays small: marked as a demo, reset on request, aged out by the
workstation past its retention; a real exchange's journal is never touched."""
import sqlite3

import pytest

from souq.db import demo as D
from souq.db.api import Api
from souq.db.store import connect
from souq.mm.desk.demo_configs import build as build_demo

T0 = 1_740_830_400_000_000_000
HOUR = 3600 * 10**9


def _demo(path):
    api = Api(f"sqlite:///{path}", clock=lambda: T0)
    assert all(o.reason is None for o in build_demo(api).outcomes)
    n = api.store.journal_length()
    api.close()
    return n


def test_a_built_demo_is_marked_and_ages_out_only_past_its_retention(tmp_path):
    path = tmp_path / "demo.db"
    entries = _demo(path)
    engine = connect(f"sqlite:///{path}")
    try:
        assert D.is_demo(engine) and D.journal_span(engine) == (entries, T0)
        assert not D.expired(engine, T0 + 24 * HOUR, 24)        # exactly 24 h: kept
        assert D.expired(engine, T0 + 24 * HOUR + 1, 24)
        assert not D.expired(engine, T0 + 10**6 * HOUR, 0)      # 0 keeps everything
    finally:
        engine.dispose()
    assert D.age_out(f"sqlite:///{path}", T0 + 23 * HOUR, 24) is None
    assert D.age_out(f"sqlite:///{path}", T0 + 25 * HOUR, 24) == entries
    engine = connect(f"sqlite:///{path}")
    try:
        assert D.journal_span(engine) == (0, None) and D.is_demo(engine)
    finally:
        engine.dispose()
    assert D.age_out(f"sqlite:///{tmp_path / 'none.db'}", T0, 24) is None
    assert not (tmp_path / "none.db").exists()                  # nothing made


def test_a_real_exchange_is_never_reset_or_aged_out(tmp_path):
    path = tmp_path / "real.db"
    api = Api(f"sqlite:///{path}", clock=lambda: T0)
    assert api.execute({"op": "user", "user": "alice"}).accepted
    api.close()
    url = f"sqlite:///{path}"
    assert D.age_out(url, T0 + 10**6 * HOUR, 1) is None
    engine = connect(url)
    try:
        with pytest.raises(ValueError, match="not the demo exchange"):
            D.clear(engine)
        assert D.journal_span(engine) == (1, T0)
    finally:
        engine.dispose()


def test_the_write_ahead_log_is_capped(tmp_path):
    engine = connect(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_size_limit").scalar() == 64 * 2**20
    finally:
        engine.dispose()


def test_souq_demo_reset(souq, tmp_path):
    souq.ok("demo")
    souq.ok("sim", "--duration", "1", "--fast", "--seed", "3", "--json")
    with sqlite3.connect(souq.db) as db:
        before = db.execute("SELECT count(*) FROM journal").fetchone()[0]
    done = souq.ok("demo", "reset")
    assert done.strip() == (f"reset the demo exchange in {souq.db}: removed "
                            f"{before:,} journal entries and built it again")
    with sqlite3.connect(souq.db) as db:
        assert db.execute("SELECT count(*) FROM trades").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM symbols").fetchone()[0] > 0
    assert souq.fails("demo", "nuke") == ("error: unknown demo action 'nuke': the one "
                                          "action is reset")
    souq.fails("demo", "reset", as_user="alice", match="only an admin")
    with sqlite3.connect(souq.db) as db:
        assert db.execute("SELECT count(*) FROM symbols").fetchone()[0] > 0


def test_souq_demo_reset_refuses_a_real_exchange(market):
    assert market.fails("demo", "reset", match="not the demo exchange") == (
        "error: this database is not the demo exchange: only a demo database can be reset "
        "(a real exchange keeps its whole journal)")
    assert len(market.json("wallets")) > 0
