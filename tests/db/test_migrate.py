"""db/migrate.py: the versioned upgrade step run at start-up. A database made at the
previous version opens and is upgraded, step by step; one newer than the code is refused
with one line."""
import json
import sqlite3

import pytest
from sqlalchemy import create_engine

from souq.db import backtests as B
from souq.db import migrate as M
from souq.db import optimize as O
from souq.db.api import Api
from souq.db.schema import SCHEMA_VERSION
from souq.db.store import Store, prepare
from test_schema_migration import (     # the file at older versions
    _as_schema_1, assert_upgraded, old_orders_indexes, place_a1_again, qty_not_null,
    qty_nullable,
)


def _database(path) -> None:
    store = Store(f"sqlite:///{path}")
    store.submit([prepare(o, "@operator") for o in (
        {"op": "symbol", "symbol": "X-Y", "base": "X", "quote": "Y", "tick_size": "1",
         "qty_step": "1"},
        {"op": "user", "user": "a"},
        {"op": "deposit", "user": "a", "asset": "Y", "amount": "100"})], 0)
    store.close()


def _version(path) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()[0]


def test_the_steps_are_ordered_and_end_at_the_code_s_version():
    assert [s.version for s in M.STEPS] == sorted((s.version for s in M.STEPS), key=int)
    assert M.STEPS[-1].version == SCHEMA_VERSION
    assert M.pending(None) == [] and M.pending(SCHEMA_VERSION) == []
    assert M.pending("1") == M.STEPS and [s.version for s in M.STEPS] == ["2", "3", "4", "5",
                                                                          "6"]
    assert M.pending("2") == M.STEPS[1:] and M.pending("5") == [M.STEPS[-1]]


def test_a_database_at_the_previous_version_is_upgraded_at_start_up(tmp_path):
    path = tmp_path / "old.db"
    _database(path)
    _as_schema_1(path)
    api = Api(str(path))
    try:
        assert [w["asset"] for w in api.wallets(user="a")] == ["Y"]     # opened, data kept
        assert api.execute({"op": "withdraw", "user": "a", "asset": "Y",
                            "amount": "1"}).reason is None
    finally:
        api.close()
    assert_upgraded(path)
    engine = create_engine(f"sqlite:///{path}")
    assert M.upgrade(engine) == []                  # once only
    engine.dispose()


def test_upgrade_runs_each_pending_step_and_stamps_it(tmp_path):
    path = tmp_path / "old.db"
    _database(path)
    _as_schema_1(path)
    engine = create_engine(f"sqlite:///{path}")
    assert M.upgrade(engine) == ["2", "3", "4", "5", "6"]
    engine.dispose()
    assert _version(path) == "6"


MODELS = {"queue": "probabilistic", "latency": "constant", "entry_ns": 5, "response_ns": 7,
          "fees": "zero"}


def test_version_3_gives_stored_runs_their_models_from_their_result(tmp_path):
    path = tmp_path / "v2.db"
    _database(path)
    engine = create_engine(f"sqlite:///{path}")
    spec = {"config": {"name": "c", "version": 1, "template": "t", "symbol": "X-Y"},
            "overrides": {}, "data": None, "scenario": "normal", "scenario_params": {},
            "start": None, "end": None, "duration_ns": 1, "seed": 0, "latency_ns": 5}
    before = B.save(engine, spec, json.dumps({"spec": spec}), {}, 0, code_version="x",
                    created_ts=1)                                  # before models existed
    spec = {**spec, "models": MODELS}
    after = B.save(engine, spec, json.dumps({"spec": spec}), {}, 0, code_version="x",
                   created_ts=2)
    engine.dispose()
    with sqlite3.connect(path) as conn:                             # the layout at version 2
        conn.execute("ALTER TABLE bt_runs DROP COLUMN models")
        conn.execute("ALTER TABLE opt_runs DROP COLUMN models")
        conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema'")
    engine = create_engine(f"sqlite:///{path}")
    assert M.upgrade(engine) == ["3", "4", "5", "6"]
    with engine.connect() as conn:
        models = {r["id"]: r["models"] for r in B.runs(conn)}
        assert O.searches(conn) == []
    engine.dispose()
    assert models == {before: None, after: MODELS}
    assert _version(path) == SCHEMA_VERSION


def _as_schema_3(path) -> None:
    """The orders indexes as schemas 2 and 3 had them."""
    with sqlite3.connect(path) as conn:
        old_orders_indexes(conn, ["ix_orders_user", "ix_orders_status", "ix_orders_rank",
                                  "ix_orders_client_id"])
        conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema'")


def _plan(path, sql: str, args=()) -> str:
    with sqlite3.connect(path) as conn:
        return " ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, args))


def test_version_4_trades_four_orders_indexes_for_three_and_every_read_keeps_one(tmp_path):
    """Schema 4: one (user, client_id) index for a user's orders and the client-id
    look-up, partial indexes on open and on ranked orders. A version-3 file is upgraded in
    place; its closed client ids, open orders, book and ranks read as before, each
    through an index (EXPLAIN QUERY PLAN), never a scan of the orders table."""
    path = tmp_path / "v3.db"
    store = Store(f"sqlite:///{path}")
    store.submit([prepare(o, "@operator") for o in (
        {"op": "symbol", "symbol": "X-Y", "base": "X", "quote": "Y", "tick_size": "1",
         "qty_step": "1"},
        {"op": "user", "user": "a"}, {"op": "user", "user": "b"},
        {"op": "deposit", "user": "a", "asset": "Y", "amount": "100"},
        {"op": "deposit", "user": "b", "asset": "X", "amount": "100"},
        {"op": "limit", "id": "a1", "user": "a", "symbol": "X-Y", "side": "buy", "price": "5",
         "qty": "2"},
        {"op": "limit", "id": "b1", "user": "b", "symbol": "X-Y", "side": "sell", "price": "5",
         "qty": "2"},                                      # fills a1: both closed
        {"op": "limit", "id": "a2", "user": "a", "symbol": "X-Y", "side": "buy", "price": "4",
         "qty": "1"})], 0)                                  # rests
    store.close()
    _as_schema_3(path)
    api = Api(str(path), actor="a")
    try:
        assert place_a1_again(api) == "duplicate client order id 'a1' for a"
        assert [o["client_id"] for o in api.orders(status="open")] == ["a2"]
        assert api.book("X-Y")["bids"] == [{"price": "4", "qty": "1", "orders": 1}]
        assert api.store.ex.rank_seq == 8
    finally:
        api.close()
    assert_upgraded(path)
    from souq.db.predicates import OPEN_ORDER, RANKED
    for sql, args, index in (
            (f"SELECT * FROM orders WHERE {OPEN_ORDER} ORDER BY id", (), "ix_orders_open"),
            ("SELECT side FROM orders WHERE symbol = ? AND status IN ('active', 'partial') "
             f"AND {OPEN_ORDER}", ("X-Y",), "ix_orders_open"),
            (f"SELECT max(rank) FROM orders WHERE {RANKED}", (), "ix_orders_ranked"),
            ("SELECT * FROM orders WHERE user = ? ORDER BY id DESC", ("a",),
             "ix_orders_user_client_id"),
            ("SELECT id FROM orders WHERE user = ? AND client_id = ? OR user = ? AND "
             "client_id = ?", ("a", "a1", "b", "b1"), "ix_orders_user_client_id")):
        plan = _plan(path, sql, args)
        assert index in plan and "SCAN orders" not in plan, (sql, plan)


def test_a_database_newer_than_the_code_is_refused_in_one_line(tmp_path, souq):
    _database(souq.db)
    newer = str(int(SCHEMA_VERSION) + 1)
    with sqlite3.connect(souq.db) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (newer,))
    text = (f"the database is at schema version {newer}, newer than this souq knows "
            f"({SCHEMA_VERSION}): upgrade souq to open it")
    with pytest.raises(M.SchemaTooNew) as err:
        Api(str(souq.db)).store
    assert str(err.value) == text
    assert souq.fails("wallets") == f"error: {text}"
    assert _version(souq.db) == newer               # left as it was


def test_opening_a_current_sqlite_file_costs_no_sqlalchemy_check(tmp_path):
    """The start-up check reads a SQLite file's version directly: a new file or one at
    the code's version needs nothing; an older one does; any other URL is checked."""
    path = tmp_path / "x.db"
    assert not M.needs_upgrade(f"sqlite:///{path}")         # not there yet: created current
    _database(path)
    assert not M.needs_upgrade(f"sqlite:///{path}")
    _as_schema_1(path)
    assert M.needs_upgrade(f"sqlite:///{path}")
    assert M.needs_upgrade("postgresql+psycopg://u@h/db")


def test_version_5_marks_the_projections_of_an_older_database_whole(tmp_path):
    """Schema 5: the meta row `projected` (db/projected.py). A version-4 file has none;
    its projections are those of its whole journal, and the fast read path serves it
    again once upgraded."""
    from souq.db.lite import open_reader
    path = tmp_path / "v4.db"
    _database(path)
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM meta WHERE key = 'projected'")
        conn.execute("UPDATE meta SET value = '4' WHERE key = 'schema'")
    assert open_reader(str(path)) is None              # not at the code's version
    engine = create_engine(f"sqlite:///{path}")
    assert M.upgrade(engine) == ["5", "6"]
    engine.dispose()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'projected'").fetchone() == \
            ("all",)
    reader = open_reader(str(path))
    assert [w["asset"] for w in reader.wallets(user="a")] == ["Y"]
    reader.close()


UNREADABLE = [    # an order whose quantity, price, stop price could not be read; one fine
    {"op": "limit", "id": "q", "user": "a", "symbol": "X-Y", "side": "buy", "price": "5",
     "qty": "abc"},
    {"op": "limit", "id": "p", "user": "a", "symbol": "X-Y", "side": "buy", "price": "NaN",
     "qty": "2"},
    {"op": "stop_limit", "id": "s", "user": "a", "symbol": "X-Y", "side": "buy",
     "stop_price": "-1", "price": "5", "qty": "2"},
    {"op": "limit", "id": "ok", "user": "a", "symbol": "X-Y", "side": "buy", "price": "5",
     "qty": "2"},
]


def _orders(path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT client_id, type, price, stop_price, qty, status FROM orders "
                            "ORDER BY id").fetchall()


def test_version_6_makes_an_unreadable_number_unknown_not_0(tmp_path, souq):
    """Schema 6: orders.qty may be NULL. A version-5 file stored "0" for a rejected order's
    quantity, price or stop price that could not be read; upgraded in place, those are
    NULL, every other value and row stays, the indexes are schema 4's, and `souq check`
    (replaying the journal, which now gives NULL there too) is clean."""
    _database(souq.db)
    stream = tmp_path / "unreadable.jsonl"
    stream.write_text("".join(json.dumps(o) + "\n" for o in UNREADABLE))
    souq.ok("replay", stream)
    with sqlite3.connect(souq.db) as conn:
        qty_not_null(conn)
        conn.execute("UPDATE meta SET value = '5' WHERE key = 'schema'")
    assert not qty_nullable(souq.db)
    assert _orders(souq.db) == [("q", "limit", "5", None, "0", "rejected"),
                                ("p", "limit", "0", None, "2", "rejected"),
                                ("s", "stop_limit", "5", "0", "2", "rejected"),
                                ("ok", "limit", "5", None, "2", "active")]
    engine = create_engine(souq.db_url)
    assert M.upgrade(engine) == ["6"]
    engine.dispose()
    assert_upgraded(souq.db)
    assert _orders(souq.db) == [("q", "limit", "5", None, None, "rejected"),
                                ("p", "limit", None, None, "2", "rejected"),
                                ("s", "stop_limit", "5", None, "2", "rejected"),
                                ("ok", "limit", "5", None, "2", "active")]
    with sqlite3.connect(souq.db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert souq.ok("check").startswith("ok: 7 journal entries replayed; ledger, holds, books "
                                       "and projections agree\n")
    # a new database stores NULL from the start: the same rows
    fresh = tmp_path / "fresh.db"
    _database(fresh)
    store = Store(f"sqlite:///{fresh}")
    store.submit([prepare(o, "@operator") for o in UNREADABLE], 0)
    store.close()
    assert _orders(fresh) == _orders(souq.db)
