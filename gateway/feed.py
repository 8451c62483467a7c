"""The embedded journal follower: what any process committed, as WebSocket messages.

One thread reads the projections at one journal point after each commit (woken by the
committer, and every `poll_s` for other processes' writes) and publishes:
- public `book` deltas per symbol, numbered by a per-symbol sequence (a snapshot on
  subscribe carries the number it stands at), `trades` and `ticker`;
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
from souq.db.tickers import ticker

from .shapes import order_out, trade_row_out, wallet_out

PUBLIC = ("book", "trades", "ticker")
PRIVATE = ("orders", "fills", "wallets")
DEPTH = 1000


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


class Feed:
    def __init__(self, engine, poll_s: float = 0.05, clock=time.time_ns) -> None:
        self.engine = engine
        self.poll_s = poll_s
        self.clock = clock
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.subs: dict[tuple, set] = {}
        self.books: dict[str, dict] = {}
        self.book_seq: dict[str, int] = {}
        with engine.connect() as conn:
            self.seq = conn.execute(select(func.max(S.Journal.seq))).scalar() or 0
            self.trade_id = conn.execute(select(func.max(S.TradeRow.id))).scalar() or 0
            for s in Q.symbols(conn):
                b = Q.book(conn, s["name"], DEPTH)
                self.books[s["name"]] = {"bids": _levels(b, "bids"), "asks": _levels(b, "asks")}
                self.book_seq[s["name"]] = 0
        self._stop = False
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
                return {"channel": "orders", "type": "snapshot",
                        "orders": [order_out(o) for o in Q.orders(conn, user=key, status="open")]}
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

    # ---------------------------------------------------------------- following
    def poke(self) -> None:
        """Something committed: look now rather than at the next poll."""
        self.wake.set()

    def close(self) -> None:
        self._stop = True
        self.wake.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop:
            self.wake.wait(self.poll_s)
            self.wake.clear()
            if self._stop:
                return
            try:
                self.step()
            except Exception:     # a database hiccup: try again at the next wake
                time.sleep(self.poll_s)

    def step(self) -> None:
        """Read everything after the last journal point at one point; publish it."""
        with self.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            if self.engine.dialect.name == "sqlite":
                raw.cursor().execute("BEGIN")       # one snapshot for every read below
            try:
                seq = conn.execute(select(func.max(S.Journal.seq))).scalar() or 0
                if seq == self.seq:
                    return
                read = self._read(conn, seq)
            finally:
                raw.rollback()
        self._apply(seq, *read)

    def _read(self, conn, seq: int):
        trades = Q.trades(conn, after=self.trade_id)
        T, L, J = S.OrderRow, S.LedgerRow, S.Journal
        orders = [dict(r) for r in conn.execute(select(T).where(T.updated_seq > self.seq)
                                                .order_by(T.id)).mappings()]
        touched = set()
        for fu, tu, asset in conn.execute(select(L.from_user, L.to_user, L.asset)
                                          .where(L.seq > self.seq)):
            touched.update(((fu, asset), (tu, asset)))
        users = sorted({u for u, _ in touched})
        wallets = [w for u in users for w in Q.wallets(conn, user=u)
                   if (w["user"], w["asset"]) in touched]
        suspended = [orjson.loads(b)["user"] for b, in conn.execute(
            select(J.body).where(J.seq > self.seq, J.op == "user_status", J.status == "accepted"))
            if orjson.loads(b).get("status") == "suspended"]
        # a book changes only where an order row changed: only those books are read again
        # (each step used to read every symbol's book, whatever the commit touched)
        books = {name: Q.book(conn, name, DEPTH) for name in sorted({o["symbol"] for o in orders})}
        # a ticker reads the window's every trade: only for symbols someone follows (a new
        # subscriber gets a snapshot read at that moment)
        symbols = {t["symbol"] for t in trades if self.subs.get(("ticker", t["symbol"]))}
        now = self.clock()
        tickers = {s: ticker(conn, s, now) for s in symbols}
        return trades, orders, wallets, suspended, books, tickers

    def _apply(self, seq, trades, orders, wallets, suspended, books, tickers) -> None:
        with self.lock:
            for name, b in books.items():
                new = {"bids": _levels(b, "bids"), "asks": _levels(b, "asks")}
                old = self.books.get(name, {"bids": {}, "asks": {}})
                delta = {}
                for side, reverse in (("bids", True), ("asks", False)):
                    changed = {p: q for p, q in new[side].items() if old[side].get(p) != q}
                    changed.update({p: "0" for p in old[side] if p not in new[side]})
                    delta[side] = _side_out(changed, reverse)
                self.books[name] = new
                if delta["bids"] or delta["asks"] or name not in self.book_seq:
                    self.book_seq[name] = self.book_seq.get(name, 0) + 1
                    self._publish("book", name, {"channel": "book", "symbol": name,
                                                 "type": "delta", "seq": self.book_seq[name],
                                                 **delta})
            by_symbol: dict[str, list] = {}
            by_user: dict[str, list] = {}
            for t in trades:
                by_symbol.setdefault(t["symbol"], []).append(trade_row_out(t, public=True))
                for u in {t["maker_user"], t["taker_user"]}:
                    by_user.setdefault(u, []).append(trade_row_out(t))
            for name, rows in by_symbol.items():
                self._publish("trades", name, {"channel": "trades", "symbol": name, "trades": rows})
                if name in tickers:
                    self._publish("ticker", name, {"channel": "ticker", "type": "update",
                                                   **tickers[name]})
            for user, rows in by_user.items():
                self._publish("fills", user, {"channel": "fills", "trades": rows})
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
            for user in suspended:
                for channel in PRIVATE:
                    for sub in self.subs.pop((channel, user), set()):
                        sub.push({"type": "error", "channel": channel,
                                  "detail": f"user {user} is suspended; private channel "
                                            f"{channel} closed"})
            if trades:
                self.trade_id = trades[-1]["id"]
            self.seq = seq
