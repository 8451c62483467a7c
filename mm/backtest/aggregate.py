"""The replay's aggregate fast path: other participants' depth kept beside the engine as
quantities per price level, and only the levels where the strategy's own orders rest (or
that its orders reach) held in the real engine.

The rules are mm/backtest/replay.py's, unchanged; this is a cheaper exact way to apply
them. A level of the replayed symbol is in one of two places, never both:

- in the engine (a level where an own order rests, or one an own order reached), where
  BOOK's quantity is real resting orders and Replay's code applies every event to it with
  engine commands, as on the full path;
- aggregate (`AggregateReplay.chunks`): BOOK's quantity as the list of its resting orders'
  remaining quantities in queue order (one entry per order the full path would have
  there), no engine command. With no own order at the level, every rule of the full path
  reduces to list work: a level grows by a new chunk at the back (unless a post-only
  order there would be refused: it crosses the book, or is off the grid); it shrinks from
  the back (no own order ahead of which to cut); a trade consumes it from the front.

A level moves into the engine, its chunks placed as BOOK orders in queue order, just
before an own order arrives at it, or an own order could cross it (`prepare`, called by
the backtest runner before each own place or amend); it moves back out (BOOK's orders
cancelled, their remaining quantities kept as chunks) at the first market event that
finds no own order left there. A trade runs the real FLOW order through the engine only
when the engine holds passive quantity within its price (the own orders and the levels
around them); what it leaves is taken from the aggregate level at the trade's price,
then by the backstop, as engine trades between FLOW and BOOK (Trade records, passed on
as the full path passes its own) at that price.

Same fills, fees, balances, orders and PnL as the full path: pinned by the differential
test (tests/mm/test_backtest_aggregate.py) on seeded data sets with trades through own
levels, cuts ahead of own orders, crossing quotes and empty sides, under both queue
models. Only on a symbol whose minimum quantity is its step and that has no daily band
(the backtest's data exchange): there a data quantity on the grid never makes a refused
command, and one off the grid moves its level into the engine first, so the full path's
refusals and skips apply unchanged.
"""
from heapq import heapify, heappop, heappush, nsmallest

from souq.engine.events import Trade
from souq.engine.fees import fee
from souq.engine.model import BUY, SELL
from souq.engine.numbers import MAX_PRICE_WHOLE, PRICE_SCALE

from souq.mm.desk.book import Book
from souq.mm.desk.mark import mark
from souq.mm.venue.local import LocalVenue

from .models import PESSIMISTIC
from .replay import BOOK, FLOW, Replay

_MAX = MAX_PRICE_WHOLE * PRICE_SCALE


class _Party:
    """The maker or taker of a trade made off the engine (BOOK or FLOW): what trade
    listeners read of an engine Order (user, cid)."""
    __slots__ = ("user", "cid")

    def __init__(self, user, cid: str) -> None:
        self.user = user
        self.cid = cid


def usable(sym) -> bool:
    """Whether the aggregate path is exact on the engine Symbol `sym`: its minimum
    quantity is its step (so any difference of grid quantities is a quantity the engine
    accepts) and it has no daily band."""
    spec = sym.spec
    return spec.min_qty <= spec.step and not spec.band


class AggregateReplay(Replay):
    """Replay with other participants' depth aggregated away from the engine (see the
    module's doc). `user` is the strategy's user: levels holding its orders stay in the
    engine."""

    def __init__(self, ex, symbol: str, on_trades, queue=PESSIMISTIC, *, user: str) -> None:
        super().__init__(ex, symbol, on_trades, queue)
        self.user = user
        # each side: key -> [chunk qty, ...] in queue order, key -price for bids and price
        # for asks (best first), and a heap of the keys, stale entries dropped lazily
        self.bids: dict[int, list[int]] = {}
        self.asks: dict[int, list[int]] = {}
        self._bheap: list[int] = []
        self._aheap: list[int] = []
        self.version = 0                # moves whenever an aggregate level changes
        self._book_user = ex.users[BOOK]
        self._flow_user = ex.users[FLOW]
        self._eng_seq = -1              # the engine's bests, read again when ex.seq moves
        self._eng = (None, None, None, None)

    def _top(self, side: str) -> int | None:
        """The best key of an aggregate side (-price for bids), or None."""
        book, heap = (self.bids, self._bheap) if side == BUY else (self.asks, self._aheap)
        while heap:
            if heap[0] in book:
                return heap[0]
            heappop(heap)
        return None

    def _add(self, side: str, key: int, chunks: list[int]) -> None:
        book, heap = (self.bids, self._bheap) if side == BUY else (self.asks, self._aheap)
        if key not in book:
            heappush(heap, key)
            if len(heap) > 2 * len(book) + 64:      # stale entries: rebuild
                heap[:] = list(book) + [key]
                heapify(heap)
        book[key] = chunks

    def _engine(self) -> tuple:
        """(best bid, best ask) of the engine's book, then the same without the
        strategy's own orders; read again only when the exchange applied a command."""
        ex = self.ex
        if ex.seq != self._eng_seq:
            self._eng_seq = ex.seq
            sym, user = self.sym, self.user
            bids, asks = sym.bids, sym.asks
            self._eng = (bids.peekitem(0)[1].price if bids else None,
                         asks.peekitem(0)[1].price if asks else None,
                         _engine_best(bids, user) if bids else None,
                         _engine_best(asks, user) if asks else None)
        return self._eng

    # ------------------------------------------------------------ reading
    def _known_levels(self) -> set:
        known = set(self.levels)
        known.update((BUY, -k) for k in self.bids)
        known.update((SELL, k) for k in self.asks)
        return known

    def best(self, side: str, user: str | None) -> int | None:
        """The best price on `side` where anyone but `user` (the strategy's user, or None:
        everyone counts) rests quantity: the aggregate levels and the engine's."""
        eng = self._engine()
        if side == BUY:
            agg = self._top(BUY)
            e = eng[0] if user is None else eng[2]
            if agg is None:
                return e
            return -agg if e is None or e < -agg else e
        agg = self._top(SELL)
        e = eng[1] if user is None else eng[3]
        if agg is None:
            return e
        return agg if e is None or e > agg else e

    def mid(self, user: str | None) -> int | None:
        """As mm.desk.mark.engine_mid on the whole replayed book."""
        bid, ask = self.best(BUY, user), self.best(SELL, user)
        return None if bid is None or ask is None else (bid + ask) // 2

    def depth(self, side: str, n: int) -> tuple:
        """The `n` best (price, qty) levels of `side`, engine and aggregate merged, as
        mm.desk.book.book_of reads an engine book."""
        if side == BUY:
            agg = iter([(-k, sum(self.bids[k])) for k in nsmallest(n, self.bids)])
            eng = ((lv.price, lv.total) for lv in self.sym.bids.values() if lv.total > 0)
            better = int.__gt__
        else:
            agg = iter([(k, sum(self.asks[k])) for k in nsmallest(n, self.asks)])
            eng = ((lv.price, lv.total) for lv in self.sym.asks.values() if lv.total > 0)
            better = int.__lt__
        out = []
        a, e = next(agg, None), next(eng, None)
        while len(out) < n and (a is not None or e is not None):
            if e is None or (a is not None and better(a[0], e[0])):
                out.append(a)
                a = next(agg, None)
            else:
                out.append(e)
                e = next(eng, None)
        return tuple(out)

    def _would_cross(self, side: str, price: int) -> bool:
        other = self.best(SELL if side == BUY else BUY, None)
        return other is not None and (other <= price if side == BUY else other >= price)

    def _place(self, ts: int, side: str, price: int, qty: int, tif: str) -> str | None:
        # the engine cannot see aggregate levels: the crossing check is always made here
        if tif == "post_only" and self._would_cross(side, price):
            self.n += 1
            self.skipped += 1
            return None
        return super()._place(ts, side, price, qty, tif)

    # ------------------------------------------------------------ a level
    def level(self, ts: int, side: str, price: int, size: int) -> None:
        sym = self.sym
        lv = sym.bids.get(-price) if side == BUY else sym.asks.get(price)
        if lv is not None and not self._demote(ts, side, price, lv):
            super().level(ts, side, price, size)
            return
        spec = sym.spec
        if price % spec.tick or size % spec.step or not 0 < price <= _MAX or size > _MAX \
                or (spec.max_qty is not None and size > spec.max_qty):
            self._promote(ts, side, price)      # off the grid: the engine's rules apply
            super().level(ts, side, price, size)
            return
        book, key = (self.bids, -price) if side == BUY else (self.asks, price)
        chunks = book.get(key)
        have = sum(chunks) if chunks else 0
        if size > have:
            self.n += 1
            if self._would_cross(side, price):
                self.skipped += 1
                return
            if chunks is None:
                self._add(side, key, [size - have])
            else:
                chunks.append(size - have)
            self.version += 1
        elif size < have:
            cut = have - size
            while cut > 0:
                left = chunks[-1]
                if left > cut:
                    chunks[-1] = left - cut
                    break
                chunks.pop()
                cut -= left
            if not chunks:
                del book[key]
            self.version += 1

    def _demote(self, ts: int, side: str, price: int, lv) -> bool:
        """Move the engine level `lv` out to the aggregate when no own order is left in it
        (BOOK's orders there cancelled, their remaining quantities kept in queue order).
        Whether it moved."""
        user = self.user
        for o in lv.orders:
            if o.is_open and o.user.name == user and o.qty > o.filled and \
                    (o.status == "active" or o.status == "partial"):
                return False
        key = (side, price)
        alive = self._alive(key)
        chunks = [o.qty - o.filled for o in alive]
        if alive:
            from souq.engine.commands import CancelOrder
            self._run([CancelOrder(BOOK, o.cid) for o in alive], ts, quiet=True)
            self.levels.pop(key, None)
        if chunks:
            self._add(side, -price if side == BUY else price, chunks)
            self.version += 1
        return True

    def _promote(self, ts: int, side: str, price: int) -> None:
        """Move the aggregate level at (side, price), if any, into the engine: its chunks
        become BOOK orders, in queue order."""
        book, key = (self.bids, -price) if side == BUY else (self.asks, price)
        chunks = book.pop(key, None)
        if not chunks:
            return
        self.version += 1
        cids = self.levels.setdefault((side, price), [])
        for q in chunks:
            cid = Replay._place(self, ts, side, price, q, "post_only")
            if cid is not None:
                cids.append(cid)
        if not cids:
            del self.levels[(side, price)]

    def prepare(self, ts: int, symbol: str, side: str, price: int | None) -> None:
        """Before an own order in `symbol` on `side` at limit `price` reaches the
        exchange: the aggregate level at its price and every opposite one it could cross
        move into the engine, so the engine matches and queues it exactly as on the full
        path (another symbol, no price or one out of range: nothing to do)."""
        if symbol != self.symbol or type(price) is not int or not 0 < price <= _MAX \
                or side not in (BUY, SELL):
            return
        self._promote(ts, side, price)
        if side == BUY:
            for key in sorted(k for k in self.asks if k <= price):
                self._promote(ts, SELL, key)
        else:
            for key in sorted(k for k in self.bids if k <= -price):
                self._promote(ts, BUY, -key)

    # ------------------------------------------------------------ a trade
    def trade(self, ts: int, side: str, price: int, qty: int) -> None:
        passive = SELL if side == BUY else BUY
        sym, spec = self.sym, self.sym.spec
        # stale depth better than the trade's price: aggregate levels dropped, engine ones
        # emptied of BOOK's orders (as the full path does)
        book, limit = (self.bids, -price) if passive == BUY else (self.asks, price)
        top = self._top(passive)
        while top is not None and top < limit:      # the heap's top is the best level
            del book[top]
            self.version += 1
            top = self._top(passive)
        for key in sorted(k for k in self.levels if k[0] == passive
                          and (k[1] > price if passive == BUY else k[1] < price)):
            Replay.level(self, ts, passive, key[1], 0)
        # the full path's backstop: tried unless the book covers the trade; refused (and
        # counted) exactly when it is off the grid or would cross, which the cover test
        # also answers "not covered" for
        invalid = not (0 < price and 0 < qty and max(price, qty) // PRICE_SCALE <= MAX_PRICE_WHOLE)
        off = invalid or spec.qty_refusal(qty) is not None or spec.price_refusal(price) is not None
        refused = off or self._would_cross(passive, price)
        self.n += 2
        if refused:
            self.skipped += 1
        if off:
            return                          # the trade's own order is refused too
        trades = []
        left = qty
        top = self._engine()[1 if passive == SELL else 0]
        if top is not None:
            if top <= price if passive == SELL else top >= price:
                cmd = self._limit(FLOW, side, price, qty, "ioc")
                out = self.ex.apply(cmd, ts, FLOW)
                for e in out.events:
                    if type(e) is Trade:
                        trades.append(e)
                        left -= e[5]
        if left > 0:
            book, key = (self.bids, -price) if passive == BUY else (self.asks, price)
            chunks = book.get(key)
            if chunks:
                self.version += 1
                while chunks and left > 0:
                    take = min(chunks[0], left)
                    trades.append(self._print(ts, side, price, take))
                    left -= take
                    if take == chunks[0]:
                        chunks.pop(0)
                    else:
                        chunks[0] -= take
                if not chunks:
                    del book[key]
            if left > 0 and not refused:
                trades.append(self._print(ts, side, price, left))
        if trades:
            self.on_trades(trades)

    def _print(self, ts: int, side: str, price: int, qty: int) -> Trade:
        """A trade between FLOW (taking, on `side`) and BOOK at `price`, made off the
        engine but counted by it (trade ids, last price) and fee'd as it would be."""
        ex, sym = self.ex, self.sym
        ex.trade_seq += 1
        sym.last = price
        spec = sym.spec
        n = price * qty
        return Trade((ex.trade_seq, ex.seq, ts, sym.name, price, qty,
                      _Party(self._book_user, "book"), _Party(self._flow_user, "flow"),
                      fee(n, spec.maker, sym.fee_q), fee(n, spec.taker, sym.fee_q), side))


class AggregateVenue(LocalVenue):
    """The backtest exchange as the strategy reads it: the replayed symbol's book and
    mark from the engine and the aggregate levels together (`replay`), every other
    symbol and everything else from the engine, as LocalVenue does."""

    def __init__(self, exchange, on_trades, replay: AggregateReplay) -> None:
        super().__init__(exchange, on_trades)
        self.replay = replay

    def book(self, symbol: str, depth: int):
        r = self.replay
        if symbol != r.symbol:
            return super().book(symbol, depth)
        sym = r.sym
        return Book(sym.spec, r.depth(BUY, depth), r.depth(SELL, depth), sym.last,
                    sym.active and sym.open)

    def mark(self, symbol: str, user: str) -> int | None:
        r = self.replay
        if symbol != r.symbol:
            return super().mark(symbol, user)
        return mark(r.mid(user), r.sym.last)


def _engine_best(side, user: str | None) -> int | None:
    """The best price of an engine book side where someone other than `user` rests
    quantity (mm.desk.mark's rule)."""
    for level in side.values():
        if level.total <= 0:
            continue
        if user is None:
            return level.price
        for o in level.orders:
            if (o.status == "active" or o.status == "partial") and o.user.name != user \
                    and o.qty > o.filled:
                return level.price
    return None
