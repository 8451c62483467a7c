"""A database written by souq before schema 2 is brought up to date at its first open:
the start-up indexes and md_sets.state are added, existing data sets stay visible, and
the exchange in it is unchanged."""
import sqlite3

from souq.db.api import Api
from souq.db.schema import SCHEMA_VERSION
from souq.db.store import Store, prepare

NEW_INDEXES = {"ix_orders_status", "ix_orders_rank", "ix_orders_client_id"}


def _as_schema_1(path) -> None:
    """Undo what schema 2 added, as an older souq left the file."""
    with sqlite3.connect(path) as conn:
        for name in NEW_INDEXES:
            conn.execute(f"DROP INDEX {name}")
        conn.execute("DROP TABLE check_points")
        conn.execute("ALTER TABLE md_sets DROP COLUMN state")
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema'")


def test_an_old_database_is_migrated_once_at_open(tmp_path):
    path = tmp_path / "old.db"
    store = Store(f"sqlite:///{path}")
    store.submit([prepare(o, "@operator") for o in (
        {"op": "symbol", "symbol": "X-Y", "base": "X", "quote": "Y", "tick_size": "1",
         "qty_step": "1"},
        {"op": "user", "user": "a"},
        {"op": "deposit", "user": "a", "asset": "Y", "amount": "100"},
        {"op": "limit", "id": "a1", "user": "a", "symbol": "X-Y", "side": "buy", "price": "5",
         "qty": "2"})], 0)
    store.close()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO md_sets (name, kind, symbol, rows, source, created_ts) "
                     "VALUES ('old', 'trades', 'X-Y', 0, 'old.csv', 1)")
    _as_schema_1(path)
    api = Api(str(path), actor="a")
    try:
        assert api.execute({"op": "limit", "id": "a1", "user": "a", "symbol": "X-Y",
                            "side": "buy", "price": "5", "qty": "1"}).reason == \
            "duplicate client order id 'a1' for a"
        from souq.db import marketdata
        assert [s["name"] for s in api.read(marketdata.sets)] == ["old"]
    finally:
        api.close()
    with sqlite3.connect(path) as conn:
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert NEW_INDEXES <= indexes
        assert conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone() == (SCHEMA_VERSION,)
        assert conn.execute("SELECT state FROM md_sets").fetchall() == [("ready",)]
