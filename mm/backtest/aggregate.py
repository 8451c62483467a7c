"""The replay's aggregate fast path: other participants' depth kept beside the engine as
quantities per price level, and only the levels where the strategy's own orders rest (or
that its orders reach) held in the real engine.

The rules are mm/backtest/replay.py's, unchanged; this is a cheaper exact way to apply
them. BOOK's quantity at a level of the replayed symbol is held in up to two places:

- aggregate (`AggregateReplay.bids`/`asks`): the remaining quantities of the orders the
  full path would rest there, in queue order ("chunks"), with no engine command. Where
  no own order rests, every rule of the full path reduces to list work: a level grows by
  a chunk at the back (unless a post-only order there would be refused: it crosses the
  book, or is off the grid); it shrinks from the back (no own order ahead of which to
  cut); a trade consumes it from the front.
- in the engine, as real BOOK orders, at a level where an own order rests: the quantity
  queued ahead of and between the own orders. There the chunks are what is queued behind
  every engine order (growth goes there; a cut takes them first, as the back of the
  queue, then the engine's orders behind the last own order by Replay's rules, and the
  queue model's share from ahead by engine commands).

A level's chunks move into the engine (placed as BOOK orders, in queue order, behind
whatever rests there) just before an own order arrives at it or could cross it
(`prepare`, called by the backtest runner before each own place or amend); BOOK's
engine orders move back out (cancelled, their remaining quantities put ahead of the
chunks) at the first market event that finds no own order left at the level. A trade
runs the real FLOW order through the engine only when the engine holds passive quantity
within its price (the own orders and the levels around them); what it leaves is taken
from the chunks at the trade's price, then by the backstop, as trades between FLOW and
BOOK made here (engine Trade records, with the engine's trade ids, last price and fees,
passed on as the full path passes its own).

Same fills, fees, balances, orders and PnL as the full path: pinned by the differential
test (tests/mm/test_backtest_aggregate.py) on seeded data sets with trades through own
levels, cuts ahead of own orders, crossing quotes, empty sides and events off the grid,
under both queue models. Only on a symbol whose minimum quantity is its step and that
has no daily band (the backtest's data exchange): there a difference of grid quantities
is never refused, and an event off the grid moves its level's chunks into the engine
first, so the full path's refusals and skips apply. Not kept: which chunks a trade has
partly filled (the full path cancels and re-places such an order where it would amend
an untouched one); the two differ only when an off-grid cut then meets it.
"""
from heapq import heapify, heappop, heappush

from souq.engine.commands import CancelOrder
from souq.engine.events import Trade
from souq.engine.fees import fee
from souq.engine.model import BUY, SELL
from souq.engine.numbers import MAX_PRICE_WHOLE, PRICE_SCALE

from .models import PESSIMISTIC

from .replay import BOOK, FLOW, SIDES, Replay

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
        # moves whenever a side's best aggregate level changes: a level appears ahead of
        # it, or the best level goes (a level appearing or going behind the best, or a
        # size change, cannot move a best price, so the mid, which reads it)
        self.version = 0
        # the same per side (bid levels, ask levels): a crossing test reads only the
        # opposite side's best, kept until the engine or that side's best changes
        self.bver = self.aver = 0
        self._book_user = ex.users[BOOK]
        self._flow_user = ex.users[FLOW]
        # the maker and taker of every trade made off the engine (read-only)
        self._book_party = _Party(self._book_user, "book")
        self._flow_party = _Party(self._flow_user, "flow")
        self._eng_seq = -1              # the engine's bests, read again when ex.seq moves
        self._eng = (None, None, None, None)
        self._mid_key = self._mid = None
        self._bid_key = self._bid = self._ask_key = self._ask = None
        self._bid_ver = self._ask_ver = -1

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
            while heap and heap[0] not in book:    # self._top(side), inline
                heappop(heap)
            if not heap or key < heap[0]:           # a new best
                self._moved(side)
            heappush(heap, key)
            if len(heap) > 2 * len(book) + 64:      # stale entries: rebuild
                heap[:] = list(book) + [key]
                heapify(heap)
        book[key] = chunks

    def _moved(self, side: str) -> None:
        """The best aggregate level of `side` changed: the versions move."""
        self.version += 1
        if side == BUY:
            self.bver += 1
        else:
            self.aver += 1

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
        """As mm.desk.mark.engine_mid on the whole replayed book; kept until the engine
        or an aggregate level changes."""
        key = (self.ex.seq, self.version, user)
        if key == self._mid_key:
            return self._mid
        self._mid_key = key
        # best(BUY, user) and best(SELL, user), the engine's bests read once
        eng = self._engine()
        bid = eng[0] if user is None else eng[2]
        heap, book = self._bheap, self.bids
        while heap and heap[0] not in book:
            heappop(heap)
        if heap and (bid is None or bid < -heap[0]):
            bid = -heap[0]
        ask = eng[1] if user is None else eng[3]
        heap, book = self._aheap, self.asks
        while heap and heap[0] not in book:
            heappop(heap)
        if heap and (ask is None or ask > heap[0]):
            ask = heap[0]
        self._mid = None if bid is None or ask is None else (bid + ask) // 2
        return self._mid

    def apply(self, ev) -> None:
        """Replay.apply, with the common case (a book level or a trade, no snapshot under
        way) dispatched without it."""
        if self._snap is None:
            t = type(ev).__name__
            if t == "BookEvent":
                self.level(ev.ts, SIDES[ev.side], ev.price, ev.size)
                return
            if t == "TradeEvent":
                self.trade(ev.ts, SIDES[ev.side], ev.price, ev.qty)
                return
        super().apply(ev)

    def depth(self, side: str, n: int) -> tuple:
        """The `n` best (price, qty) levels of `side`, engine and aggregate together (at
        one price, both), as mm.desk.book.book_of reads an engine book."""
        levels: dict[int, int] = {}
        if side == BUY:         # the n best keys: sorted()[:n] is heapq.nsmallest's list
            book = self.bids
            for k in sorted(book)[:n]:
                levels[-k] = sum(book[k])
            engine = self.sym.bids
        else:
            book = self.asks
            for k in sorted(book)[:n]:
                levels[k] = sum(book[k])
            engine = self.sym.asks
        taken = 0
        for lv in engine.values():
            if taken == n:
                break
            if lv.total > 0:
                levels[lv.price] = levels.get(lv.price, 0) + lv.total
                taken += 1
        return tuple(sorted(levels.items(), reverse=side == BUY)[:n])

    def _would_cross(self, side: str, price: int) -> bool:
        # the opposite best, everyone counted: kept until the engine or the aggregate's
        # levels on that side change
        seq = self.ex.seq
        if side == BUY:
            if seq != self._ask_key or self.aver != self._ask_ver:
                self._ask_key, self._ask_ver = seq, self.aver
                self._ask = self.best(SELL, None)
            other = self._ask
            return other is not None and other <= price
        if seq != self._bid_key or self.bver != self._bid_ver:
            self._bid_key, self._bid_ver = seq, self.bver
            self._bid = self.best(BUY, None)
        other = self._bid
        return other is not None and other >= price

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
        spec = sym.spec
        lv = sym.bids.get(-price) if side == BUY else sym.asks.get(price)
        shared = lv is not None and not self._demote(ts, side, price, lv)
        if price % spec.tick or size % spec.step or not 0 < price <= _MAX or size > _MAX \
                or (spec.max_qty is not None and size > spec.max_qty):
            self._promote(ts, side, price)      # off the grid: the engine's rules apply
            super().level(ts, side, price, size)
            return
        book, key = (self.bids, -price) if side == BUY else (self.asks, price)
        chunks = book.get(key)
        agg_have = sum(chunks) if chunks else 0
        if shared:          # own orders here: BOOK's quantity in the engine, then chunks
            orders = self._alive((side, price))
            have = agg_have + sum(o.qty - o.filled for o in orders)
        else:
            have = agg_have
        if size > have:
            self.n += 1
            # self._would_cross(side, price), its kept answer read here when still good
            seq = self.ex.seq
            if side == BUY:
                if seq == self._ask_key and self.aver == self._ask_ver:
                    other = self._ask
                    cross = other is not None and other <= price
                else:
                    cross = self._would_cross(side, price)
            elif seq == self._bid_key and self.bver == self._bid_ver:
                other = self._bid
                cross = other is not None and other >= price
            else:
                cross = self._would_cross(side, price)
            if cross:
                self.skipped += 1
                return
            if chunks is None:
                self._add(side, key, [size - have])
            else:
                chunks.append(size - have)
        elif size < have:
            cut = have - size
            cuttable = None
            if shared:
                cuttable = orders
                if size > 0:
                    front, cuttable = self._around_own(orders, side, price)
                    ahead, cut = self.queue.split(
                        cut, sum(o.qty - o.filled for o in front),
                        sum(o.qty - o.filled for o in cuttable) + agg_have, spec.step)
                    if ahead:
                        self._cut_front(ts, front, ahead)
            if chunks and cut > 0:      # the back of the queue first: the chunks
                while cut > 0 and chunks:
                    left = chunks[-1]
                    if left > cut:
                        chunks[-1] = left - cut
                        cut = 0
                        break
                    chunks.pop()
                    cut -= left
                if not chunks:
                    if key == self._top(side):  # the best level goes
                        self._moved(side)
                    del book[key]
            if cut > 0 and cuttable:
                self._cut_back(ts, (side, price), cuttable, cut)

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
            self._run([CancelOrder(BOOK, o.cid) for o in alive], ts, quiet=True)
            self.levels.pop(key, None)
            bkey = -price if side == BUY else price
            behind = (self.bids if side == BUY else self.asks).get(bkey)
            self._add(side, bkey, chunks + behind if behind else chunks)
        return True

    def _promote(self, ts: int, side: str, price: int) -> None:
        """Move the aggregate level at (side, price), if any, into the engine: its chunks
        become BOOK orders, in queue order."""
        book, key = (self.bids, -price) if side == BUY else (self.asks, price)
        best = self._top(side) if key in book else None
        chunks = book.pop(key, None)
        if not chunks:
            return
        if key == best:                 # the best level goes
            self._moved(side)
        cids = self.levels.setdefault((side, price), [])
        # Replay._place for each chunk, in one batch: the crossing test asked once (orders
        # resting on one side cannot move the other side's best it reads), the orders
        # placed in one run (post-only orders print no trade for a listener to see)
        cmds = [self._limit(BOOK, side, price, q, "post_only") for q in chunks]
        if self.skip_crossing and self._would_cross(side, price):
            self.skipped += len(cmds)
        elif self.quiet_batches:
            orders = self._book_user.orders
            cids += [c.cid for c, reason in zip(cmds, self._run(cmds, ts))
                     if reason is None and orders[c.cid].is_open]
        else:
            for c in cmds:
                if self._run([c], ts)[0] is None and self._book_user.orders[c.cid].is_open:
                    cids.append(c.cid)
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
        spec = self.sym.spec
        # stale depth better than the trade's price: aggregate levels dropped, engine ones
        # emptied of BOOK's orders (as the full path does)
        book, limit = (self.bids, -price) if passive == BUY else (self.asks, price)
        top = self._top(passive)
        while top is not None and top < limit:      # the heap's top is the best level
            del book[top]
            self._moved(passive)
            top = self._top(passive)
        stale = [k for k in self.levels if k[0] == passive
                 and (k[1] > price if passive == BUY else k[1] < price)]
        if stale:
            stale.sort()
            for key in stale:
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
                while chunks and left > 0:
                    take = min(chunks[0], left)
                    trades.append(self._print(ts, side, price, take))
                    left -= take
                    if take == chunks[0]:
                        chunks.pop(0)
                    else:
                        chunks[0] -= take
                if not chunks:
                    if key == self._top(passive):   # the best level goes
                        self._moved(passive)
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
                      self._book_party, self._flow_party,
                      fee(n, spec.maker, sym.fee_q), fee(n, spec.taker, sym.fee_q), side))


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
