"""Escrow: what an open order reserves, and giving it back.

A sell holds its base quantity; a buy holds the notional plus the largest fee it could pay
(engine.fees.buy_hold); a market buy holds what it can reach when it activates. Holds are
released when an order closes, topped up or released when an amend (or, in
engine.sessions, new fee rates) change what it needs. Every change is a ledger move
(engine.ledger) and the order's `hold`. Second link of `Exchange`'s chain of parts (engine.ledger), after Ledger.
"""
from .events import OrderHoldChanged, ResultCode as R
from .fees import buy_hold, fee
from .ledger import Ledger
from .model import ACTIVE, AVAIL, BUY, CANCELLED, HELD, MARKET, PARTIAL, SELL, Order, Symbol
from .numbers import QTY_TO_AMOUNT, fmt_amount


class Escrow(Ledger):
    """Reserve, release and re-hold order funds."""

    def _hold_for_buy(self, o: Order, price: int, qty: int) -> int:
        s = o.sym
        return buy_hold(price, qty, s.step, s.hold_rate, s.fee_q)

    def _reserve(self, o: Order):
        """Put on hold what the order may spend; market buys reserve at activation.
        Returns None, or (code, reason) when the funds are not there."""
        sym, u = o.sym, o.user
        if o.side == SELL:
            asset, need = sym.base, o.qty * QTY_TO_AMOUNT
        elif o.type == MARKET:
            return None
        else:
            asset = sym.quote
            price = o.price if o.price is not None else o.stop
            need = self._hold_for_buy(o, price, o.qty)
        w = u.wallets.get(asset)
        have = w[AVAIL] if w else 0
        if have < need:
            return R.INSUFFICIENT_FUNDS, (f"insufficient available {asset}: needs "
                                          f"{fmt_amount(need)}, has {fmt_amount(have)}")
        self._move("hold", asset, u, AVAIL, u, HELD, need, o.oid)
        o.hold = need
        return None

    def _hold_market_buy(self, o: Order, limit, have: int) -> None:
        """A market buy reserves what it can reach (at most what is available)."""
        need = self._reach(o, limit)
        if need > have:
            need = have
        if need:
            sym = o.sym
            self._move("hold", sym.quote, o.user, AVAIL, o.user, HELD, need, o.oid)
            o.hold = need

    def _reach(self, o: Order, limit) -> int:
        """What a market buy can spend: the asks it could sweep, with taker fees."""
        sym = o.sym
        left = o.qty - o.filled
        total = 0
        rate, unit = sym.taker, sym.fee_q
        for level in sym.asks.values():
            if limit is not None and level.price > limit:
                break
            for m in level.orders:      # one fee per fill: per resting order, as matching charges
                if left <= 0:
                    return total
                if m.status is not ACTIVE and m.status is not PARTIAL:
                    continue
                q = m.qty - m.filled
                if q > left:
                    q = left
                n = level.price * q
                total += n + fee(n, rate, unit)
                left -= q
        return total

    def _release(self, o: Order):
        """Give back all the order still holds."""
        if o.hold:
            sym = o.sym
            asset = sym.quote if o.side == BUY else sym.base
            self._move("release", asset, o.user, HELD, o.user, AVAIL, o.hold, o.oid)
            o.hold = 0

    def _release_excess(self, o: Order) -> None:
        """A buy about to rest keeps only what its remaining quantity needs at its price.
        Unfilled, it holds exactly that already: its hold was set for its whole quantity
        at its price (reserve, amend, new fee rates) and only fills lower it."""
        if not o.filled:
            return
        excess = o.hold - self._hold_for_buy(o, o.price, o.qty - o.filled)
        if excess > 0:
            sym = o.sym
            self._move("release", sym.quote, o.user, HELD, o.user, AVAIL, excess, o.oid)
            o.hold -= excess

    def _rehold(self, o: Order, price: int, qty: int):
        """Make the order hold what `qty` (total) at `price` needs: top up from available
        or release the difference. Returns None, or (code, reason) when available funds
        cannot cover the top-up (then nothing changes)."""
        sym = o.sym
        buy = o.side == BUY
        rem = qty - o.filled
        need = self._hold_for_buy(o, price, rem) if buy else rem * QTY_TO_AMOUNT
        diff = need - o.hold
        asset = sym.quote if buy else sym.base
        if diff > 0:
            have = self._wallet(o.user, asset)[AVAIL]
            if have < diff:
                return R.INSUFFICIENT_FUNDS, (f"insufficient available {asset} to amend: needs "
                                              f"{fmt_amount(diff)} more, has {fmt_amount(have)}")
            self._move("hold", asset, o.user, AVAIL, o.user, HELD, diff, o.oid)
        elif diff < 0:
            self._move("release", asset, o.user, HELD, o.user, AVAIL, -diff, o.oid)
        o.hold = need
        self.events.append(OrderHoldChanged(o))
        return None
