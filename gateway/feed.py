"""The gateway's feeds: what any process committed, as WebSocket messages.

Two publishers, one journal point (`Feed.seq`, under `Feed.lock`), so nothing is sent
twice or left out:
- the committer, in this process, hands each durable batch over at once (`committed`):
  its trades, order updates, wallets and book levels come from the batch itself and the
  engine state after it, with no database read, when the feed stands where the batch
  began;
- the journal follower, a thread, reads the projections at one journal point every
  `poll_s` for what other processes (the CLI, the workstation, another server) wrote, and
  whenever the committer finds such entries ahead of its batch.
Whichever publishes a stretch of the journal moves `seq` past it; the other then skips
it. Published:
- public `book` deltas per symbol, numbered by a per-symbol sequence (a snapshot on
  subscribe carries the number it stands at), `trades` and `ticker` (tickers read the
  database, in the follower's thread, for followed symbols only);
- private `orders` (own order updates), `fills` (own trades) and `wallets` per user.
Subscribing happens under the same lock as publishing, so a snapshot and the deltas after
it never overlap or leave a gap.
"""
import threading
from decimal import Decimal
import time

import orjson
from sqlalchemy import func, select

from souq.db import queries as Q
from souq.db import schema as S
from souq.db.projected import point
from souq.db.projection import wallet_values
from souq.db.tickers import ticker
from souq.engine.events import OrderAmended
from souq.engine.model import BUY, SUSPENDED, WORLD
from souq.engine.numbers import fmt

from .committer import order_dict
from .placed import PlacedTimes, reader
from .shapes import iso, order_out, trade_out, trade_row_out, wallet_out

PUBLIC = ("book", "trades", "ticker")
PRIVATE = ("orders", "fills", "wallets")
WHOLE_BOOK = 1 << 62       # every level: deltas name any level an order touched
LAST_SEQ = f"SELECT max(seq) FROM {S.Journal.__tablename__}"


class Subscriber:
    """One WebSocket's mailbox: `push` may be called from any thread."""

    def __init__(self, loop, queue) -> None:
        self.loop, self.queue = loop, queue

    def push(self, message: dict) -> None:
        self.loop.call_soon_threadsafe(self.queue.put_nowait, message)


def _levels(book: dict, side: str) -> dict:
    return {x["price"]: x["qty"] for x in book[side]}


def _side_out(levels: dict, reverse: bool) -> list:
    return [{"price": p, "quantity": q}
            for p, q in sorted(levels.items(), key=lambda kv: Decimal(kv[0]), reverse=reverse)]


def _oid(order) -> int:
    return order.oid


def _engine_side(levels) -> dict:
    """An engine book side (SortedDict of model.Level) as {price: quantity} text."""
    return {fmt(lv.price): fmt(lv.total) for lv in levels.values()}


class Feed:
    def __init__(self, engine, poll_s: float = 0.05, clock=time.time_ns,
                 writer_busy=lambda: False) -> None:
        self.engine = engine
        self.poll_s = poll_s
        self.clock = clock
        self.writer_busy = writer_busy    # the committer is between commit and `committed`
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.subs: dict[tuple, set] = {}
        self.books: dict[str, dict] = {}
        self.book_seq: dict[str, int] = {}
        self._tickers_due: set = set()
        self.placed = PlacedTimes()     # created_at of the open orders it has published
        with engine.connect() as conn:
            self.seq = point(conn)      # the projections' journal point (db/projected.py)
            self.trade_id = conn.execute(select(func.max(S.TradeRow.id))).scalar() or 0
            for s in Q.symbols(conn):
                b = Q.book(conn, s["name"], WHOLE_BOOK)
                self.books[s["name"]] = {"bids": _levels(b, "bids"), "asks": _levels(b, "asks")}
                self.book_seq[s["name"]] = 0
        self._stop = False
        self._probe = None          # the follower thread's DBAPI connection (_last_seq)
        self._thread = threading.Thread(target=self._run, name="souq-feed", daemon=True)
        self._thread.start()

    # ---------------------------------------------------------------- subscribers
    def subscribe(self, sub: Subscriber, channel: str, key: str) -> None:
        """Add `sub` to channel/key (symbol or user) and push it the confirmation and the
        snapshot, under the publishing lock: every later update comes after them."""
        with self.lock:
            self.subs.setdefault((channel, key), set()).add(sub)
            sub.push({"type": "subscribed", "channel": channel, "key": key})
            snapshot = self._snapshot(channel, key)
            if snapshot is not None:
                sub.push(snapshot)

    def _snapshot(self, channel: str, key: str) -> dict | None:
        if channel == "book":
            book = self.books.get(key, {"bids": {}, "asks": {}})
            return {"channel": "book", "symbol": key, "type": "snapshot",
                    "seq": self.book_seq.get(key, 0),
                    "bids": _side_out(book["bids"], True), "asks": _side_out(book["asks"], False)}
        with self.engine.connect() as conn:
            if channel == "ticker":
                return {"channel": "ticker", "type": "snapshot",
                        **ticker(conn, key, self.clock())}
            if channel == "orders":
                rows = self.placed.fill(Q.orders(conn, user=key, status="open"),
                                        lambda ids: Q.journal_times(conn, ids))
                return {"channel": "orders", "type": "snapshot",
                        "orders": [order_out(o) for o in rows]}
            if channel == "wallets":
                return {"channel": "wallets", "type": "snapshot",
                        "wallets": [wallet_out(w) for w in Q.wallets(conn, user=key)]}
        return None

    def unsubscribe(self, sub: Subscriber, channel: str, key: str) -> None:
        with self.lock:
            self.subs.get((channel, key), set()).discard(sub)

    def drop(self, sub: Subscriber) -> None:
        with self.lock:
            for subs in self.subs.values():
                subs.discard(sub)

    def _publish(self, channel: str, key: str, message: dict) -> None:
        for sub in list(self.subs.get((channel, key), ())):
            sub.push(message)

    def _followed(self, channel: str, key: str) -> bool:
        return bool(self.subs.get((channel, key)))

    # ---------------------------------------------------------------- this process's writes
    def committed(self, result, ex, trades: list, orders: dict | None = None,
                  durable_ns: int | None = None) -> None:
        """The committer's batch `result` (db.store.BatchResult) is durable; `ex` is the
        engine right after it, `trades` its trades in the order-stream shape plus ts and
        taker_side, `orders` the order-row dicts the committer shaped for its answers (oid
        -> dict; an order missing there is shaped here) and `durable_ns` when its commit
        returned (gateway.committer; None: now). Called in the committer's thread, before
        the next batch changes `ex`. Publishes the batch from these alone when the feed
        stands where the batch began; when other processes' entries came first, reads them
        and the batch from the database instead; when the follower got there first,
        nothing."""
        if not result.outcomes:
            return
        start, last = result.outcomes[0].seq - 1, result.outcomes[-1].seq
        with self.lock:
            if self.seq >= last:
                return
            if self.seq == start:
                self._publish_batch(result, ex, trades, orders or {},
                                    self.clock() if durable_ns is None else durable_ns)
                self.seq = last
                return
        self.step()

    def _publish_batch(self, result, ex, trades: list, shaped: dict, durable_ns: int) -> None:
        """Under the lock: the batch's messages, shaped as the follower shapes the same
        rows read back from the projections."""
        changes = result.changes
        touched: dict[str, set] = {}
        for o in result.orders.values():
            if o.price is not None:
                touched.setdefault(o.sym.name, set()).add((o.side, o.price))
        whole = {e.order.sym.name for out in result.outcomes for e in out.events
                 if type(e) is OrderAmended}       # the old price is not in the order
        for name in sorted(touched.keys() | whole):
            sym = ex.symbols[name]
            old = self.books.setdefault(name, {"bids": {}, "asks": {}})
            if name in whole:
                new = {"bids": _engine_side(sym.bids), "asks": _engine_side(sym.asks)}
                self._book_delta(name, old, new)
                continue
            changed = {"bids": {}, "asks": {}}
            for side, price in touched[name]:
                book, key, half = ((sym.bids, -price, "bids") if side == BUY else
                                   (sym.asks, price, "asks"))
                level = book.get(key)
                text = fmt(price)
                qty = fmt(level.total) if level is not None else None
                if old[half].get(text) != qty:
                    changed[half][text] = qty or "0"
                    if qty is None:
                        old[half].pop(text, None)
                    else:
                        old[half][text] = qty
            self._numbered_delta(name, changed)
        due = self._publish_trades(trades, lambda t: trade_out(t, public=True), trade_out,
                                   durable_ns)
        if due:           # tickers read the database: in the follower's thread
            self._tickers_due |= due
            self.wake.set()
        per_user: dict[str, list] = {}
        for o in sorted(result.orders.values(), key=_oid):      # as the follower reads them
            user = o.user.name
            if self._followed("orders", user):
                d = shaped.get(o.oid)
                per_user.setdefault(user, []).append(order_dict(o) if d is None else d)
        for user, rows in per_user.items():
            rows = [order_out(d) for d in self.placed.fill(rows, reader(self.engine))]
            self._publish("orders", user, {"channel": "orders", "type": "update", "orders": rows})
        if changes is not None:
            w_user: dict[str, list] = {}
            for user, asset in sorted(changes.wallets):
                if user != WORLD and self._followed("wallets", user):
                    balance, hold, available = wallet_values(ex.users[user].wallets[asset])
                    w_user.setdefault(user, []).append(wallet_out({
                        "user": user, "asset": asset, "balance": balance, "hold": hold,
                        "available": available}))
            for user, rows in w_user.items():
                self._publish("wallets", user, {"channel": "wallets", "type": "update",
                                                "wallets": rows})
            self._close_private([u.name for u in changes.users.values()
                                 if u.status == SUSPENDED])
        if trades:
            self.trade_id = max(self.trade_id, trades[-1]["seq"])

    def _publish_trades(self, trades: list, public, private, durable_ns: int) -> set:
        """`trades` (rows or order-stream records: `public` and `private` shape them) on
        the symbols' public tapes and both parties' fills, each message stamped
        `durable_at`: when this server knew them durable (`durable_ns`: its own batch's
        commit returned, or its follower read another process's commit); returns the
        symbols whose ticker someone follows."""
        by_symbol: dict[str, list] = {}
        by_user: dict[str, list] = {}
        for t in trades:
            if self._followed("trades", t["symbol"]):
                by_symbol.setdefault(t["symbol"], []).append(public(t))
            for u in {t["maker_user"], t["taker_user"]}:
                if self._followed("fills", u):
                    by_user.setdefault(u, []).append(private(t))
        at = iso(durable_ns) if by_symbol or by_user else None
        for name, rows in by_symbol.items():
            self._publish("trades", name, {"channel": "trades", "symbol": name, "trades": rows,
                                           "durable_at": at})
        for user, rows in by_user.items():
            self._publish("fills", user, {"channel": "fills", "trades": rows, "durable_at": at})
        return {t["symbol"] for t in trades if self._followed("ticker", t["symbol"])}

    def _book_delta(self, name: str, old: dict, new: dict) -> None:
        """Publish what differs between the book `old` (changed in place to `new`)."""
        changed = {}
        for side in ("bids", "asks"):
            diff = {p: q for p, q in new[side].items() if old[side].get(p) != q}
            diff.update({p: "0" for p in old[side] if p not in new[side]})
            changed[side] = diff
        old["bids"], old["asks"] = new["bids"], new["asks"]
        self._numbered_delta(name, changed)

    def _numbered_delta(self, name: str, changed: dict) -> None:
        """Number a change of `name`'s book; the delta message is built only when someone
        follows the book (a later subscriber's snapshot carries the number)."""
        if changed["bids"] or changed["asks"] or name not in self.book_seq:
            self.book_seq[name] = self.book_seq.get(name, 0) + 1
            if self._followed("book", name):
                self._publish("book", name, {
                    "channel": "book", "symbol": name, "type": "delta",
                    "seq": self.book_seq[name], "bids": _side_out(changed["bids"], True),
                    "asks": _side_out(changed["asks"], False)})

    def _close_private(self, users) -> None:
        for user in users:
            for channel in PRIVATE:
                for sub in self.subs.pop((channel, user), set()):
                    sub.push({"type": "error", "channel": channel,
                              "detail": f"user {user} is suspended; private channel "
                                        f"{channel} closed"})

    # ---------------------------------------------------------------- following
    def poke(self) -> None:
        """Something committed: look now rather than at the next poll."""
        self.wake.set()

    def close(self) -> None:
        self._stop = True
        self.wake.set()
        self._thread.join(timeout=10)
        if self._probe is not None:
            self._probe.close()
            self._probe = None

    def _run(self) -> None:
        while not self._stop:
            self.wake.wait(self.poll_s)
            self.wake.clear()
            if self._stop:
                return
            try:
                self._tickers()
                # the committer will publish (or read) itself; and most polls find nothing
                # new, which one bare query on a kept connection says
                if not self.writer_busy() and self._last_seq() > self.seq:
                    self.step()
            except Exception:     # a database hiccup: try again at the next wake
                if self._probe is not None:
                    self._probe.close()
                    self._probe = None
                time.sleep(self.poll_s)

    def _last_seq(self) -> int:
        """The journal's last seq now, on a DBAPI connection the follower's thread keeps
        (an SQLAlchemy connection, its transaction and the pool round trip cost several
        times the query: 8 % of the server's interpreter time at 20 polls a second under
        `souq bench --api`, before this)."""
        if self._probe is None:
            self._probe = self.engine.raw_connection()
        cur = self._probe.cursor()
        try:
            cur.execute(LAST_SEQ)
            seq = cur.fetchone()[0]
        finally:
            cur.close()
            self._probe.rollback()      # PostgreSQL began a transaction: end it
        return seq or 0

    def _tickers(self) -> None:
        """Tickers of followed symbols that traded in batches the committer published."""
        with self.lock:          # the committer adds to it under the lock
            due, self._tickers_due = self._tickers_due, set()
        if not due:
            return
        now = self.clock()
        with self.engine.connect() as conn:
            tickers = {s: ticker(conn, s, now) for s in sorted(due)}
        with self.lock:
            for name, tick in tickers.items():
                self._publish("ticker", name, {"channel": "ticker", "type": "update", **tick})

    def step(self) -> None:
        """Read everything after the feed's journal point at one point; publish it, unless
        the committer published part of it meanwhile (then the next step reads the rest)."""
        base, trade_id = self.seq, self.trade_id
        with self.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            if self.engine.dialect.name == "sqlite":
                raw.cursor().execute("BEGIN")       # one snapshot for every read below
            try:
                seq = point(conn)       # not max(journal.seq): the projections' point
                if seq <= base:
                    return
                read = self._read(conn, base, trade_id)
            finally:
                raw.rollback()
        with self.lock:
            if self.seq == base:
                self._apply(seq, *read)

    def _read(self, conn, base: int, trade_id: int):
        trades = Q.trades(conn, after=trade_id)
        T, L, J = S.OrderRow, S.LedgerRow, S.Journal
        orders = self.placed.fill([dict(r) for r in conn.execute(
            select(T).where(T.updated_seq > base).order_by(T.id)).mappings()],
            lambda ids: Q.journal_times(conn, ids))
        touched = set()
        for fu, tu, asset in conn.execute(select(L.from_user, L.to_user, L.asset)
                                          .where(L.seq > base)):
            touched.update(((fu, asset), (tu, asset)))
        users = sorted({u for u, _ in touched})
        wallets = [w for u in users for w in Q.wallets(conn, user=u)
                   if (w["user"], w["asset"]) in touched]
        suspended = [orjson.loads(b)["user"] for b, in conn.execute(
            select(J.body).where(J.seq > base, J.op == "user_status", J.status == "accepted"))
            if orjson.loads(b).get("status") == "suspended"]
        # a book changes only where an order row changed: only those books are read again
        books = {name: Q.book(conn, name, WHOLE_BOOK)
                 for name in sorted({o["symbol"] for o in orders})}
        # a ticker reads the window's every trade: only for symbols someone follows (a new
        # subscriber gets a snapshot read at that moment)
        symbols = {t["symbol"] for t in trades if self.subs.get(("ticker", t["symbol"]))}
        now = self.clock()
        tickers = {s: ticker(conn, s, now) for s in symbols}
        return trades, orders, wallets, suspended, books, tickers, now

    def _apply(self, seq, trades, orders, wallets, suspended, books, tickers, read_ns) -> None:
        """Under the lock: publish what the follower read up to journal point `seq`."""
        for name, b in books.items():
            old = self.books.setdefault(name, {"bids": {}, "asks": {}})
            self._book_delta(name, old, {"bids": _levels(b, "bids"), "asks": _levels(b, "asks")})
        self._publish_trades(trades, lambda t: trade_row_out(t, public=True), trade_row_out,
                             read_ns)
        for name, tick in tickers.items():
            self._publish("ticker", name, {"channel": "ticker", "type": "update", **tick})
        per_user: dict[str, list] = {}
        for o in orders:
            per_user.setdefault(o["user"], []).append(order_out(o))
        for user, rows in per_user.items():
            self._publish("orders", user, {"channel": "orders", "type": "update", "orders": rows})
        w_user: dict[str, list] = {}
        for w in wallets:
            w_user.setdefault(w["user"], []).append(wallet_out(w))
        for user, rows in w_user.items():
            self._publish("wallets", user, {"channel": "wallets", "type": "update",
                                            "wallets": rows})
        self._close_private(suspended)
        if trades:
            self.trade_id = trades[-1]["id"]
        self.seq = seq
