"""A database written by souq before schema 2 is brought up to date at its first open:
the start-up indexes and md_sets.state are added, existing data sets stay visible, and
the exchange in it is unchanged."""
import sqlite3

from souq.db.api import Api
from souq.db.schema import SCHEMA_VERSION
from souq.db.store import Store, prepare

NEW_INDEXES = {"ix_orders_user_client_id", "ix_orders_open", "ix_orders_ranked"}   # schema 4
OLD_INDEXES = {"ix_orders_user": "user", "ix_orders_status": "status",       # schemas 2-3
               "ix_orders_rank": "rank", "ix_orders_client_id": "client_id, user"}


def old_orders_indexes(conn, names) -> None:
    """The orders indexes of an older schema: schema 4's dropped, `names` made."""
    for name in NEW_INDEXES:
        conn.execute(f"DROP INDEX {name}")
    for name in names:
        conn.execute(f"CREATE INDEX {name} ON orders ({OLD_INDEXES[name]})")


def assert_upgraded(path) -> None:
    """The file is at the code's version with schema 4's orders indexes, none older, and
    schema 6's nullable orders.qty."""
    assert qty_nullable(path)
    with sqlite3.connect(path) as conn:
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert NEW_INDEXES <= indexes and not set(OLD_INDEXES) & indexes
        assert conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone() == (SCHEMA_VERSION,)
        assert conn.execute("SELECT value FROM meta WHERE key='projected'").fetchone() == ("all",)


def place_a1_again(api) -> str | None:
    """The reason user a's order `a1` placed once more is refused (a closed order's id)."""
    return api.execute({"op": "limit", "id": "a1", "user": "a", "symbol": "X-Y",
                        "side": "buy", "price": "5", "qty": "1"}).reason


def qty_not_null(conn) -> None:
    """The orders table as schemas 1-5 made it: qty NOT NULL, and "0" where a rejected
    order's quantity, price or stop price could not be read (the stream parser's stand-in
    then); its indexes as they are."""
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND "
                       "name = 'orders'").fetchone()[0]
    old = sql.replace("qty VARCHAR,", "qty VARCHAR NOT NULL,")
    assert old.count("NOT NULL") == sql.count("NOT NULL") + 1, sql
    indexes = [r[0] for r in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index' "
                                          "AND tbl_name = 'orders' AND sql IS NOT NULL")]
    conn.execute("UPDATE orders SET qty = '0' WHERE qty IS NULL")
    conn.execute("UPDATE orders SET price = '0' WHERE price IS NULL AND status = 'rejected' "
                 "AND type IN ('limit', 'stop_limit')")
    conn.execute("UPDATE orders SET stop_price = '0' WHERE stop_price IS NULL AND "
                 "status = 'rejected' AND type IN ('stop_limit', 'stop_market')")
    conn.execute("ALTER TABLE orders RENAME TO orders_now")
    conn.execute(old)
    conn.execute("INSERT INTO orders SELECT * FROM orders_now")
    conn.execute("DROP TABLE orders_now")
    for index in indexes:
        conn.execute(index)


def qty_nullable(path) -> bool:
    """Whether the file's orders.qty may be NULL (schema 6)."""
    with sqlite3.connect(path) as conn:
        cols = {r[1]: r[3] for r in conn.execute("PRAGMA table_info(orders)")}
    return cols["qty"] == 0


def _as_schema_1(path) -> None:
    """Undo what schemas 2 to 6 added, as an older souq left the file (schema 1 had the
    one orders index on user)."""
    with sqlite3.connect(path) as conn:
        qty_not_null(conn)
        conn.execute("DELETE FROM meta WHERE key = 'projected'")
        old_orders_indexes(conn, ["ix_orders_user"])
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
        assert place_a1_again(api) == "duplicate client order id 'a1' for a"
        from souq.db import marketdata
        assert [s["name"] for s in api.read(marketdata.sets)] == ["old"]
    finally:
        api.close()
    assert_upgraded(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT state FROM md_sets").fetchall() == [("ready",)]
