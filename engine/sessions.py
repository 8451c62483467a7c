"""Symbols, assets and trading sessions: listing a symbol, (de)activating it, an asset's
precision, opening and closing a session (new reference price, new fee rates, day orders
expiring). Part of `Exchange` (engine.exchange).
"""
from . import commands as C
from .events import AssetPrecisionSet, ResultCode as R, SessionChanged, SymbolChanged
from .fees import MAX_PRECISION, precision_unit
from .model import DAY, EXPIRED, Symbol
from .numbers import PRICE_SCALE, fmt


class Sessions:
    """The symbol, asset and session commands."""

    def _add_symbol(self, c: C.AddSymbol, who):
        if c.symbol in self.symbols:
            return R.SYMBOL_EXISTS, f"symbol {c.symbol} already exists"
        refused = _spec_refusal(c)
        if refused:
            return R.INVALID_SYMBOL_SPEC, refused
        s = self.symbols[c.symbol] = Symbol(c.symbol, c.base, c.quote, c.tick, c.step, c.min_qty,
                                            c.max_qty, c.band, c.ref, c.maker, c.taker)
        if c.quote in self.assets:
            s.fee_q = precision_unit(self.assets[c.quote])
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
            if s.quote == c.asset and s.fee_q != unit:
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
        if c.opening_price is not None:
            if c.opening_price % s.tick:
                return R.INVALID_PRICE, (f"opening_price {fmt(c.opening_price)} is not a "
                                         f"multiple of tick_size {fmt(s.tick)}")
            s.ref = c.opening_price
        s.sessions = True
        s.open = True
        band = s.band_limits() if c.opening_price is not None else None
        if band:   # a new reference: resting orders outside the new band may not trade
            for o in self._open_orders(s):
                if o.rank is not None and not band[0] <= o.price <= band[1]:
                    self._close(o, EXPIRED, f"price {fmt(o.price)} is outside the daily band "
                                            f"{fmt(band[0])}-{fmt(band[1])} set at session open")
        old = max(s.maker, s.taker)
        if c.maker is not None:
            s.maker = c.maker
        if c.taker is not None:
            s.taker = c.taker
        if max(s.maker, s.taker) != old:
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


def _spec_refusal(c: C.AddSymbol) -> str | None:
    """Why a symbol specification is inconsistent, or None."""
    if c.base == c.quote:
        return f"symbol {c.symbol}: base and quote must differ"
    if c.min_qty % c.step:
        return f"min_qty {fmt(c.min_qty)} is not a multiple of qty_step {fmt(c.step)}"
    if c.max_qty is not None and (c.max_qty < c.min_qty or c.max_qty % c.step):
        return f"max_qty {fmt(c.max_qty)} must be a multiple of qty_step and at least min_qty"
    if c.ref is not None and c.ref % c.tick:
        return f"ref_price {fmt(c.ref)} is not a multiple of tick_size {fmt(c.tick)}"
    if c.band and c.band >= PRICE_SCALE:
        return "daily_limit must be below 1"
    return None
