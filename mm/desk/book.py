"""What a strategy sees of one symbol: the grid, the fees and the top of the book.

Plain integers at 1e-9, read from an engine Exchange in memory, so the same strategy code
runs live (the store's exchange), in a simulation or in a backtest.
"""
from dataclasses import dataclass

from souq.engine.numbers import PRICE_SCALE


@dataclass(frozen=True, slots=True)
class Book:
    symbol: str
    base: str
    quote: str
    tick: int
    step: int
    min_qty: int
    max_qty: int | None
    lo: int                 # lowest price an order may carry (band and grid)
    hi: int | None          # highest, or None without a band
    maker: int              # fee rates at 1e-9
    taker: int
    bids: tuple[tuple[int, int], ...]   # (price, qty), best first
    asks: tuple[tuple[int, int], ...]
    last: int | None        # last trade price
    tradable: bool          # active and in session

    @property
    def bid(self) -> int | None:
        return self.bids[0][0] if self.bids else None

    @property
    def ask(self) -> int | None:
        return self.asks[0][0] if self.asks else None

    @property
    def mid(self) -> int | None:
        if self.bids and self.asks:
            return (self.bids[0][0] + self.asks[0][0]) // 2
        return None

    @property
    def spread(self) -> int | None:
        if self.bids and self.asks:
            return self.asks[0][0] - self.bids[0][0]
        return None

    def depth(self, side: str, levels: int | None = None) -> int:
        """Total quantity on one side ("buy" = bids), over the first `levels` levels."""
        rows = self.bids if side == "buy" else self.asks
        return sum(q for _, q in rows[:levels])

    def floor_tick(self, price: float | int) -> int:
        """The highest grid price at or below `price`, inside the band: where a bid goes."""
        p = int(price // self.tick) * self.tick
        return self._clamp(p)

    def ceil_tick(self, price: float | int) -> int:
        """The lowest grid price at or above `price`, inside the band: where an ask goes."""
        p = -int(-price // self.tick) * self.tick
        return self._clamp(p)

    def floor_step(self, qty: float | int) -> int:
        """Quantity rounded down to the step, capped at the symbol's maximum; 0 if under min."""
        q = int(qty // self.step) * self.step
        if self.max_qty is not None:
            q = min(q, self.max_qty // self.step * self.step)
        return q if q >= self.min_qty else 0

    def _clamp(self, p: int) -> int:
        p = max(p, self.lo)
        if self.hi is not None:
            p = min(p, self.hi)
        return p


def book_of(sym, depth: int = 20) -> Book:
    """A Book of an engine Symbol, its `depth` best levels per side."""
    tick = sym.tick
    lo, hi = sym.price_range()
    if hi is not None:
        hi = max(lo, hi)
    return Book(sym.name, sym.base, sym.quote, tick, sym.step, sym.min_qty, sym.max_qty, lo, hi,
                sym.maker, sym.taker, _levels(sym.bids, depth), _levels(sym.asks, depth),
                sym.last, sym.active and sym.open)


def _levels(side, depth: int) -> tuple[tuple[int, int], ...]:
    out = []
    for lvl in side.values():
        if lvl.total > 0:
            out.append((lvl.price, lvl.total))
            if len(out) == depth:
                break
    return tuple(out)


def bps(price: int, basis_points: float) -> int:
    """`basis_points` of `price`, in price units (may be fractional ticks: not snapped)."""
    return int(price * basis_points / 10_000)


def to_float(units: int) -> float:
    """Engine units as a float, for models (volatility, logs); never for money kept."""
    return units / PRICE_SCALE
