"""Symbols, assets and trading sessions: listing a symbol, (de)activating it, an asset's
precision, opening and closing a session (new reference price, new fee rates, day orders
expiring), and the holds new fee rates change. Fifth and last part of `Exchange`'s chain (engine.ledger), after Orders.
"""
from dataclasses import replace

from . import commands as C
from .events import (
    AssetPrecisionSet, OrderHoldChanged, ResultCode as R, SessionChanged, SymbolChanged,
)
from .fees import MAX_PRECISION, precision_unit
from .model import AVAIL, BUY, CANCELLED, DAY, EXPIRED, HELD, Symbol
from .numbers import fmt
from .orders import Orders


class Sessions(Orders):
    """The symbol, asset and session commands."""

    def _add_symbol(self, c: C.AddSymbol, who):
        if c.symbol in self.symbols:
            return R.SYMBOL_EXISTS, f"symbol {c.symbol} already exists"
        refused = c.spec.refusal()
        if refused:
            return R.INVALID_SYMBOL_SPEC, refused
        s = self.symbols[c.symbol] = Symbol(c.spec)
        if c.spec.quote in self.assets:
            s.fee_q = precision_unit(self.assets[c.spec.quote])
        self.events.append(SymbolChanged(s))
        return None

    def _set_symbol_active(self, c: C.SetSymbolActive, who):
        s = self.symbols.get(c.symbol)
        if s is None:
            return R.UNKNOWN_SYMBOL, f"unknown symbol {c.symbol!r}"
        s.active = c.active
        self.events.append(SymbolChanged(s))
        return None

    def _set_precision(self, c: C.SetAssetPrecision, who):
        if not 0 <= c.places <= MAX_PRECISION:
            return (R.INVALID_PRECISION,
                    f"precision of {c.asset} must be 0 to {MAX_PRECISION} decimal places")
        self.assets[c.asset] = c.places
        unit = precision_unit(c.places)
        for s in self.symbols.values():
            if s.spec.quote == c.asset and s.fee_q != unit:
                s.fee_q = unit
                self._rehold_buys(s)
        self.events.append(AssetPrecisionSet(c.asset, c.places))
        return None

    def _session_open(self, c: C.SessionOpen, who):
        s = self.symbols.get(c.symbol)
        if s is None:
            return R.UNKNOWN_SYMBOL, f"unknown symbol {c.symbol!r}"
        if s.sessions and s.open:
            return R.SESSION_ALREADY_OPEN, f"session for {s.name} is already open"
        spec = s.spec
        if c.opening_price is not None:
            if c.opening_price % spec.tick:
                return R.INVALID_PRICE, (f"opening_price {fmt(c.opening_price)} is not a "
                                         f"multiple of tick_size {fmt(spec.tick)}")
            spec = s.spec = replace(spec, ref=c.opening_price)
        s.sessions = True
        s.open = True
        band = spec.band_limits() if c.opening_price is not None else None
        if band:   # a new reference: resting orders outside the new band may not trade
            for o in self._open_orders(s):
                if o.rank is not None and not band[0] <= o.price <= band[1]:
                    self._close(o, EXPIRED, f"price {fmt(o.price)} is outside the daily band "
                                            f"{fmt(band[0])}-{fmt(band[1])} set at session open")
        old = max(spec.maker, spec.taker)
        if c.maker is not None or c.taker is not None:
            spec = s.spec = replace(spec, maker=spec.maker if c.maker is None else c.maker,
                                    taker=spec.taker if c.taker is None else c.taker)
        if max(spec.maker, spec.taker) != old:
            self._rehold_buys(s)
        self.events.append(SessionChanged(s, True))
        return None

    def _session_close(self, c: C.SessionClose, who):
        s = self.symbols.get(c.symbol)
        if s is None:
            return R.UNKNOWN_SYMBOL, f"unknown symbol {c.symbol!r}"
        if s.sessions and not s.open:
            return R.SESSION_ALREADY_CLOSED, f"session for {s.name} is already closed"
        s.sessions = True
        s.open = False
        for o in list(self._open_orders(s)):
            if o.tif == DAY:
                self._close(o, EXPIRED, "session closed")
        self.events.append(SessionChanged(s, False))
        return None

    def _rehold_buys(self, s: Symbol):
        """New fee rates change what a resting buy must reserve: top up or release; a buy
        whose owner cannot top up is cancelled."""
        for o in list(self._open_orders(s)):
            if o.side != BUY or o.price is None:
                continue
            need = self._hold_for_buy(o, o.price, o.qty - o.filled)
            diff = need - o.hold
            u = o.user
            if diff > 0:
                if self._wallet(u, s.spec.quote)[AVAIL] < diff:
                    self._close(o, CANCELLED, "insufficient available balance for the new fee rates")
                    continue
                self._move("hold", s.spec.quote, u, AVAIL, u, HELD, diff, o.oid)
            elif diff < 0:
                self._move("release", s.spec.quote, u, HELD, u, AVAIL, -diff, o.oid)
            o.hold = need
            self.events.append(OrderHoldChanged(o))
