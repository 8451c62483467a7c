"""Historical market data replayed through the real engine as other participants' orders.

- Book data (BookEvent: a level now holds `size`) becomes resting orders of a synthetic
  participant, BOOK: a level that grows gets a new order for the difference at the back of
  its queue, so an own order that joined earlier stays ahead of it; a level that shrinks
  without trading loses quantity from the back of its queue first. Quantity queued ahead
  of an own order is never cancelled away (only a trade consumes it, or the level
  disappearing, size 0): where the data shrinks a level below what is ahead of an own
  order, the engine keeps showing what is ahead until it trades. Pessimistic on purpose;
  another queue model (mm/backtest/models.py, e.g. probabilistic) may take part of a cut
  from ahead of the first own order (by reducing those orders in place: they keep their
  priority).
- A snapshot (SnapshotEvent, then its levels at the same time) sets each level it lists
  and removes every level it does not, without disturbing the queues of the levels kept.
- A trade (TradeEvent: price, qty, aggressor side) becomes an immediate-or-cancel order of
  a synthetic aggressor, FLOW, for qty at the trade price. Just before it, BOOK rests a
  backstop of qty at that price at the back of the queue (post-only), taken off after.
  So the engine prints the trade whatever the book shows, and by price-time priority:
  an own order at a better price fills first (the market traded through it); one at the
  trade price fills only from what is left once the quantity queued ahead is consumed;
  a trade smaller than that leaves it untouched, a larger one fills it in part or whole.
  BOOK depth at prices better than the trade's is stale by the trade's own word (nobody
  bids above a sell at that price) and goes first: a trade through an own order's price
  fills it whatever was queued ahead of it.
  With no book data nothing is queued ahead: an own order at the trade price fills first.
- Synthetic orders are post-only: a level that would cross the book is skipped (so data
  never fills the strategy except through trades); so is one off the symbol's grid. Such
  skips are counted.

Events must come in time order; at one timestamp, a trade before the book update that
reflects it (else the update's cut and the trade both take the same quantity).
"""
from souq.engine.commands import AmendOrder, CancelOrder, PlaceOrder
from souq.engine.events import trades_of
from souq.engine.model import ACTIVE, BUY, PARTIAL, SELL, Order
from souq.engine.numbers import MAX_PRICE_WHOLE, PRICE_SCALE, fmt

from .models import PESSIMISTIC

BOOK, FLOW = "bt-book", "bt-flow"


def limit_order(n: int, user: str, symbol: str, side: str, price: int, qty: int,
                tif: str) -> PlaceOrder:
    """The replay's `n`th synthetic limit order (cid "r<n>") for `user`, as an engine
    command built directly; a price or qty out of range is marked `invalid` with the
    text parse_command gives, so the engine refuses it as it would the order stream's."""
    invalid = None
    if not (0 < price and 0 < qty and max(price, qty) // PRICE_SCALE <= MAX_PRICE_WHOLE):
        invalid = f"price {fmt(price)} or qty {fmt(qty)} is not a positive number in range"
    return PlaceOrder(user=user, cid=f"r{n}", symbol=symbol, side=side, type="limit",
                      qty=qty, price=price, tif=tif, invalid=invalid)
SIDES = {"buy": BUY, "bid": BUY, "sell": SELL, "ask": SELL}


class Replay:
    """Applies market-data events to an Exchange, passing each batch's trades on.

    Shortcuts that skip work whose result is known (each pinned by a differential test
    giving byte-identical backtests with it on and off; class flags, so a test can turn
    one off): `skip_crossing`, a post-only BOOK order sure to cross the book is counted
    as skipped without an engine command (the engine would refuse it and change nothing
    that a backtest reads); `quiet_batches`, a batch that printed no trade is not handed
    to the trade listener; `stale_only`, a trade sorts only the stale levels it clears.
    """
    skip_crossing = True
    quiet_batches = True
    stale_only = True

    def __init__(self, ex, symbol: str, on_trades, queue=PESSIMISTIC) -> None:
        self.ex = ex
        self.queue = queue                  # a models.QueueModel
        self.sym = ex.symbols[symbol]
        self.symbol = symbol
        self.on_trades = on_trades
        self.levels: dict[tuple[str, int], list[str]] = {}   # (side, price) -> BOOK cids
        self.n = 0
        self.skipped = 0
        self._snap: tuple[int, set] | None = None     # (ts, levels not yet relisted)

    # ------------------------------------------------------------ events
    def apply(self, ev) -> None:
        kind = type(ev).__name__
        if self._snap is not None and (kind != "BookEvent" or ev.ts != self._snap[0]):
            self._end_snapshot(ev.ts if kind != "BookEvent" else self._snap[0])
        if kind == "TradeEvent":
            self.trade(ev.ts, SIDES[ev.side], ev.price, ev.qty)
        elif kind == "BookEvent":
            side = SIDES[ev.side]
            if self._snap is not None:
                self._snap[1].discard((side, ev.price))
            self.level(ev.ts, side, ev.price, ev.size)
        elif kind == "SnapshotEvent":
            self._snap = (ev.ts, self._known_levels())
        else:
            raise ValueError(f"not a market data event: {ev!r}")

    def _known_levels(self) -> set:
        """The (side, price) levels BOOK may hold quantity at."""
        return set(self.levels)

    def finish(self, ts: int) -> None:
        if self._snap is not None:
            self._end_snapshot(ts)

    def _end_snapshot(self, ts: int) -> None:
        _, gone = self._snap
        self._snap = None
        for side, price in sorted(gone):
            self.level(ts, side, price, 0)

    # ------------------------------------------------------------ a level
    def level(self, ts: int, side: str, price: int, size: int) -> None:
        """Make BOOK's quantity at (side, price) `size`, by the rules above."""
        key = (side, price)
        chunks = self._alive(key)
        have = sum(o.qty - o.filled for o in chunks)
        if size > have:
            cid = self._place(ts, side, price, size - have, "post_only")
            if cid is not None:
                self.levels.setdefault(key, []).append(cid)
        elif size < have:
            cut = have - size
            cuttable = chunks
            if size > 0:
                front, cuttable = self._around_own(chunks, side, price)
                ahead, cut = self.queue.split(cut, sum(o.qty - o.filled for o in front),
                                              sum(o.qty - o.filled for o in cuttable),
                                              self.sym.spec.step)
                if ahead:
                    self._cut_front(ts, front, ahead)
            self._cut_back(ts, key, cuttable, cut)

    def _cut_back(self, ts: int, key, cuttable: list[Order], cut: int) -> None:
        """Take `cut` off BOOK's orders `cuttable` at the level `key`, the back of the
        queue first: the last order touched reduced in place, or cancelled and its rest
        placed again at the back."""
        side, price = key
        cmds, again = [], 0
        for o in reversed(cuttable):
            if cut <= 0:
                break
            left = o.qty - o.filled
            if left > cut and self._shrinkable(o, left - cut):
                cmds.append(AmendOrder(BOOK, o.cid, qty=left - cut))
            else:
                cmds.append(CancelOrder(BOOK, o.cid))
                if left > cut:
                    again = left - cut
            cut -= left
        if cmds:
            self._run(cmds, ts)
        if again:   # the part of a cut order that stays: it was behind every own order
            cid = self._place(ts, side, price, again, "post_only")
            if cid is not None:
                self.levels[key].append(cid)
        self._alive(key)

    def _shrinkable(self, o: Order, qty: int) -> bool:
        """Whether BOOK's order `o`, cut to `qty`, may simply be reduced in place (one
        amend: it keeps its place, the level's last) instead of cancelled and placed again
        for `qty` at the back (two commands): the same queue either way, so only when the
        new order would have been accepted exactly as the amend is (nothing filled, so the
        amend's quantity is the new order's; the quantity and price pass the grid and the
        band), else the refusal and its count stay as they were."""
        spec = self.sym.spec
        return (o.filled == 0 and spec.qty_refusal(qty) is None
                and spec.price_refusal(o.price) is None)

    def _alive(self, key) -> list[Order]:
        cids = self.levels.get(key)
        if not cids:
            return []
        orders = self.ex.users[BOOK].orders
        live = [orders[c] for c in cids if orders[c].is_open]
        if len(live) != len(cids):
            if live:
                self.levels[key] = [o.cid for o in live]
            else:
                del self.levels[key]
        return live

    def _around_own(self, chunks: list[Order], side: str, price: int):
        """BOOK's orders at a level queued ahead of the first own order there and those
        behind the last ((none, all of them) when the strategy has none there)."""
        level = (self.sym.bids.get(-price) if side == BUY else self.sym.asks.get(price))
        if level is None:
            return [], chunks
        first = last = None
        for o in level.orders:
            if (o.status is ACTIVE or o.status is PARTIAL) and o.user.name != BOOK:
                if first is None:
                    first = o.rank
                last = o.rank
        if last is None:
            return [], chunks
        return ([o for o in chunks if o.rank < first], [o for o in chunks if o.rank > last])

    def _cut_front(self, ts: int, front: list[Order], qty: int) -> None:
        """Take qty off BOOK's orders ahead of the own ones, nearest them first: whole
        orders cancelled, a part by reducing the order in place (it keeps its priority)."""
        cmds = []
        for o in reversed(front):
            if qty <= 0:
                break
            left = o.qty - o.filled
            if left <= qty:
                cmds.append(CancelOrder(BOOK, o.cid))
            else:
                cmds.append(AmendOrder(BOOK, o.cid, qty=o.qty - qty))
            qty -= left
        self._run(cmds, ts)

    # ------------------------------------------------------------ a trade
    def trade(self, ts: int, side: str, price: int, qty: int) -> None:
        passive = SELL if side == BUY else BUY
        # BOOK depth better than the trade's price is stale by the trade's own word (no
        # one bid above a sell at that price): gone, so own orders there are first
        if self.stale_only:
            stale = sorted(k for k in self.levels if k[0] == passive
                           and (k[1] > price if passive == BUY else k[1] < price))
        else:
            stale = [k for k in sorted(self.levels) if k[0] == passive
                     and (k[1] > price if passive == BUY else k[1] < price)]
        for key in stale:
            self.level(ts, passive, key[1], 0)
        backstop = None
        if not self._covered(passive, price, qty):
            backstop = self._place(ts, passive, price, qty, "post_only")
        cmds = [self._limit(FLOW, side, price, qty, "ioc")]
        if backstop is not None:
            cmds.append(CancelOrder(BOOK, backstop))
        self._run(cmds, ts, quiet=True)

    def _covered(self, passive: str, price: int, qty: int) -> bool:
        """The book already holds qty at the trade's price or better, and a backstop there
        would have been accepted: the trade prints without it, the same fills (it would
        rest untouched behind them and be taken off), so it is left out, two commands
        fewer. Only a speed-up; a backstop that would be refused (and counted as skipped)
        is still tried."""
        sym = self.sym
        spec = sym.spec
        if price <= 0 or price % spec.tick or spec.qty_refusal(qty) is not None:
            return False
        if passive == SELL:
            book, other, key = sym.asks, sym.bids, price
            if other and other.peekitem(0)[1].price >= price:
                return False                # a post-only ask at price would cross
        else:
            book, other, key = sym.bids, sym.asks, -price
            if other and other.peekitem(0)[1].price <= price:
                return False
        have = 0
        for k in book.irange(maximum=key):
            have += book[k].total
            if have >= qty:
                return True
        return False

    # ------------------------------------------------------------ commands
    # Engine commands built directly (not order-stream dicts through parse_command): the
    # same commands, without formatting every number as text and parsing it back.
    def _limit(self, user: str, side: str, price: int, qty: int, tif: str) -> PlaceOrder:
        self.n += 1
        return limit_order(self.n, user, self.symbol, side, price, qty, tif)

    def _place(self, ts: int, side: str, price: int, qty: int, tif: str) -> str | None:
        cmd = self._limit(BOOK, side, price, qty, tif)
        if self.skip_crossing and tif == "post_only" and self._would_cross(side, price):
            self.skipped += 1
            return None
        ok = self._run([cmd], ts)[0] is None
        return cmd.cid if ok and self.ex.users[BOOK].orders[cmd.cid].is_open else None

    def _would_cross(self, side: str, price: int) -> bool:
        """A post-only order at `price` on `side` is sure to be refused: the opposite
        best is at or through it (the engine's post-only rule). Refused, it would change
        nothing a backtest reads (BOOK's closed order and the journal sequence aside)."""
        sym = self.sym
        if side == BUY:
            return bool(sym.asks) and sym.asks.peekitem(0)[1].price <= price
        return bool(sym.bids) and sym.bids.peekitem(0)[1].price >= price

    def _run(self, cmds: list, ts: int, quiet: bool = False) -> list:
        ex = self.ex
        outcomes = [ex.apply(c, ts, c.user) for c in cmds]
        reasons = [o.reason for o in outcomes]
        if not quiet:
            self.skipped += sum(r is not None for r in reasons)
        trades = trades_of(outcomes)
        if trades or not self.quiet_batches:
            self.on_trades(trades)
        return reasons
