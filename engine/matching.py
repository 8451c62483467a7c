"""Matching: the books and their price-time rules.

An incoming order takes liquidity from the opposite side best price first and, at one
price, oldest first; what is left rests, is cancelled or is rejected by its type and time
in force. Self-trade prevention, fill-or-kill, post-only, market orders' reach and the
daily band apply here; stops trigger on the last trade price. Each fill settles through
the ledger with the fees of engine.fees. Closing an order (cancel, expire, reject) takes
it off the book, releases its hold and leaves a ClosedOrder under its client id. Third
link of `Exchange`'s chain of parts (engine.ledger), after Escrow.
"""
from .book import BookSide
from .escrow import Escrow
from .events import (
    CLOSE_EVENTS, OrderActive, OrderFilled, OrderPartiallyFilled, ResultCode as R, Trade,
    order_event, order_rested,
)
from .fees import affordable_qty, fee
from .model import (
    ACTIVE, ACTIVE_USER, AVAIL, BUY, CANCELLED, FEES, FILLED, FOK, HELD, IOC, MARKET,
    PARTIAL, POST_ONLY, REJECTED, STOP_MARKET, STP_BOTH, STP_NEWEST, STP_NONE, STP_OLDEST,
    Level, Order, Symbol, closed,
)
from .numbers import QTY_TO_AMOUNT, fmt
from .symbols import band_limits_of


class Matching(Escrow):
    """Activate, match, settle fills, rest, take off the book, trigger stops, close."""

    def _activate(self, o: Order):
        """Take liquidity, then rest, cancel or reject by type and time in force.
        Returns None, or (code, reason) when the order is rejected."""
        sym = o.sym
        buy = o.side == BUY
        is_market = o.type == MARKET or o.type == STOP_MARKET
        if o.type == STOP_MARKET and buy:
            self._release(o)
        limit = o.price
        if is_market:
            band = band_limits_of(sym.band, sym.ref)
            limit = (band[1] if buy else band[0]) if band else None
            if buy:
                w = o.user.wallets.get(sym.quote)
                have = w[AVAIL] if w else 0
                if have <= 0:
                    return self._reject(o, R.INSUFFICIENT_FUNDS,
                                        f"insufficient available {sym.quote}: has 0")
                self._hold_market_buy(o, limit, have)
        elif o.tif == POST_ONLY:
            best = _best(sym.asks if buy else sym.bids)
            if best is not None and (best <= limit if buy else best >= limit):
                return self._reject(o, R.POST_ONLY_WOULD_CROSS,
                                    f"post-only order would cross the book at {fmt(best)}")
        elif o.tif == FOK and not self._fillable(o, limit):
            return self._reject(o, R.FOK_NOT_FILLABLE,
                                f"fill-or-kill order cannot be filled whole (qty {fmt(o.qty)})")
        o.status = ACTIVE
        self.events.append(order_event(OrderActive, o))
        stop = self._match(o, limit, buy, is_market)
        if o.filled == o.qty:
            return None
        if stop is not None:
            self._close(o, CANCELLED, stop)
        elif is_market:
            self._close(o, CANCELLED, "market order: no more liquidity within reach; rest cancelled")
        elif o.tif == IOC:
            self._close(o, CANCELLED, "immediate-or-cancel: unfilled rest cancelled")
        else:
            self._rest(o, buy)
        return None

    def _fillable(self, o: Order, limit: int) -> bool:
        buy = o.side == BUY
        need = o.qty
        for level in (o.sym.asks if buy else o.sym.bids).values():
            if level.price > limit if buy else level.price < limit:
                return False
            for m in level.orders:
                if m.status is not ACTIVE and m.status is not PARTIAL:
                    continue
                if m.user is o.user and o.stp != STP_NONE:
                    if o.stp == STP_OLDEST:
                        continue
                    return False
                need -= m.qty - m.filled
                if need <= 0:
                    return True
        return False

    def _match(self, o: Order, limit, buy: bool, is_market: bool) -> str | None:
        """Cross `o` against the opposite side in price-time order. Returns why it
        stopped early (self-trade prevention, funds), or None."""
        sym = o.sym
        book = sym.asks if buy else sym.bids
        stp = o.stp
        taker_rate = sym.taker
        while o.filled < o.qty:
            level = book.best()
            if level is None:
                break
            price = level.price
            if limit is not None and (price > limit if buy else price < limit):
                break
            q = level.orders
            while q:
                m = q[0]
                st = m.status
                if st is not ACTIVE and st is not PARTIAL:
                    q.popleft()
                    continue
                if m.user is o.user and stp != STP_NONE:
                    if stp == STP_NEWEST:
                        return "self-trade prevention: newest order cancelled"
                    q.popleft()
                    level.count -= 1
                    level.total -= m.qty - m.filled
                    self._close(m, CANCELLED, "self-trade prevention: both orders cancelled"
                                if stp == STP_BOTH else
                                "self-trade prevention: oldest order cancelled", False)
                    if stp == STP_BOTH:
                        if not level.count:
                            book.remove_best()
                        return "self-trade prevention: both orders cancelled"
                    continue
                fill = o.qty - o.filled
                mrem = m.qty - m.filled
                if mrem < fill:
                    fill = mrem
                if is_market and buy:
                    n = price * fill
                    if n + fee(n, taker_rate, sym.fee_q) > o.hold:
                        fill = affordable_qty(o.hold, price, fill, taker_rate, sym.step, sym.fee_q)
                        if not fill:
                            if not level.count:
                                book.remove_best()
                            return "market order: funds exhausted; rest cancelled"
                self._trade(m, o, price, fill, buy)
                level.total -= fill
                if m.filled == m.qty:
                    q.popleft()
                    level.count -= 1
                if o.filled == o.qty:
                    break
            if not level.count or not q:
                book.remove_best()
        return None

    def _trade(self, m: Order, o: Order, price: int, fill: int, taker_buys: bool):
        """Settle one fill: base to the buyer, quote to the seller, both fees to @fees.
        The Trade event stands for these ledger moves (engine.events.Trade.moves)."""
        sym = o.sym
        n = price * fill
        maker_fee = fee(n, sym.maker, sym.fee_q)
        taker_fee = fee(n, sym.taker, sym.fee_q)
        if taker_buys:
            buyer, seller, bfee, sfee = o, m, taker_fee, maker_fee
        else:
            buyer, seller, bfee, sfee = m, o, maker_fee, taker_fee
        self.trade_seq += 1
        tid = self.trade_seq
        bu, su = buyer.user, seller.user
        base, quote = sym.base, sym.quote
        base_amt = fill * QTY_TO_AMOUNT
        bq = bu.wallets[quote]
        sb = su.wallets[base]
        bb = bu.wallets.get(base) or self._wallet(bu, base)
        sq = su.wallets.get(quote) or self._wallet(su, quote)
        sb[HELD] -= base_amt
        bb[AVAIL] += base_amt
        bq[HELD] -= n
        sq[AVAIL] += n
        if bfee or sfee:
            fees = self.users[FEES]
            fw = fees.wallets.get(quote) or self._wallet(fees, quote)
            if bfee:
                bq[HELD] -= bfee
                fw[AVAIL] += bfee
            if sfee:
                sq[AVAIL] -= sfee
                fw[AVAIL] += sfee
        buyer.hold -= n + bfee
        seller.hold -= base_amt
        m.filled += fill
        m.cost += n
        o.filled += fill
        o.cost += n
        sym.last = price
        ev = self.events
        ev.append(Trade((tid, self.seq, self.ts, sym.name, price, fill, m, o, maker_fee,
                         taker_fee, o.side)))
        self._filled(m, ev)
        self._filled(o, ev)

    def _filled(self, x: Order, ev: list) -> None:
        """`x`'s status after one of its fills, with its event: filled whole (the rest of
        its hold released, its client id closed) or partially filled for the first time."""
        if x.filled == x.qty:
            x.status = FILLED
            x.reason = None
            ev.append(order_event(OrderFilled, x))
            if x.hold:
                self._release(x)
            x.user.orders[x.cid] = closed(FILLED)
        elif x.status is not PARTIAL:
            x.status = PARTIAL
            ev.append(order_event(OrderPartiallyFilled, x))

    def _rest(self, o: Order, buy: bool):
        """Put what is left of `o` on its book, last in time at its price."""
        if buy:
            self._release_excess(o)
        o.rank = self._next_rank()
        book_order(o)
        self.events.append(order_rested(o))

    def _next_rank(self) -> int:
        """Time priority for an order joining the book now: strictly above every rank given
        before, so two orders resting in one command (a taker's rest and the stops its
        trades trigger) never tie. It equals the command's seq whenever that is free, so
        ranks stay readable as "rested at seq ...". Persisted with the order; a rebuild
        resumes from the highest stored rank (db.load)."""
        rank = self.seq if self.seq > self.rank_seq else self.rank_seq + 1
        self.rank_seq = rank
        return rank

    def _unbook(self, o: Order):
        """Take `o` off its book (or out of the stops); its queue entry is skipped lazily."""
        sym = o.sym
        if o.stop is not None and o in sym.stops:
            sym.stops.remove(o)
            return
        if o.status is not ACTIVE and o.status is not PARTIAL:
            return
        if o.rank is None:   # an incoming order that never rested: nothing to take off
            return
        book, key = (sym.bids, -o.price) if o.side == BUY else (sym.asks, o.price)
        level = book.get(key)
        if level is None:
            return
        level.count -= 1
        level.total -= o.qty - o.filled
        if not level.count:
            book.remove(key)

    def _trigger_stops(self, sym: Symbol):
        """Stops trigger on the last trade price; their trades may trigger more."""
        while sym.stops and sym.last is not None:
            last = sym.last
            fired = [o for o in sym.stops
                     if (o.stop <= last if o.side == BUY else o.stop >= last)]
            if not fired:
                return
            for o in fired:
                sym.stops.remove(o)
            for o in fired:
                o.reason = f"stop triggered at {fmt(last)}"
                if o.user.status != ACTIVE_USER:   # never trades for a suspended user
                    self._close(o, CANCELLED, f"user {o.user.name} suspended", False)
                    continue
                if o.price is not None:
                    band = band_limits_of(sym.band, sym.ref)
                    if band and not band[0] <= o.price <= band[1]:
                        self._reject(o, R.PRICE_OUTSIDE_BAND,
                                     f"price {fmt(o.price)} is outside the daily band "
                                     f"{fmt(band[0])}-{fmt(band[1])} when triggered")
                        continue
                self._activate(o)

    def _reject(self, o: Order, code, reason: str):
        """Refuse an order that was queued but never rested: same bookkeeping as a close.
        Returns (code, reason)."""
        self._close(o, REJECTED, reason, False)
        return code, reason

    def _close(self, o: Order, status: str, reason: str, unbook: bool = True) -> None:
        """End a live order (cancelled, expired or rejected): off the book, hold released."""
        if unbook:
            self._unbook(o)
        self._release(o)
        o.status = status
        o.reason = reason
        o.user.orders[o.cid] = closed(status)
        self.events.append(order_event(CLOSE_EVENTS[status], o, reason))

    def _open_orders(self, s: Symbol) -> list[Order]:
        """Live orders of a symbol in time order: the book's, then untriggered stops."""
        live = []
        for book in (s.bids, s.asks):
            for level in book.values():
                for o in level.orders:
                    if o.status is ACTIVE or o.status is PARTIAL:
                        live.append(o)
        live.sort(key=_oid)
        return live + list(s.stops)


def book_order(o: Order) -> None:
    """Queue `o` (rank already set) last at its price on its symbol's book. Used by
    `_rest`, and by a rebuild putting resting orders back in rank order (db.load)."""
    s = o.sym
    book, key = (s.bids, -o.price) if o.side == BUY else (s.asks, o.price)
    level = book.get(key)
    if level is None:
        level = Level(o.price)
        book.insert(key, level)
    o.price = level.price
    level.orders.append(o)
    level.count += 1
    level.total += o.qty - o.filled


def _best(book: BookSide):
    """The best price of a book side (1e-9), or None when it is empty."""
    level = book.best()
    return None if level is None else level.price


def _oid(o: Order) -> int:
    return o.oid
