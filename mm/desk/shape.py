"""The last step of every quote list: on the grid, on the step, best first, never crossed.

Strategies and the shared controls both end with `tidy`, so whatever they computed in
floats or shifted by skew leaves as orders the exchange accepts and that cannot trade
against each other.
"""
from .book import Book
from .quotes import BUY, SELL, Quote


def snap(q: Quote, book: Book) -> Quote | None:
    """`q` with its price on the grid (bids down, asks up) and its size on the step;
    None when the size falls under the minimum."""
    price = book.spec.floor_tick(q.price) if q.side == BUY else book.spec.ceil_tick(q.price)
    qty = book.spec.floor_step(q.qty)
    if not qty:
        return None
    return Quote(q.side, price, qty, q.symbol, q.tif)


def best_first(quotes: list[Quote], side: str) -> list[Quote]:
    mine = [q for q in quotes if q.side == side]
    return sorted(mine, key=(lambda q: -q.price) if side == BUY else (lambda q: q.price))


def tidy(quotes: list[Quote], book: Book) -> list[Quote]:
    """Resting quotes of `book`'s symbol snapped and sorted: bids best first, then asks best
    first; a bid at or above the lowest ask is dropped (the asks stand, as in reconcile)."""
    snapped = [s for s in (snap(q, book) for q in quotes) if s is not None]
    bids, asks = best_first(snapped, BUY), best_first(snapped, SELL)
    if asks:
        bids = [q for q in bids if q.price < asks[0].price]
    return bids + asks


def level(book: Book, side: str, fair: int, offset: float) -> int:
    """The grid price `offset` price units away from `fair` on the passive side: below for
    a bid, above for an ask. Integer arithmetic: prices can exceed a float's exact range."""
    off = int(offset)
    if side == BUY:
        return book.spec.floor_tick(fair - off)
    return book.spec.ceil_tick(fair + off)
