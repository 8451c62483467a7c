"""The one symbol specification: what a symbol is listed as, and its grid rules.

A `SymbolSpec` is frozen plain data (integers at 1e-9): the assets, the price tick, the
quantity step and limits, the daily band (rate and reference price) and the fee rates.
Everything that describes a symbol holds one: the engine's live `model.Symbol` (beside its
book), the `AddSymbol` command, the desk's `Book`, the simulator's `SymbolView`, and every
venue's symbol list (mm.venue). The grid rules (which prices and quantities a symbol
accepts, rounding to them, the band) live here and nowhere else.

A session open may move the reference price and the fee rates: the engine then replaces
its symbol's spec with `dataclasses.replace`, so a spec never changes under a reader.
"""
from dataclasses import dataclass

from .events import ResultCode as R
from .numbers import PRICE_SCALE, fmt


@dataclass(frozen=True, slots=True)
class SymbolSpec:
    """A symbol's specification. Prices, quantities and rates are integers at 1e-9.

    name: the symbol (e.g. "BTC-USD"); base, quote: its assets; tick: price grid;
    step: quantity grid; min_qty, max_qty: order size limits (max None: no maximum);
    band: the daily fluctuation limit as a rate (0: none); ref: the band's reference
    price (None: no band in force); maker, taker: fee rates."""
    name: str
    base: str
    quote: str
    tick: int
    step: int
    min_qty: int
    max_qty: int | None = None
    band: int = 0
    ref: int | None = None
    maker: int = 0
    taker: int = 0

    # ------------------------------------------------------------ the listing itself
    def refusal(self) -> str | None:
        """Why this specification is inconsistent (the engine refuses to list it), or
        None. Source of the `invalid_symbol_spec` reasons."""
        if self.base == self.quote:
            return f"symbol {self.name}: base and quote must differ"
        if self.min_qty % self.step:
            return f"min_qty {fmt(self.min_qty)} is not a multiple of qty_step {fmt(self.step)}"
        if self.max_qty is not None and (self.max_qty < self.min_qty or self.max_qty % self.step):
            return (f"max_qty {fmt(self.max_qty)} must be a multiple of qty_step and at least "
                    "min_qty")
        if self.ref is not None and self.ref % self.tick:
            return f"ref_price {fmt(self.ref)} is not a multiple of tick_size {fmt(self.tick)}"
        if self.band and self.band >= PRICE_SCALE:
            return "daily_limit must be below 1"
        return None

    # ------------------------------------------------------------ the band
    def band_limits(self) -> tuple[int, int] | None:
        """(lowest, highest) price the daily band allows (1e-9), or None without a band
        (no rate, or no reference price)."""
        return band_limits_of(self.band, self.ref)

    def price_range(self) -> tuple[int, int | None]:
        """(lo, hi): the lowest and highest prices on the tick grid an order may carry
        (1e-9); hi is None without a band, and below lo when the band holds no grid
        price (`has_prices` is then False)."""
        tick = self.tick
        band = self.band_limits()
        if not band:
            return tick, None
        lo = max(tick, -(-band[0] // tick) * tick)
        return lo, band[1] // tick * tick

    def has_prices(self) -> bool:
        """Whether any price on the tick grid lies inside the band."""
        lo, hi = self.price_range()
        return hi is None or hi >= lo

    # ------------------------------------------------------------ checks (the engine's)
    def price_refusal(self, price: int, field: str = "price"):
        """Why `price` (1e-9) may not be an order's `field`: (ResultCode, reason) when it
        is off the tick (INVALID_PRICE) or, for a limit price, outside the daily band
        (PRICE_OUTSIDE_BAND, only when `field` is "price"); else None."""
        return price_refusal_of(price, field, self.tick, self.band, self.ref)

    def qty_refusal(self, qty: int):
        """Why `qty` (1e-9) is not a quantity this symbol accepts (off the step, below the
        minimum, above the maximum): (ResultCode.INVALID_QTY, reason), or None."""
        return qty_refusal_of(qty, self.step, self.min_qty, self.max_qty)

    # ------------------------------------------------------------ rounding (the desk's)
    def floor_tick(self, price: float | int) -> int:
        """The highest grid price at or below `price`, moved inside the band: where a bid
        goes (1e-9)."""
        return self.clamp(int(price // self.tick) * self.tick)

    def ceil_tick(self, price: float | int) -> int:
        """The lowest grid price at or above `price`, moved inside the band: where an ask
        goes (1e-9)."""
        return self.clamp(-int(-price // self.tick) * self.tick)

    def clamp(self, price: int) -> int:
        """A grid `price` moved to the nearest price an order may carry: at least the
        lowest, at most the highest (the lowest when the band holds no grid price)."""
        lo, hi = self.price_range()
        if price < lo:
            return lo
        if hi is not None and price > hi:
            return max(lo, hi)
        return price

    def floor_step(self, qty: float | int) -> int:
        """`qty` rounded down to the step and capped at the maximum; 0 when that is below
        the minimum (1e-9)."""
        q = int(qty // self.step) * self.step
        if self.max_qty is not None:
            q = min(q, self.max_qty // self.step * self.step)
        return q if q >= self.min_qty else 0


# ------------------------------------------------------------ the rules on plain integers
# SymbolSpec's checks above, on the fields they read: the engine's hot path calls these
# at C level (symbols.pxd) with the copies its live model.Symbol keeps of its spec.
def band_limits_of(band: int, ref: int | None) -> tuple[int, int] | None:
    """(lowest, highest) price (1e-9) a band of rate `band` (1e-9) around `ref` allows,
    or None without a band (rate 0 or no reference price)."""
    if not band or ref is None:
        return None
    delta = ref * band // PRICE_SCALE
    return ref - delta, ref + delta


def price_refusal_of(price: int, field: str, tick: int, band: int, ref: int | None):
    """SymbolSpec.price_refusal of a spec with this `tick`, `band` and `ref` (1e-9):
    (ResultCode, reason) or None."""
    if _off_grid(price, tick):
        return (R.INVALID_PRICE,
                f"{field} {fmt(price)} is not a multiple of the tick {fmt(tick)}")
    if band and field == "price":
        limits = band_limits_of(band, ref)
        if limits and not limits[0] <= price <= limits[1]:
            return R.PRICE_OUTSIDE_BAND, (f"price {fmt(price)} is outside the daily band "
                                          f"{fmt(limits[0])}-{fmt(limits[1])}")
    return None


_WIDE = 2**63     # values below it fit a C 64-bit integer (`_off_grid`)


def _off_grid(value: int, grid: int) -> int:
    """value % grid: how far `value` is off a grid of step `grid` (same units). Compiled
    (symbols.pxd), a value and a grid both in 1 .. 2**63 - 1 are divided as C 64-bit
    integers (`_mod64`) rather than as Python big numbers (a price at 1e-9 is past 30
    bits: 1e8 IRR is 1e17); any other pair as Python integers. Same result either way."""
    if 0 < value < _WIDE and 0 < grid < _WIDE:
        return _mod64(value, grid)
    return value % grid


def _mod64(value: int, grid: int) -> int:
    """value % grid for 0 < value, grid < 2**63: C 64-bit integers when compiled."""
    return value % grid


def qty_refusal_of(qty: int, step: int, min_qty: int, max_qty: int | None):
    """SymbolSpec.qty_refusal of a spec with this `step`, `min_qty` and `max_qty` (1e-9):
    (ResultCode.INVALID_QTY, reason) or None."""
    if qty % step:
        return R.INVALID_QTY, f"qty {fmt(qty)} is not a multiple of the step {fmt(step)}"
    if qty < min_qty:
        return R.INVALID_QTY, f"qty {fmt(qty)} is below the minimum {fmt(min_qty)}"
    if max_qty is not None and qty > max_qty:
        return R.INVALID_QTY, f"qty {fmt(qty)} is above the maximum {fmt(max_qty)}"
    return None
