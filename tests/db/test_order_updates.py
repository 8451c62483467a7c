"""An order row is updated without its indexed columns (status, rank) when the batch did not
move them (db.projection.ORDER_UPDATES): SQLite rewrites an index entry whenever an UPDATE
sets its column, even to the value it has, a page more in every commit.

- A maker filled further without a change of status is written without status or rank; one
  whose status changed, with its status only; a re-rested (amended) order, with its rank.
- Whatever the batch sizes, on a stream that amends, triggers stops, expires day orders at a
  session close and orders outside the band at a session open, and cancels all of a user's
  orders, the orders table equals the one a single batch writes, and `souq check` is clean.
"""
import random
import sqlite3

from souq.db.check import run_check
from souq.db.store import Store, prepare

SYM = "BTC-IRR"
USERS = [f"t{i}" for i in range(8)]


def _setup() -> list[dict]:
    out = [{"op": "symbol", "symbol": SYM, "base": "BTC", "quote": "IRR", "tick_size": "1000",
            "qty_step": "0.0001", "daily_limit": "0.05", "ref_price": "100000000",
            "maker_fee": "0.001", "taker_fee": "0.002"}]
    for u in USERS:
        out += [{"op": "user", "user": u},
                {"op": "deposit", "user": u, "asset": "BTC", "amount": "100"},
                {"op": "deposit", "user": u, "asset": "IRR", "amount": "10000000000"}]
    return out


def _stream(n: int, seed: int) -> list[dict]:
    """Limits (gtc and day), markets, stops, cancels, amends (price and qty), session closes
    and opens (some with an opening price that moves the band), cancel-alls."""
    rnd = random.Random(seed)
    out, placed, mid = [], [], 100_000
    for i in range(n):
        u, side, r = rnd.choice(USERS), rnd.choice(("buy", "sell")), rnd.random()
        mid = max(96_000, min(104_000, mid + rnd.choice((-2, -1, 0, 1, 2))))
        price = str((mid + rnd.randint(-6, 6)) * 1000)
        qty = f"0.{rnd.randint(1, 60):04d}"
        cid = f"o{i}"
        if r < 0.45:
            out.append({"op": "limit", "id": cid, "user": u, "symbol": SYM, "side": side,
                        "price": price, "qty": qty, "tif": rnd.choice(("gtc", "gtc", "day"))})
            placed.append((u, cid))
        elif r < 0.52:
            out.append({"op": "market", "id": cid, "user": u, "symbol": SYM, "side": side,
                        "qty": qty})
        elif r < 0.60:
            stop = str((mid + (3 if side == "buy" else -3)) * 1000)
            if rnd.random() < 0.5:
                out.append({"op": "stop_market", "id": cid, "user": u, "symbol": SYM,
                            "side": side, "stop_price": stop, "qty": qty})
            else:
                out.append({"op": "stop_limit", "id": cid, "user": u, "symbol": SYM,
                            "side": side, "stop_price": stop, "price": price, "qty": qty})
            placed.append((u, cid))
        elif r < 0.72 and placed:
            owner, ref = rnd.choice(placed)
            change = rnd.choice(({"price": price}, {"qty": qty}, {"price": price, "qty": qty}))
            out.append({"op": "amend", "id": ref, "user": owner, **change})
        elif r < 0.84 and placed:
            owner, ref = placed.pop(rnd.randrange(len(placed)))
            out.append({"op": "cancel", "id": ref, "user": owner})
        elif r < 0.87:
            out.append({"op": "cancel_all", "user": u})
        elif r < 0.90:
            out.append({"op": "session_close", "symbol": SYM})
            opening = {"opening_price": str((mid + rnd.choice((-3000, 0, 3000))) * 1000)} \
                if rnd.random() < 0.5 else {}
            out.append({"op": "session_open", "symbol": SYM, **opening})
    return out


def _items(objs):
    return [prepare(o, "@operator") for o in objs]


def _orders(path):
    cols = "id, user, client_id, symbol, side, type, tif, stp, price, stop_price, qty, " \
        "filled, cost, status, reason, hold, rank"          # updated_seq: the batch's last
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT {cols} FROM orders ORDER BY id").fetchall()


def test_batches_of_any_size_write_the_orders_one_batch_writes_and_check_clean(tmp_path):
    objs = _setup() + _stream(2500, 7)
    fast, slow = tmp_path / "batches.db", tmp_path / "one.db"
    store = Store(f"sqlite:///{fast}")
    items, i, sizes = _items(objs), 0, (1, 3, 1, 50, 1, 1, 400, 2, 1, 17)
    while i < len(items):
        size = sizes[i % len(sizes)]
        store.submit(items[i:i + size], 5)
        i += size
    kinds = {o["op"] for o in objs}
    statuses = {o.status for u in store.ex.users.values() for o in u.orders.values()}
    store.close()
    assert {"amend", "stop_limit", "stop_market", "session_close", "cancel_all"} <= kinds
    assert {"expired", "cancelled", "filled", "partial", "queued"} <= statuses, statuses
    reference = Store(f"sqlite:///{slow}")
    reference.submit(_items(objs), 5)
    reference.close()
    assert _orders(fast) == _orders(slow)
    check = Store(f"sqlite:///{fast}")
    assert run_check(check.engine, record=False).problems == []
    check.close()


def test_an_order_update_sets_only_the_indexed_columns_the_batch_moved(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'u.db'}")
    store.submit(_items(_setup()), 1)
    seen = []       # the statements as run, values bound in
    store._writer().dbapi_connection.set_trace_callback(
        lambda sql: sql.startswith("UPDATE orders") and seen.append(sql.split(" WHERE")[0]))

    def limit(cid, side, price, qty, user):
        return {"op": "limit", "id": cid, "user": user, "symbol": SYM, "side": side,
                "price": price, "qty": qty}

    store.submit(_items([limit("m", "sell", "100000000", "0.0010", "t0")]), 2)
    store.submit(_items([limit("a", "buy", "100000000", "0.0002", "t1")]), 3)   # active->partial
    store.submit(_items([limit("b", "buy", "100000000", "0.0002", "t1")]), 4)   # partial again
    store.submit(_items([{"op": "amend", "id": "m", "user": "t0", "price": "100001000"}]), 5)
    store.submit(_items([limit("c", "buy", "100001000", "0.0006", "t1")]), 6)   # fills it
    store.close()
    assert [(" status=" in s, " rank=" in s) for s in seen] == [
        (True, False),     # its status moved to partially filled: status, not rank
        (False, False),    # filled further, still partially filled: neither
        (True, True),      # amended to a new price: re-rested, a new rank
        (True, False),     # filled: status, not rank
    ], seen
