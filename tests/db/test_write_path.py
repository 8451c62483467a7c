"""The durable write path's shortcuts (issue 16) keep what is stored exact.

- On SQLite the journal, orders and trades keys are the tables' rowids (no second b-tree
  each insert also writes) and wallets are keyed by (user, asset) alone (WITHOUT ROWID).
- Client ids looked up one command at a time (a one-id statement) or many at once (padded
  statements) find the same closed orders; they are asked only for users with an order
  placed before the exchange was loaded (every other id is in memory).
- A batch runs with the cyclic collector paused and leaves it as it found it.
- The bounded memo converts each value once and starts afresh past its limit.
- After batches of every size the projections equal a fresh replay of the journal.
"""
import gc
import sqlite3

from souq.db.bench import _prepared
from souq.db.memo import cached
from souq.db.store import Store, prepare
from souq.engine.workload import orders, setup


def _tables(path):
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))


def _indexes(path):
    with sqlite3.connect(path) as conn:
        return {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_sqlite_keys_are_rowids_and_wallets_have_no_rowid(tmp_path):
    path = tmp_path / "keys.db"
    Store(f"sqlite:///{path}").close()
    tables, indexes = _tables(path), _indexes(path)
    for table in ("journal", "orders", "trades", "wallets"):
        assert f"sqlite_autoindex_{table}_1" not in indexes, table
    assert "WITHOUT ROWID" in tables["wallets"]
    for table, key in (("journal", "seq"), ("orders", "id"), ("trades", "id")):
        assert f"{key} INTEGER NOT NULL" in tables[table], tables[table]


def test_client_ids_of_closed_orders_are_found_one_or_many_at_a_time(tmp_path):
    url = f"sqlite:///{tmp_path / 'ids.db'}"
    store = Store(url)
    store.submit(_prepared(setup(20)), 0)
    store.submit(_prepared(orders(3000, 20, 11)), 1)
    closed = [(u.name, cid) for u in store.ex.users.values()
              for cid, o in u.orders.items() if not o.is_open][:150]
    store.close()
    assert len(closed) == 150
    for size in (1, 7, 10, 11, 150):       # the 1-, 10- and 100-id statements, and two chunks
        store = Store(url)                 # a start-up holds no closed order in memory
        part = closed[:size]
        assert all(cid not in store.ex.users[u].orders for u, cid in part)
        cmds = [prepare({"op": "cancel", "id": cid, "user": u}, "@operator") for u, cid in part]
        result = store.submit(cmds, 2)
        assert all(out.reason is not None and "already" in out.reason
                   for out in result.outcomes), [out.reason for out in result.outcomes]
        store.close()


def test_client_ids_are_asked_only_of_users_with_orders_before_the_load(tmp_path, monkeypatch):
    """A user with no order placed before the Store loaded has all its ids in memory: its
    new ids are not looked up. A user with one is (its closed ids are not in memory)."""
    from souq.db.load import ClientIds
    asked = []
    real = ClientIds._statement
    monkeypatch.setattr(ClientIds, "_statement", lambda self, size: asked.append(size)
                        or real(self, size))
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    store = Store(url)
    store.submit(_prepared(setup(20)), 0)
    store.submit(_prepared(orders(500, 20, 3)), 1)       # no user had an order at load
    assert asked == []
    closed = next((u.name, cid) for u in store.ex.users.values()
                  for cid, o in u.orders.items() if not o.is_open)
    store.close()
    store = Store(url)                                    # now every trader has history
    result = store.submit([prepare({"op": "cancel", "id": closed[1], "user": closed[0]},
                                   "@operator")], 2)
    assert asked == [1] and "already" in result.outcomes[0].reason
    store.close()


def test_a_batch_pauses_the_collector_and_restores_it(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'gc.db'}")
    seen = []
    store.submit(_prepared(setup(5)), 0, within=lambda *_: seen.append(gc.isenabled()))
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        store.submit(_prepared(orders(10, 5, 1)), 1)
        assert not gc.isenabled()           # a caller's choice stays
    finally:
        gc.enable()
    store.close()


def test_memo_converts_once_and_starts_afresh_past_its_limit():
    calls = []
    f = cached(lambda v: calls.append(v) or str(v), limit=2)
    assert [f(1), f(2), f(1)] == ["1", "2", "1"] and calls == [1, 2]
    assert f(3) == "3" and calls == [1, 2, 3]          # full: the memo starts afresh
    assert f(1) == "1" and calls == [1, 2, 3, 1]


def _rows(path, table, order):
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()


def test_projections_equal_a_replay_of_the_journal_after_every_batch_size(tmp_path):
    objs = setup(30) + orders(4000, 30, 5)
    fast, slow = tmp_path / "batches.db", tmp_path / "one.db"
    store = Store(f"sqlite:///{fast}")
    items = _prepared(objs)
    i = 0
    for size in (1, 1, 7, 1000, 1, 300, 2000, 1) * 10:
        if i < len(items):
            store.submit(items[i:i + size], 5)
            i += size
    store.close()
    store = Store(f"sqlite:///{slow}")
    store.submit(_prepared(objs), 5)                 # one batch, the reference
    store.close()
    cols = "id, user, client_id, symbol, side, type, tif, stp, price, stop_price, qty, " \
        "filled, cost, status, reason, hold, rank"   # updated_seq: the batch's last seq
    with sqlite3.connect(fast) as a, sqlite3.connect(slow) as b:
        assert a.execute(f"SELECT {cols} FROM orders ORDER BY id").fetchall() == \
            b.execute(f"SELECT {cols} FROM orders ORDER BY id").fetchall()
    for table, order in (("trades", "id"), ("wallets", '"user", asset'),
                         ("symbols", "name"), ("users", "name")):
        assert _rows(fast, table, order) == _rows(slow, table, order), table
    ledger = "seq, kind, asset, from_user, from_bucket, to_user, to_bucket, amount, ref"
    with sqlite3.connect(fast) as a, sqlite3.connect(slow) as b:
        assert a.execute(f"SELECT {ledger} FROM ledger ORDER BY id").fetchall() == \
            b.execute(f"SELECT {ledger} FROM ledger ORDER BY id").fetchall()
        assert a.execute("SELECT seq, body, status, reason, events FROM journal").fetchall() == \
            b.execute("SELECT seq, body, status, reason, events FROM journal").fetchall()


def _last_price(path):
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT last_price FROM symbols WHERE name = 'BTC-IRR'").fetchone()[0]


def test_symbols_row_skipped_only_when_this_process_wrote_it_and_nobody_since(tmp_path):
    path = tmp_path / "two.db"
    a, b = Store(f"sqlite:///{path}"), Store(f"sqlite:///{path}")
    a.submit(_prepared(setup(4)), 0)

    def cross(store, price, n):
        store.submit([prepare(o, "@operator") for o in (
            {"op": "limit", "id": f"s{n}", "user": "u1", "symbol": "BTC-IRR", "side": "sell",
             "price": price, "qty": "0.001"},
            {"op": "limit", "id": f"b{n}", "user": "u2", "symbol": "BTC-IRR", "side": "buy",
             "price": price, "qty": "0.001"})], n)

    cross(a, "100000000", 1)
    assert _last_price(path) == "100000000"
    cross(b, "100100000", 2)              # another writer moves the last price
    assert _last_price(path) == "100100000"
    cross(a, "100000000", 3)              # the row a wrote before: written again all the same
    assert _last_price(path) == "100000000"
    a.close()
    b.close()


def test_client_ids_are_looked_up_as_user_and_id_pairs(tmp_path):
    """The look-up asks for (user, client id) pairs on the (user, client_id) index: after a
    restart, a closed id of one user is a duplicate for that user only, in a batch of one
    and in a batch with many ids."""
    url = f"sqlite:///{tmp_path / 'pairs.db'}"
    store = Store(url)
    store.submit(_prepared(setup(3)), 0)

    def limit(user, cid, price):
        return prepare({"op": "limit", "id": cid, "user": user, "symbol": "BTC-IRR",
                        "side": "buy", "price": price, "qty": "0.001"}, "@operator")

    store.submit([limit("u0", "x1", "100000000"),
                  prepare({"op": "cancel", "id": "x1", "user": "u0"}, "@operator")], 1)
    store.close()
    for extra in (0, 30):                     # the one-pair statement, then the padded ones
        store = Store(url)
        assert "x1" not in store.ex.users["u0"].orders
        more = [limit("u2", f"m{extra}-{i}", "100000000") for i in range(extra)]
        result = store.submit([limit("u1", "x1", "100000000") if not extra else
                               limit("u1", f"y{extra}", "100000000"),
                               limit("u0", "x1", "100000000")] + more, 2)
        reasons = [out.reason for out in result.outcomes[:2]]
        assert reasons == [None, "duplicate client order id 'x1' for u0"], reasons
        store.close()
