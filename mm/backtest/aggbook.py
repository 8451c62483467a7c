"""The aggregate replay's book and its steps (mm/backtest/aggregate.py has the rules): other
participants' depth kept beside the engine per price level, the versions that say when a
side's best moved, the kept crossing answers and mid, and the level and trade steps.

`AggBook` is one object owned by an AggregateReplay (its `book`), so that setup.py can
compile it as a typed extension class (aggbook.pxd: C fields, C calls between its steps)
while AggregateReplay stays a Python subclass of Replay, whose shortcut flags tests switch
off on the class. Whatever Replay's rules do to the engine's orders (BOOK's orders around
own ones, the commands, the queue model's cuts) it still does, called on the owner; so
its overrides (`_place`, `_would_cross`) and class flags apply as before. The same code
runs pure (SOUQ_PURE_PYTHON=1, or no build) with the same results, byte for byte
(tests/mm/test_backtest_native.py).

Units: prices and quantities at 1e-9 (Python integers: a price may reach 1e24), `ts` ns.
A side's levels: key -> [chunk qty, ...] in queue order, key -price for bids and price for
asks (best first), and a heap of the keys whose stale entries are dropped lazily.
"""
from heapq import heapify, heappop, heappush

from souq.engine.commands import CancelOrder
from souq.engine.events import Trade
from souq.engine.fees import fee
from souq.engine.model import BUY, SELL
from souq.engine.numbers import MAX_PRICE_WHOLE, PRICE_SCALE

from .replay import BOOK, FLOW, Replay, limit_order

_MAX = MAX_PRICE_WHOLE * PRICE_SCALE


class Party:
    """The maker or taker of a trade made off the engine (BOOK or FLOW): what trade
    listeners read of an engine Order (user, cid)."""
    __slots__ = ("user", "cid")

    def __init__(self, user, cid: str) -> None:
        self.user = user
        self.cid = cid


class AggBook:
    """The aggregate levels of `owner` (an AggregateReplay) and the steps on them; `user`
    is the strategy's user, whose orders keep a level in the engine. Holds the owner's
    counters (`n` commands numbered, `skipped`), which the owner reads and writes as its
    own."""

    def __init__(self, owner, ex, sym, user: str) -> None:
        self.owner = owner
        self.ex = ex
        self.sym = sym
        self.user = user
        self.levels = {}            # the owner's Replay.levels, set by the owner
        self.queue = None           # the owner's queue model, set by the owner
        self.n = 0
        self.skipped = 0
        self.bids = {}
        self.asks = {}
        self.bheap = []
        self.aheap = []
        # moves whenever a side's best aggregate level changes: a level appears ahead of
        # it, or the best level goes (a level appearing or going behind the best, or a
        # size change, cannot move a best price, so the mid, which reads it)
        self.version = 0
        # the same per side (bid levels, ask levels): a crossing test reads only the
        # opposite side's best, kept until the engine or that side's best changes
        self.bver = 0
        self.aver = 0
        self.book_user = ex.users[BOOK]
        self.flow_user = ex.users[FLOW]
        # the maker and taker of every trade made off the engine (read-only)
        self.book_party = Party(self.book_user, "book")
        self.flow_party = Party(self.flow_user, "flow")
        self.eng_seq = -1           # the engine's bests, read again when ex.seq moves
        self.eng = (None, None, None, None)
        self.mid_ok = False         # the kept mid, for (ex.seq, version, user)
        self.mid_seq = None
        self.mid_ver = 0
        self.mid_user = None
        self.mid_val = None
        self.ask_seq = None         # the kept opposite bests of the crossing test
        self.ask_ver = -1
        self.ask_val = None
        self.bid_seq = None
        self.bid_ver = -1
        self.bid_val = None
        self.symbol = sym.name      # the owner's symbol: its commands' (set by the owner)
        # the kept copies of the symbol's spec fields and fee unit (`fields`), read again
        # whenever the exchange applied a command since the last read
        self.spec_seq = None
        self.k_tick = self.k_step = self.k_min = self.k_max = None
        self.k_band = self.k_maker = self.k_taker = self.k_fee_q = None

    # ------------------------------------------------------------ the symbol's rules
    def fields(self) -> None:
        """Keep the symbol's tick, step, minimum and maximum quantity, band, maker and
        taker rates and fee unit (sym.fee_q), read again only when the exchange applied a
        command since the last read: a symbol's spec and fee unit change only by one (a
        session's opening or fee change, engine/sessions.py) or before the replay exists
        (the backtest's fee model, mm/backtest/models.py, applied as the run is set up).
        Reading them per event was about 5 attribute reads a level update."""
        seq = self.ex.seq
        if seq == self.spec_seq:
            return
        self.spec_seq = seq
        sym = self.sym
        spec = sym.spec
        self.k_tick, self.k_step = spec.tick, spec.step
        self.k_min, self.k_max = spec.min_qty, spec.max_qty
        self.k_band, self.k_maker, self.k_taker = spec.band, spec.maker, spec.taker
        self.k_fee_q = sym.fee_q

    def limit(self, user, side, price, qty, tif):
        """Replay._limit for the book's own steps: the same PlaceOrder, numbered by the
        same counter (the replay's `n`, kept here), without going through the owner's
        `n` property."""
        self.n += 1
        return limit_order(self.n, user, self.symbol, side, price, qty, tif)

    # ------------------------------------------------------------ the sides
    def top(self, side) -> int | None:
        """The best key of an aggregate side (-price for bids), or None."""
        if side == BUY:
            book, heap = self.bids, self.bheap
        else:
            book, heap = self.asks, self.aheap
        while heap:
            if heap[0] in book:
                return heap[0]
            heappop(heap)
        return None

    def add(self, side, key, chunks: list) -> None:
        """A new level `key` on `side` holding `chunks` (or new chunks at a known key)."""
        if side == BUY:
            book, heap = self.bids, self.bheap
        else:
            book, heap = self.asks, self.aheap
        if key not in book:
            while heap and heap[0] not in book:     # self.top(side), inline
                heappop(heap)
            if not heap or key < heap[0]:           # a new best
                self.moved(side)
            heappush(heap, key)
            if len(heap) > 2 * len(book) + 64:      # stale entries: rebuild
                heap[:] = list(book) + [key]
                heapify(heap)
        book[key] = chunks

    def moved(self, side) -> None:
        """The best aggregate level of `side` changed: the versions move."""
        self.version += 1
        if side == BUY:
            self.bver += 1
        else:
            self.aver += 1

    def engine(self) -> tuple:
        """(best bid, best ask) of the engine's book, then the same without the
        strategy's own orders; read again only when the exchange applied a command."""
        ex = self.ex
        seq = ex.seq
        if seq != self.eng_seq:
            self.eng_seq = seq
            sym, user = self.sym, self.user
            bids, asks = sym.bids, sym.asks
            self.eng = (bids.peekitem(0)[1].price if bids else None,
                        asks.peekitem(0)[1].price if asks else None,
                        engine_best(bids, user) if bids else None,
                        engine_best(asks, user) if asks else None)
        return self.eng

    # ------------------------------------------------------------ reading
    def best(self, side, user) -> int | None:
        """The best price on `side` where anyone but `user` (the strategy's user, or None:
        everyone counts) rests quantity: the aggregate levels and the engine's."""
        eng = self.engine()
        if side == BUY:
            agg = self.top(BUY)
            e = eng[0] if user is None else eng[2]
            if agg is None:
                return e
            return -agg if e is None or e < -agg else e
        agg = self.top(SELL)
        e = eng[1] if user is None else eng[3]
        if agg is None:
            return e
        return agg if e is None or e > agg else e

    def mid(self, user) -> int | None:
        """As mm.desk.mark.engine_mid on the whole replayed book; kept until the engine
        or an aggregate level changes."""
        seq = self.ex.seq
        if self.mid_ok and seq == self.mid_seq and self.version == self.mid_ver \
                and user == self.mid_user:
            return self.mid_val
        self.mid_ok = True
        self.mid_seq, self.mid_ver, self.mid_user = seq, self.version, user
        # best(BUY, user) and best(SELL, user), the engine's bests read once
        eng = self.engine()
        bid = eng[0] if user is None else eng[2]
        heap, book = self.bheap, self.bids
        while heap and heap[0] not in book:
            heappop(heap)
        if heap and (bid is None or bid < -heap[0]):
            bid = -heap[0]
        ask = eng[1] if user is None else eng[3]
        heap, book = self.aheap, self.asks
        while heap and heap[0] not in book:
            heappop(heap)
        if heap and (ask is None or ask > heap[0]):
            ask = heap[0]
        self.mid_val = None if bid is None or ask is None else (bid + ask) // 2
        return self.mid_val

    def depth(self, side, n) -> tuple:
        """The `n` best (price, qty) levels of `side`, engine and aggregate together (at
        one price, both), as mm.desk.book.book_of reads an engine book."""
        levels = {}
        if side == BUY:         # the n best keys: sorted()[:n] is heapq.nsmallest's list
            book = self.bids
            for k in sorted(book)[:n]:
                levels[-k] = _total(book[k])
            engine = self.sym.bids
        else:
            book = self.asks
            for k in sorted(book)[:n]:
                levels[k] = _total(book[k])
            engine = self.sym.asks
        taken = 0
        for lv in engine.values():
            if taken == n:
                break
            if lv.total > 0:
                levels[lv.price] = levels.get(lv.price, 0) + lv.total
                taken += 1
        return tuple(sorted(levels.items(), reverse=side == BUY)[:n])

    def would_cross(self, side, price) -> bool:
        """Replay._would_cross with the aggregate levels counted: the opposite best,
        everyone counted, kept until the engine or the aggregate's levels on that side
        change."""
        seq = self.ex.seq
        if side == BUY:
            if seq != self.ask_seq or self.aver != self.ask_ver:
                self.ask_seq, self.ask_ver = seq, self.aver
                self.ask_val = self.best(SELL, None)
            other = self.ask_val
            return other is not None and other <= price
        if seq != self.bid_seq or self.bver != self.bid_ver:
            self.bid_seq, self.bid_ver = seq, self.bver
            self.bid_val = self.best(BUY, None)
        other = self.bid_val
        return other is not None and other >= price

    # ------------------------------------------------------------ a level
    def level(self, ts, side, price, size) -> None:
        """AggregateReplay.level: make BOOK's quantity at (side, price) `size`."""
        sym = self.sym
        self.fields()
        lv = sym.bids.get(-price) if side == BUY else sym.asks.get(price)
        shared = lv is not None and not self.demote(ts, side, price, lv)
        max_qty = self.k_max
        if price % self.k_tick or size % self.k_step or not 0 < price <= _MAX \
                or size > _MAX or (max_qty is not None and size > max_qty):
            self.promote(ts, side, price)       # off the grid: the engine's rules apply
            Replay.level(self.owner, ts, side, price, size)
            return
        if side == BUY:
            book, key = self.bids, -price
        else:
            book, key = self.asks, price
        chunks = book.get(key)
        agg_have = _total(chunks) if chunks else 0
        owner = self.owner
        orders = None
        if shared:          # own orders here: BOOK's quantity in the engine, then chunks
            orders = owner._alive((side, price))
            have = agg_have + _left(orders)
        else:
            have = agg_have
        if size > have:
            self.n += 1
            if self.would_cross(side, price):
                self.skipped += 1
                return
            if chunks is None:
                self.add(side, key, [size - have])
            else:
                chunks.append(size - have)
        elif size < have:
            cut = have - size
            cuttable = None
            if shared:
                cuttable = orders
                if size > 0:
                    front, cuttable = owner._around_own(orders, side, price)
                    ahead, cut = self.queue.split(cut, _left(front),
                                                  _left(cuttable) + agg_have, self.k_step)
                    if ahead:
                        owner._cut_front(ts, front, ahead)
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
                    if key == self.top(side):   # the best level goes
                        self.moved(side)
                    del book[key]
            if cut > 0 and cuttable:
                owner._cut_back(ts, (side, price), cuttable, cut)

    def demote(self, ts, side, price, lv) -> bool:
        """Move the engine level `lv` out to the aggregate when no own order is left in it
        (BOOK's orders there cancelled, their remaining quantities kept in queue order).
        Whether it moved."""
        user = self.user
        for o in lv.orders:
            if o.is_open and o.user.name == user and o.qty > o.filled and \
                    (o.status == "active" or o.status == "partial"):
                return False
        key = (side, price)
        owner = self.owner
        alive = owner._alive(key)
        if alive:
            chunks = []
            cmds = []
            for o in alive:
                chunks.append(o.qty - o.filled)
                cmds.append(CancelOrder(BOOK, o.cid))
            owner._run(cmds, ts, quiet=True)
            self.levels.pop(key, None)
            if side == BUY:
                bkey = -price
                behind = self.bids.get(bkey)
            else:
                bkey = price
                behind = self.asks.get(bkey)
            self.add(side, bkey, chunks + behind if behind else chunks)
        return True

    def promote(self, ts, side, price) -> None:
        """Move the aggregate level at (side, price), if any, into the engine: its chunks
        become BOOK orders, in queue order."""
        if side == BUY:
            book, key = self.bids, -price
        else:
            book, key = self.asks, price
        best = self.top(side) if key in book else None
        chunks = book.pop(key, None)
        if not chunks:
            return
        if key == best:                 # the best level goes
            self.moved(side)
        levels = self.levels
        cids = levels.setdefault((side, price), [])
        owner = self.owner
        # Replay._place for each chunk, in one batch: the crossing test asked once (orders
        # resting on one side cannot move the other side's best it reads), the orders
        # placed in one run (post-only orders print no trade for a listener to see)
        cmds = [self.limit(BOOK, side, price, q, "post_only") for q in chunks]
        if owner.skip_crossing and self.would_cross(side, price):
            self.skipped += len(cmds)
        elif owner.quiet_batches:
            orders = self.book_user.orders
            for c, reason in zip(cmds, owner._run(cmds, ts)):
                if reason is None and orders[c.cid].is_open:
                    cids.append(c.cid)
        else:
            for c in cmds:
                if owner._run([c], ts)[0] is None and self.book_user.orders[c.cid].is_open:
                    cids.append(c.cid)
        if not cids:
            del levels[(side, price)]

    def prepare(self, ts, symbol, side, price) -> None:
        """AggregateReplay.prepare: before an own order in `symbol` on `side` at limit
        `price` reaches the exchange, the aggregate level at its price and every opposite
        one it could cross move into the engine."""
        if symbol != self.owner.symbol or type(price) is not int or not 0 < price <= _MAX \
                or side not in (BUY, SELL):
            return
        self.promote(ts, side, price)
        if side == BUY:
            for key in sorted([k for k in self.asks if k <= price]):
                self.promote(ts, SELL, key)
        else:
            for key in sorted([k for k in self.bids if k <= -price]):
                self.promote(ts, BUY, -key)

    # ------------------------------------------------------------ a trade
    def trade(self, ts, side, price, qty) -> None:
        """AggregateReplay.trade: a trade of `qty` at `price`, `side` the aggressor's."""
        passive = SELL if side == BUY else BUY
        owner = self.owner
        self.fields()
        # stale depth better than the trade's price: aggregate levels dropped, engine ones
        # emptied of BOOK's orders (as the full path does)
        if passive == BUY:
            book, limit = self.bids, -price
        else:
            book, limit = self.asks, price
        top = self.top(passive)
        while top is not None and top < limit:      # the heap's top is the best level
            del book[top]
            self.moved(passive)
            top = self.top(passive)
        stale = []
        for k in self.levels:
            if k[0] == passive and (k[1] > price if passive == BUY else k[1] < price):
                stale.append(k)
        if stale:
            stale.sort()
            for key in stale:
                Replay.level(owner, ts, passive, key[1], 0)
        # the full path's backstop: tried unless the book covers the trade; refused (and
        # counted) exactly when it is off the grid or would cross, which the cover test
        # also answers "not covered" for
        invalid = not (0 < price and 0 < qty
                       and max(price, qty) // PRICE_SCALE <= MAX_PRICE_WHOLE)
        if invalid:
            off = True
        elif self.k_band:           # a band in force: the spec's own rules
            spec = self.sym.spec
            off = spec.qty_refusal(qty) is not None or spec.price_refusal(price) is not None
        else:                       # engine/symbols.py's qty_refusal_of, price_refusal_of
            max_qty = self.k_max
            off = qty % self.k_step != 0 or qty < self.k_min \
                or (max_qty is not None and qty > max_qty) or price % self.k_tick != 0
        refused = off or self.would_cross(passive, price)
        self.n += 2
        if refused:
            self.skipped += 1
        if off:
            return                          # the trade's own order is refused too
        trades = []
        left = qty
        top = self.engine()[1 if passive == SELL else 0]
        if top is not None:
            if top <= price if passive == SELL else top >= price:
                cmd = self.limit(FLOW, side, price, qty, "ioc")
                out = self.ex.apply(cmd, ts, FLOW)
                for e in out.events:
                    if type(e) is Trade:
                        trades.append(e)
                        left -= e.qty       # not e[5]: a tuple subclass's index is slow
        if left > 0:
            chunks = book.get(limit)        # the level at the trade's price
            if chunks:
                while chunks and left > 0:
                    first = chunks[0]
                    take = first if first < left else left
                    trades.append(self.made(ts, side, price, take))
                    left -= take
                    if take == first:
                        chunks.pop(0)
                    else:
                        chunks[0] = first - take
                if not chunks:
                    if limit == self.top(passive):  # the best level goes
                        self.moved(passive)
                    del book[limit]
            if left > 0 and not refused:
                trades.append(self.made(ts, side, price, left))
        if trades:
            owner.on_trades(trades)

    def made(self, ts, side, price, qty) -> Trade:
        """A trade between FLOW (taking, on `side`) and BOOK at `price`, made off the
        engine but counted by it (trade ids, last price) and fee'd as it would be."""
        ex, sym = self.ex, self.sym
        ex.trade_seq += 1
        sym.last = price
        n = price * qty
        fee_q = self.k_fee_q        # kept by `fields`, which `trade` calls first
        return Trade((ex.trade_seq, ex.seq, ts, sym.name, price, qty,
                      self.book_party, self.flow_party,
                      fee(n, self.k_maker, fee_q), fee(n, self.k_taker, fee_q), side))


def _total(chunks: list) -> int:
    """The quantity of a level's chunks (sum(), as a loop the compiler types)."""
    total = 0
    for q in chunks:
        total += q
    return total


def _left(orders: list) -> int:
    """The remaining quantity of engine orders: sum(o.qty - o.filled)."""
    total = 0
    for o in orders:
        total += o.qty - o.filled
    return total


def engine_best(side, user) -> int | None:
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
