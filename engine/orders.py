"""Order commands: place, amend, cancel, cancel all, and the rules an order must pass.

An order is journalled as new and queued, checked (symbol, session, user, quantity, tick,
band), has its funds reserved (engine.escrow), then waits as a stop or goes to matching
(engine.matching, which also closes orders). Handlers return None when accepted, else
(ResultCode, reason). Fourth link of `Exchange`'s chain of parts (engine.ledger), after
Matching.
"""
from . import commands as C
from .events import (
    CancelledAll, OrderAmended, OrderNew, OrderQueued, OrderRejected, ResultCode as R,
    order_event,
)
from .ledger import SYSTEM
from .matching import Matching, _best, _oid
from .model import (
    ACTIVE_USER, BUY, CANCELLED, MARKET, POST_ONLY, QUEUED, REJECTED, STOP_MARKET, IOC,
    Order, Symbol, User, closed, new_order,
)
from .numbers import fmt
from .permissions import act_refusal
from .symbols import price_refusal_of, qty_refusal_of


class UnknownSymbol:
    """Stands in for a symbol name that does not exist, so the rejected order keeps it."""
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class Orders(Matching):
    """The order commands and an order's life cycle outside the book."""

    def _acting_for(self, name: str, who: User):
        """The user named `name` when `who` may act for them, else the refusal (code,
        reason): the caller tells them apart by type (no pair made on the hot path)."""
        user = self.users.get(name)
        if user is None or user.role == SYSTEM:
            return R.UNKNOWN_USER, f"unknown user {name!r}"
        if who is not user:
            refused = act_refusal(who.name, who.role, user.name)
            if refused:
                return R.NOT_PERMITTED, refused
        return user

    def _place(self, c: C.PlaceOrder, who: User):
        acting = self._acting_for(c.user, who)
        if type(acting) is not User:
            return acting
        user = acting
        cid = c.cid
        if cid is None:
            cid = f"#{self.seq}"
        sym = self.symbols.get(c.symbol) or UnknownSymbol(c.symbol)
        o = new_order(self.seq, user, cid, sym, c.side, c.type, c.tif, c.stp, c.price, c.stop,
                      c.qty)
        # one look-up of the id: a user's orders hold every id it ever used, a dict too
        # large to stay in cache (a duplicate leaves it as it was and `o` unused)
        if user.orders.setdefault(cid, o) is not o:
            return R.DUPLICATE_ORDER_ID, f"duplicate client order id {cid!r} for {user.name}"
        ev = self.events
        ev.append(order_event(OrderNew, o))
        o.status = QUEUED
        ev.append(order_event(OrderQueued, o))
        refused = (R.INVALID_INPUT, c.invalid) if c.invalid else self._check(o, user, sym)
        if refused is None:
            refused = self._reserve(o)
        if refused is not None:
            o.status = REJECTED
            o.reason = refused[1]
            user.orders[cid] = closed(REJECTED)
            ev.append(order_event(OrderRejected, o, refused[1]))
            return refused
        if o.stop is not None:
            sym.stops.append(o)
            if sym.last is not None:
                self._trigger_stops(sym)
            return None
        refused = self._activate(o)
        if sym.stops and sym.last is not None:
            self._trigger_stops(sym)
        return refused

    def _check(self, o: Order, user: User, sym):
        """Every rule an order must pass before it may reserve funds: None, or
        (code, reason)."""
        if type(sym) is not Symbol:
            return R.UNKNOWN_SYMBOL, f"unknown symbol {sym.name!r}"
        refused = _may_trade(user, sym)
        if refused is not None:
            return refused
        t = o.type
        if (t == MARKET or t == STOP_MARKET) and o.tif not in ("gtc", IOC):
            return R.TIF_NOT_APPLICABLE, f"time in force {o.tif} does not apply to {t} orders"
        known = sym
        refused = qty_refusal_of(o.qty, known.step, known.min_qty, known.max_qty)
        if refused is not None:
            return refused
        price, stop = o.price, o.stop
        tick, band, ref = known.tick, known.band, known.ref
        if stop is not None:     # the price's tick, then the stop's, then the band
            if price is not None and price % tick:
                return price_refusal_of(price, "price", tick, band, ref)
            refused = price_refusal_of(stop, "stop_price", tick, band, ref)
            if refused is not None:
                return refused
        return None if price is None else price_refusal_of(price, "price", tick, band, ref)

    def _open_order(self, name: str, cid: str, who: User):
        """The open order `cid` of the user `name` when the actor may touch it, else the
        refusal (code, reason): the caller tells them apart by type, as `_acting_for`."""
        acting = self._acting_for(name, who)
        if type(acting) is not User:
            return acting
        user = acting
        o = user.orders.get(cid)
        if o is None:
            return R.UNKNOWN_ORDER, f"unknown order id {cid!r} for {user.name}"
        if type(o) is not Order:     # a ClosedOrder (`o.is_open` False), a C test compiled
            return R.ORDER_CLOSED, f"order {cid!r} is already {o.status}"
        return o

    def _cancel(self, c: C.CancelOrder, who: User):
        got = self._open_order(c.user, c.cid, who)
        if type(got) is not Order:
            return got
        o = got
        self._close(o, CANCELLED, "cancelled by user" if who is o.user else f"cancelled by {who.name}")
        return None

    def _amend(self, c: C.AmendOrder, who: User):
        """Change a resting order's price and/or total quantity in place. A smaller quantity
        keeps its place in the queue; a new price or a larger quantity takes it off the book
        and puts it back like a new order (fresh rank, matching first if it now crosses).
        The hold moves by exactly the difference; a refused amend changes nothing."""
        got = self._open_order(c.user, c.cid, who)
        if type(got) is not Order:
            return got
        o = got
        refused = (R.INVALID_INPUT, c.invalid) if c.invalid else self._amend_check(o, c)
        if refused is not None:
            return refused
        sym = o.sym
        buy = o.side == BUY
        price = o.price if c.price is None else c.price
        qty = o.qty if c.qty is None else c.qty
        refused = self._rehold(o, price, qty)
        if refused is not None:
            return refused
        keeps = price == o.price and qty <= o.qty
        self.events.append(OrderAmended(o, price, qty, keeps))
        if keeps:               # same place in the queue, less quantity behind it
            level = (sym.bids if buy else sym.asks)[-price if buy else price]
            level.total -= o.qty - qty
            o.qty = qty
            return None
        self._unbook(o)
        level_key = -o.price if buy else o.price
        level = (sym.bids if buy else sym.asks).get(level_key)
        if level is not None:
            level.orders.remove(o)
        o.price, o.qty, o.rank = price, qty, None
        stop = self._match(o, price, buy, False)
        if o.filled < o.qty:
            if stop is not None:
                self._close(o, CANCELLED, stop, False)
            else:
                self._rest(o, buy)
        if sym.stops and sym.last is not None:
            self._trigger_stops(sym)
        return None

    def _amend_check(self, o: Order, c: C.AmendOrder):
        """Every rule an amend must pass: None when it may go ahead, else (code, reason)."""
        sym, user = o.sym, o.user
        if o.rank is None:
            return (R.NOT_RESTING,
                    f"order {o.cid!r} is not resting in the book (a stop waiting to trigger)")
        if c.price is None and c.qty is None:
            return R.AMEND_NO_CHANGE, "amend needs a new price or a new quantity"
        if (c.price is None or c.price == o.price) and (c.qty is None or c.qty == o.qty):
            return R.AMEND_NO_CHANGE, (f"amend changes nothing: order {o.cid!r} is already "
                                       f"{fmt(o.qty)} @ {fmt(o.price)}")
        refused = _may_trade(user, sym)
        if refused is not None:
            return refused
        if c.qty is not None:
            if c.qty <= o.filled and c.qty % sym.step == 0:
                return R.AMEND_BELOW_FILLED, (f"qty {fmt(c.qty)} is not above the "
                                              f"{fmt(o.filled)} already filled; "
                                              "cancel the order instead")
            refused = qty_refusal_of(c.qty, sym.step, sym.min_qty, sym.max_qty)
            if refused is not None:
                return refused
        if c.price is not None and c.price != o.price:
            refused = price_refusal_of(c.price, "price", sym.tick, sym.band, sym.ref)
            if refused is not None:
                return refused
            if o.tif == POST_ONLY:
                best = _best(sym.asks if o.side == BUY else sym.bids)
                if best is not None and (best <= c.price if o.side == BUY else best >= c.price):
                    return (R.POST_ONLY_WOULD_CROSS,
                            f"post-only order would cross the book at {fmt(best)}")
        return None

    def _cancel_all(self, c: C.CancelAll, who: User):
        user = self._acting_for(c.user, who)
        if type(user) is not User:
            return user
        if c.symbol is not None and c.symbol not in self.symbols:
            return R.UNKNOWN_SYMBOL, f"unknown symbol {c.symbol!r}"
        reason = ("cancelled by user (cancel all)" if who is user
                  else f"cancelled by {who.name} (cancel all)")
        n = self._close_all(user, c.symbol, reason)
        self.events.append(CancelledAll(user.name, n))
        return None

    def _close_all(self, user: User, symbol: str | None, reason: str) -> int:
        """Cancel every live order of `user` (resting and untriggered stops), in `symbol`
        or everywhere, oldest first, releasing their holds. Returns how many."""
        live = [o for o in user.open_orders() if symbol is None or o.sym.name == symbol]
        live.sort(key=_oid)
        for o in live:
            self._close(o, CANCELLED, reason)
        return len(live)


def _may_trade(user: User, sym: Symbol):
    """Why `user` may not trade `sym` now (symbol inactive, user suspended, session
    closed) as (code, reason), or None."""
    if not sym.active:
        return R.SYMBOL_INACTIVE, f"symbol {sym.name} is inactive"
    if user.status != ACTIVE_USER:
        return R.USER_SUSPENDED, f"user {user.name} is suspended"
    if not sym.open:
        return R.SESSION_CLOSED, f"session for {sym.name} is closed"
    return None

