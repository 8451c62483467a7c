"""Group commit: one thread owns the Store; requests queue their commands and wait.

Whatever queued while the previous transaction committed goes into the next one, so N
concurrent orders cost one commit, not N. Each waiter is answered only after the
transaction holding its command committed: its outcome is durable when it hears it.
"""
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass

from souq.db.store import Store, order_row, prepare
from souq.engine.events import OrderEvent
from souq.engine.stream import trade_record

ORDER_KEYS = ("id", "user", "client_id", "symbol", "side", "type", "tif", "stp", "price",
              "stop_price", "qty", "filled", "cost", "status", "reason", "hold")
MAX_BATCH = 512


@dataclass
class Done:
    """One command's outcome: its journal seq, the refusal reason (None: accepted), the
    orders it touched (order-row dicts as they stood after the command's transaction) and
    the trades it made (the order-stream trade shape, plus ts in ns)."""
    seq: int
    reason: str | None
    orders: dict
    trades: list

    @property
    def accepted(self) -> bool:
        return self.reason is None


@dataclass
class _Check:
    """A read of the exchange queued to the committer's thread (Committer.check)."""
    fn: object


class Committer:
    def __init__(self, url: str, on_commit=None, clock=time.time_ns) -> None:
        self.store = Store(url)
        self.clock = clock
        self.on_commit = on_commit
        self._q: queue.SimpleQueue = queue.SimpleQueue()
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
        holds its Done once that committed (or the database's error). Awaitable from an
        event loop through asyncio.wrap_future: no thread waits on it."""
        if self._closed:
            raise RuntimeError("the gateway is stopping; the command was not applied")
        fut: Future = Future()
        self._q.put((item, fut))
        return fut

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
        self.store.close()

    def _run(self) -> None:
        while True:
            first = self._q.get()
            if first is None:
                return
            batch = [first]
            stop = False
            while len(batch) < MAX_BATCH:
                try:
                    nxt = self._q.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
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
        try:
            result = self.store.submit([item for item, _ in batch], self.clock())
        except BaseException as exc:       # the database failed: every waiter hears it
            for _, fut in batch:
                fut.set_exception(exc)
            return
        self.batches += 1
        self.commands += len(batch)
        by_seq: dict[int, list] = {}
        for t in result.trades:
            rec = trade_record(t)
            rec["ts"] = t.ts
            rec["taker_side"] = t.taker_side
            by_seq.setdefault(t.seq, []).append(rec)
        for (_, fut), outcome in zip(batch, result.outcomes):
            oids = {ev.order.oid for ev in outcome.events if isinstance(ev, OrderEvent)}
            orders = {oid: dict(zip(ORDER_KEYS, order_row(result.orders[oid], oid)))
                      for oid in sorted(oids) if oid in result.orders}
            fut.set_result(Done(outcome.seq, outcome.reason, orders, by_seq.get(outcome.seq, [])))
        if self.on_commit is not None:
            self.on_commit()
