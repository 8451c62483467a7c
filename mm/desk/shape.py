"""The last step of every quote list: on the grid, on the step, best first, never crossed.

Strategies and the shared controls both end with `tidy`, so whatever they computed in
floats or shifted by skew leaves as orders the exchange accepts and that cannot trade
against each other.
"""
from operator import attrgetter

from .book import Book
from .quotes import BUY, SELL, Quote

_PRICE = attrgetter("price")      # a sort key in C: no closure made per call


def snap(q: Quote, book: Book) -> Quote | None:
    """`q` with its price on the grid (bids down, asks up) and its size on the step;
    None when the size falls under the minimum. `q` itself when it is already there (a
    record is immutable: an equal one need not be made)."""
    spec = book.spec
    price = spec.floor_tick(q.price) if q.side == BUY else spec.ceil_tick(q.price)
    qty = spec.floor_step(q.qty)
    if not qty:
        return None
    if price == q.price and qty == q.qty:
        return q
    return Quote(q.side, price, qty, q.symbol, q.tif)


def best_first(quotes: list[Quote], side: str) -> list[Quote]:
    """The quotes of `side`, best price first (bids high to low, asks low to high); equal
    prices keep their order (sorted is stable, reversed too)."""
    mine = [q for q in quotes if q.side == side]
    if len(mine) < 2:
        return mine
    return sorted(mine, key=_PRICE, reverse=side == BUY)


def tidy(quotes: list[Quote], book: Book) -> list[Quote]:
    """Resting quotes of `book`'s symbol snapped and sorted: bids best first, then asks best
    first; a bid at or above the lowest ask is dropped (the asks stand, as in reconcile)."""
    snapped = []
    for q in quotes:            # a plain loop: no generator per call
        s = snap(q, book)
        if s is not None:
            snapped.append(s)
    bids, asks = best_first(snapped, BUY), best_first(snapped, SELL)
    if asks and bids:
        low = asks[0].price
        bids = [q for q in bids if q.price < low]
    return bids + asks


def level(book: Book, side: str, fair: int, offset: float) -> int:
    """The grid price `offset` price units away from `fair` on the passive side: below for
    a bid, above for an ask. Integer arithmetic: prices can exceed a float's exact range."""
    off = int(offset)
    if side == BUY:
        return book.spec.floor_tick(fair - off)
    return book.spec.ceil_tick(fair + off)
