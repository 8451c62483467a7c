"""The gateway's feed (gateway.feed) publishes this process's batches from the committer's
results, and what other processes wrote through its journal follower: the same messages
either way, each trade once, book deltas numbered without a gap and adding up to the
book on the database.

No server here: a Feed and a Committer on one SQLite file, a subscriber that keeps what
it is sent, and batches committed one after another in the test's thread (so that each
run makes the same batches)."""
from concurrent.futures import Future

from gw_kit import apply, levels

from souq.db import queries as Q
from souq.db.connection import connect
from souq.db.store import Store, prepare
from souq.engine.workload import orders, setup
from souq.gateway.committer import Committer
from souq.gateway.feed import Feed
from souq.gateway.shapes import iso

USERS = 6
SYMBOL = "BTC-IRR"
TS = 1_700_000_000_000_000_000


class Box:
    """A subscriber that keeps every message (Feed calls push from its threads)."""

    def __init__(self) -> None:
        self.got: list[dict] = []

    def push(self, message: dict) -> None:
        self.got.append(message)


def script() -> list[list[tuple[dict, str]]]:
    """Batches of (command, actor): the seeded workload's orders and cancels in batches of
    various sizes, and among them an amend, a deposit, a suspension and a reinstatement."""
    work = [(o, o["user"]) for o in orders(240, USERS, 11)]
    batches, i = [], 0
    for size in (1, 7, 30, 2, 64, 5, 40, 1, 90):
        batches.append(work[i:i + size])
        i += size
    batches[1].append(({"op": "limit", "id": "far", "user": "u5", "symbol": SYMBOL,
                        "side": "buy", "price": "50000000", "qty": "0.1"}, "u5"))
    batches.insert(3, [({"op": "amend", "user": "u5", "id": "far", "price": "50001000"}, "u5"),
                       ({"op": "deposit", "user": "u1", "asset": "BTC", "amount": "2"},
                        "@operator")])
    batches.insert(6, [({"op": "user_status", "user": "u2", "status": "suspended"},
                        "@operator")])
    batches.insert(7, [({"op": "user_status", "user": "u2", "status": "active"}, "@operator")])
    return batches


def foreign() -> list[dict]:
    """Commands another process commits between two of the gateway's batches."""
    return [{"op": "limit", "id": "x1", "user": "u3", "symbol": SYMBOL, "side": "buy",
             "price": "99990000", "qty": "0.5"},
            {"op": "market", "id": "x2", "user": "u4", "symbol": SYMBOL, "side": "sell",
             "qty": "0.25"}]


def run(tmp_path, name: str, *, committer_publishes: bool, foreign_after: int | None = None):
    """Every message a subscriber to every channel (but tickers, read at a moment's time)
    got while `script()` ran; and the database's book after it."""
    url = f"sqlite:///{tmp_path / name}"
    store = Store(url)
    store.submit([prepare(o, "@operator") for o in setup(USERS)], TS)
    store.close()
    engine = connect(url)
    # the follower steps only when told here; its clock (the trades' durable_at when it
    # reads them) and the committer's (when a commit returned) read the same instant
    feed = Feed(engine, poll_s=3600, clock=lambda: TS)
    committer = Committer(url, on_commit=feed.committed if committer_publishes else None,
                          clock=lambda: TS)
    box = Box()
    feed.subscribe(box, "book", SYMBOL)
    feed.subscribe(box, "trades", SYMBOL)
    for u in [f"u{i}" for i in range(USERS)]:
        for channel in ("orders", "fills", "wallets"):
            feed.subscribe(box, channel, u)
    other = Store(url)
    try:
        for n, batch in enumerate(script()):
            if n == foreign_after:
                other.submit([prepare(o, o["user"]) for o in foreign()], TS)
            # one batch, as the committer's thread makes it (its thread waits meanwhile)
            committer._commit([(prepare(obj, actor), Future()) for obj, actor in batch])
            if not committer_publishes:
                feed.step()
        with engine.connect() as conn:
            book = Q.book(conn, SYMBOL, 10**6)
    finally:
        other.close()
        committer.close()
        feed.close()
        engine.dispose()
    return box.got, book


def book_of(messages: list[dict]) -> tuple[dict, list[int]]:
    """The book a client builds from the snapshot and the deltas; their numbers."""
    book, seqs = {"bids": {}, "asks": {}}, []
    for m in messages:
        if m.get("channel") != "book" or m["type"] not in ("snapshot", "delta"):
            continue
        if m["type"] == "snapshot":
            book = levels(m)
        else:
            apply(book, m)
        seqs.append(m["seq"])
    return book, seqs


def test_the_committer_publishes_what_the_follower_would_read_back(tmp_path):
    direct, db_book = run(tmp_path, "direct.db", committer_publishes=True)
    followed, _ = run(tmp_path, "followed.db", committer_publishes=False)
    assert direct == followed
    trades = [t["trade_id"] for m in direct if m.get("channel") == "trades"
              for t in m.get("trades", ())]
    assert len(trades) > 20 and len(set(trades)) == len(trades)         # each trade once
    assert {m["durable_at"] for m in direct if "trades" in m} \
        == {iso(TS)}                                # the committer's clock after the commit
    book, seqs = book_of(direct)
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))            # no gap
    assert book == {side: {x["price"]: x["qty"] for x in db_book[side]} for side in ("bids", "asks")}
    assert any(m.get("type") == "error" and "u2 is suspended" in m["detail"] for m in direct)
    far = [o for m in direct if m.get("channel") == "orders"
           and m["type"] == "update" for o in m["orders"]
           if o["client_order_id"] == "far"]
    assert (far[0]["price"], far[-1]["price"]) == ("50000000", "50001000")   # placed, amended


def test_another_processs_writes_come_first_and_once(tmp_path):
    """Entries another process committed before a batch of the gateway's are read from the
    journal and published with the batch, in journal order, nothing twice."""
    direct, db_book = run(tmp_path, "direct.db", committer_publishes=True, foreign_after=5)
    followed, _ = run(tmp_path, "followed.db", committer_publishes=False, foreign_after=5)
    assert direct == followed
    fills = [t["trade_id"] for m in direct if m.get("channel") == "trades"
              for t in m.get("trades", ())]
    assert len(set(fills)) == len(fills)
    x2 = [o for m in direct if m.get("channel") == "orders"
           and m["type"] == "update" for o in m["orders"]
          if o["client_order_id"] == "x2"]
    assert len(x2) == 1 and x2[0]["filled"] != "0"
    book, seqs = book_of(direct)
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    assert book == {side: {x["price"]: x["qty"] for x in db_book[side]} for side in ("bids", "asks")}


def test_a_trade_the_committer_publishes_moves_the_ticker(tmp_path):
    """Tickers read the database: the committer leaves them to the follower's thread,
    which publishes the update for the followed symbol."""
    import time
    url = f"sqlite:///{tmp_path / 't.db'}"
    store = Store(url)
    store.submit([prepare(o, "@operator") for o in setup(2)], TS)
    store.close()
    engine = connect(url)
    feed = Feed(engine, poll_s=3600)
    committer = Committer(url, on_commit=feed.committed)
    box = Box()
    feed.subscribe(box, "ticker", SYMBOL)
    try:
        for user, side in (("u0", "sell"), ("u1", "buy")):
            committer.submit({"op": "limit", "id": "t" + user, "user": user, "symbol": SYMBOL,
                              "side": side, "price": "100001000", "qty": "0.01"}, user)
        give_up = time.monotonic() + 120           # a hang guard, not a speed check
        while not any(m.get("type") == "update" for m in box.got):
            assert time.monotonic() < give_up, box.got
            time.sleep(0.01)
    finally:
        committer.close()
        feed.close()
        engine.dispose()
    update = next(m for m in box.got if m.get("type") == "update")
    assert (update["channel"], update["symbol"], update["last"]) == ("ticker", SYMBOL, "100001000")
