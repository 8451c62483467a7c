"""Fair-price sources: where a strategy centres its quotes.

mid, microprice (the touch weighted by the opposite size), depth-weighted mid (each side's
volume-weighted price over a few levels), last trade, an EMA of any of them, or another
symbol's mid (cross-market quoting). All return engine price integers or None.
"""
from .book import Book
from .signals import Ema


def mid(book: Book) -> int | None:
    return book.mid


def microprice(book: Book) -> int | None:
    if not (book.bids and book.asks):
        return None
    (b, bq), (a, aq) = book.bids[0], book.asks[0]
    return (b * aq + a * bq) // (aq + bq)


def depth_mid(book: Book, levels: int = 5) -> int | None:
    if not (book.bids and book.asks):
        return None
    return (_vwap(book.bids[:levels]) + _vwap(book.asks[:levels])) // 2


def last(book: Book) -> int | None:
    return book.last if book.last is not None else book.mid


def _vwap(rows) -> int:
    qty = sum(q for _, q in rows)
    return sum(p * q for p, q in rows) // qty


RAW = {"mid": mid, "microprice": microprice, "depth_mid": depth_mid, "last": last}


class FairPrice:
    """A configured source; stateful only for the EMA ones."""

    def __init__(self, source: str, half_life_ns: int = 5_000_000_000,
                 cross_symbol: str = "") -> None:
        self.source = source
        self.cross = cross_symbol if source == "cross" else ""
        self.ema = Ema(half_life_ns) if source.startswith("ema_") else None
        base = source[4:] if source.startswith("ema_") else source
        if source == "cross":
            if not cross_symbol:
                raise ValueError("fair_source=cross needs fair_symbol")
            base = "mid"
        if base not in RAW:
            raise ValueError(f"unknown fair source {source!r}")
        self.raw = RAW[base]

    def __call__(self, now: int, book: Book, books: dict[str, Book]) -> int | None:
        if self.cross:
            other = books.get(self.cross)
            return None if other is None else self.raw(other)
        x = self.raw(book)
        if self.ema is None or x is None:
            return x if self.ema is None else (None if self.ema.value is None
                                                else int(self.ema.value))
        return int(self.ema.update(now, x))
