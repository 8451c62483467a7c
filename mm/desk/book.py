"""What a strategy sees of one symbol: its specification and its book.

Plain integers at 1e-9, read from an engine Exchange in memory, so the same strategy code
runs live (the store's exchange), in a simulation or in a backtest.
"""
from dataclasses import dataclass

from souq.engine.numbers import PRICE_SCALE
from souq.engine.symbols import SymbolSpec

from .slotted import quick_init


@quick_init
@dataclass(frozen=True, slots=True)
class Book:
    """One symbol as a strategy sees it: its specification (`spec`, engine.symbols
    SymbolSpec: the grid, the band, the fees, and the rounding rules) and its book.

    bids, asks: (price, qty) levels at 1e-9, best first; last: the last trade price or
    None; tradable: active and in session."""
    spec: SymbolSpec
    bids: tuple[tuple[int, int], ...]
    asks: tuple[tuple[int, int], ...]
    last: int | None
    tradable: bool

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


def book_of(sym, depth: int = 20) -> Book:
    """A Book of an engine Symbol (engine.model), its `depth` best levels per side."""
    return Book(sym.spec, _levels(sym.bids, depth), _levels(sym.asks, depth), sym.last,
                sym.active and sym.open)


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
