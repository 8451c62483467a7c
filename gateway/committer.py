"""Group commit: one thread owns the Store; requests queue their commands and wait.

Whatever queued while the previous transaction committed goes into the next one, so N
concurrent orders cost one commit, not N. Each waiter is answered only after the
transaction holding its command committed: its outcome is durable when it hears it.
"""
import asyncio
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass

from souq.db import walkeeper
from souq.db.store import Store, order_row, prepare
from souq.engine.events import OrderEvent
from souq.engine.stream import trade_record

ORDER_KEYS = ("id", "user", "client_id", "symbol", "side", "type", "tif", "stp", "price",
              "stop_price", "qty", "filled", "cost", "status", "reason", "hold")
MAX_BATCH = 512


def order_dict(o) -> dict:
    """An engine order as an orders-row dict (the ORDER_KEYS gateway.shapes.order_out reads)."""
    return dict(zip(ORDER_KEYS, order_row(o, 0)))


@dataclass
class Done:
    """One command's outcome: its journal seq, the refusal reason (None: accepted), the
    orders it touched (order-row dicts as they stood after the command's transaction) and
    the trades it made (the order-stream trade shape, plus ts in ns); `ts` the journal
    timestamp of its batch (ns): when an order it placed was placed (db.queries.journal_times)."""
    seq: int
    reason: str | None
    orders: dict
    trades: list
    ts: int | None = None

    @property
    def accepted(self) -> bool:
        return self.reason is None


class _Awaited:
    """A waiter on an event loop (Committer.enqueue_async)."""
    __slots__ = ("loop", "fut")

    def __init__(self, loop, fut) -> None:
        self.loop, self.fut = loop, fut


def _settle(answers: list) -> None:
    """In the event loop: each (future, result, exception) of a batch."""
    for fut, result, exc in answers:
        if fut.cancelled():
            continue
        if exc is None:
            fut.set_result(result)
        else:
            fut.set_exception(exc)


def _answer(waiters: list, values: list, exc: BaseException | None = None) -> None:
    """Answer each waiter (a concurrent Future, or _Awaited) with its value, or all with
    `exc`; the waiters of an event loop in one call into it."""
    loops: dict = {}
    for w, value in zip(waiters, values):
        if type(w) is _Awaited:
            loops.setdefault(w.loop, []).append((w.fut, value, exc))
        elif exc is None:
            w.set_result(value)
        else:
            w.set_exception(exc)
    for loop, answers in loops.items():
        try:
            loop.call_soon_threadsafe(_settle, answers)
        except RuntimeError:      # that loop has closed: nobody waits there any more
            pass


STALE = "stale"     # a gated item's answer: the auth generation moved on; nothing was done


_UNREAD = object()  # the generation when it could not be read: equal to no token's


class _Gated:
    """An item to apply only while the database's auth generation is still `generation`
    (Committer.enqueue_async)."""
    __slots__ = ("item", "generation")

    def __init__(self, item, generation) -> None:
        self.item, self.generation = item, generation


class _Bundle:
    """(item, waiter)s one turn of an event loop queued (Committer._hand_over)."""
    __slots__ = ("entries",)

    def __init__(self, entries: list) -> None:
        self.entries = entries


@dataclass
class _Check:
    """A read of the exchange queued to the committer's thread (Committer.check)."""
    fn: object


class Committer:
    """`on_commit(result, exchange, trades, orders, durable_ns)` is called in the
    committer's thread once a batch is durable, just before its waiters have their answers
    (gateway.feed.Feed.committed): `orders` the order-row dicts of the orders its commands
    touched (oid -> dict, shaped once for the answers and the feed alike) and
    `durable_ns` the clock when the commit returned. The event loop then runs the feed's
    sends before the batch's many HTTP answers, rather than a trade waiting behind them all;
    `busy` is true from the start of a batch until that call returned."""

    def __init__(self, url: str, on_commit=None, clock=time.time_ns,
                 auth_generation=None) -> None:
        self.store = Store(url)
        # SQLite: checkpoints run beside the commits, not inside one (db.walkeeper)
        self.walkeeper = walkeeper.for_url(self.store.url)
        if self.walkeeper is not None:
            self.store.no_autocheckpoint()
        # () -> the database's auth generation now (gateway.auth.Tokens.generation): read
        # once per batch that holds gated items
        self.auth_generation = auth_generation
        self.clock = clock
        self.on_commit = on_commit
        self.busy = False
        self._q: queue.SimpleQueue = queue.SimpleQueue()
        self._pending: dict = {}      # event loop -> its turn's queued (item, waiter)s
        self._thread = threading.Thread(target=self._run, name="souq-committer", daemon=True)
        self._thread.start()
        self._closed = False
        self.batches = 0
        self.commands = 0

    def submit(self, obj: dict, actor: str) -> Done:
        """Run one stream-shaped command as `actor`; blocks until it is durable.
        Raises StreamError for a command of the wrong shape (nothing is journalled)."""
        return self.enqueue(prepare(obj, actor)).result()

    def enqueue(self, item) -> Future:
        """Queue a prepared item (db.store.prepare) for the next transaction; the future
        holds its Done once that committed (or the database's error). For a thread that
        may block on it; a coroutine uses enqueue_async, whose waiters are answered
        together by one call into their loop."""
        if self._closed:
            raise RuntimeError("the gateway is stopping; the command was not applied")
        fut: Future = Future()
        self._q.put((item, fut))
        return fut

    def enqueue_async(self, item, generation=None) -> asyncio.Future:
        """`enqueue` for a coroutine: a future of the running event loop. The waiters of
        one loop in a batch are answered together, by one call into the loop.

        With `generation` (the auth generation a token was checked at, Tokens.unexpired),
        the item is applied only if the database's generation, read once for the batch
        after the item was queued, is still that one; otherwise it is answered STALE with
        nothing journalled (a key revoked or a user suspended meanwhile). That one read
        per batch stands for the read per request Tokens.recall would make."""
        if self._closed:
            raise RuntimeError("the gateway is stopping; the command was not applied")
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        entry = (item if generation is None else _Gated(item, generation), _Awaited(loop, fut))
        pending = self._pending.get(loop)
        if pending is None:        # the first of this turn of the loop: hand over after it
            self._pending[loop] = [entry]
            loop.call_soon(self._hand_over, loop)
        else:
            pending.append(entry)
        return fut

    def _hand_over(self, loop) -> None:
        """In the event loop, once per turn that queued something: what its requests
        queued goes to the committer's thread as one bundle (one put and at most one
        wake-up of that thread per turn, not one per order, and a transaction holding the
        turn's orders together)."""
        bundle = self._pending.pop(loop)
        if self._closed and not self._thread.is_alive():
            _answer([w for _, w in bundle], [None] * len(bundle),
                    RuntimeError("the gateway is stopping; the command was not applied"))
            return
        self._q.put(_Bundle(bundle))

    def check(self, fn):
        """`fn(exchange)` run in the committer's thread once the store has caught up with
        what other processes (the CLI, another server) committed, so a refusal judges the
        state the command would meet, not this server's view from before them. Returns
        what fn returns."""
        if self._closed:
            raise RuntimeError("the gateway is stopping; the command was not applied")
        fut: Future = Future()
        self._q.put((_Check(fn), fut))
        return fut.result()

    def close(self) -> None:
        """Finish what is queued, then stop the thread and close the store."""
        self._closed = True
        self._q.put(None)
        self._thread.join()
        if self.walkeeper is not None:
            self.walkeeper.stop()
        self.store.close()

    def _run(self) -> None:
        while True:
            first = self._q.get()
            if first is None:
                return
            batch = first.entries if type(first) is _Bundle else [first]
            stop = False
            while len(batch) < MAX_BATCH:     # a bundle may take the batch past it
                try:
                    nxt = self._q.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                if type(nxt) is _Bundle:
                    batch += nxt.entries
                else:
                    batch.append(nxt)
            self._commit(batch)
            if stop:
                return

    def _commit(self, batch) -> None:
        checks = [(c, fut) for c, fut in batch if isinstance(c, _Check)]
        if checks:
            batch = [(item, fut) for item, fut in batch if not isinstance(item, _Check)]
            try:
                self.store.refresh()
                for c, fut in checks:
                    fut.set_result(c.fn(self.store.ex))
            except BaseException as exc:
                for _, fut in checks:
                    if not fut.done():
                        fut.set_exception(exc)
            if not batch:
                return
        if any(type(item) is _Gated for item, _ in batch):
            batch = self._ungate(batch)
            if not batch:
                return
        self.busy = True
        try:
            self._submit(batch)
        finally:
            self.busy = False

    def _ungate(self, batch) -> list:
        """The batch without the gated items whose generation is not the database's now
        (answered STALE; all of them when it cannot be read), the others unwrapped."""
        try:
            now = self.auth_generation()
        except Exception:        # the database failed: the route's own check answers
            now = _UNREAD
        kept, stale = [], []
        for item, w in batch:
            if type(item) is _Gated:
                if item.generation != now:
                    stale.append(w)
                    continue
                item = item.item
            kept.append((item, w))
        if stale:
            _answer(stale, [STALE] * len(stale))
        return kept

    def _submit(self, batch) -> None:
        waiters = [w for _, w in batch]
        try:
            ts = self.clock()
            result = self.store.submit([item for item, _ in batch], ts)
            durable_ns = self.clock()          # the commit has returned
        except BaseException as exc:       # the database failed: every waiter hears it
            _answer(waiters, [None] * len(waiters), exc)
            return
        self.batches += 1
        self.commands += len(batch)
        trades, by_seq = [], {}
        for t in result.trades:
            rec = trade_record(t)
            rec["ts"] = t.ts
            rec["taker_side"] = t.taker_side
            trades.append(rec)
            by_seq.setdefault(t.seq, []).append(rec)
        dones = []
        shaped: dict = {}       # oid -> its dict: an order several commands touched, once
        first = result.outcomes[0].seq if result.outcomes else 0
        for outcome in result.outcomes:
            oids = {ev.order.oid for ev in outcome.events if isinstance(ev, OrderEvent)}
            orders = {}
            for oid in sorted(oids):
                o = result.orders.get(oid)
                if o is not None:
                    d = shaped.get(oid)
                    if d is None:
                        d = shaped[oid] = order_dict(o)
                        if oid >= first:        # placed by this batch: at its time
                            d["placed_ts"] = ts
                    orders[oid] = d
            dones.append(Done(outcome.seq, outcome.reason, orders, by_seq.get(outcome.seq, []),
                              ts))
        if self.on_commit is not None:
            try:
                self.on_commit(result, self.store.ex, trades, shaped, durable_ns)
            except Exception:    # the feed's follower reads it back from the journal
                pass
        _answer(waiters, dones)
