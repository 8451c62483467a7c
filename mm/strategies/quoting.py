"""Putting a model's prices on the grid: what every template of this family shares.

Models think in floats; orders live on the symbol's grid. Bids round down and asks up (so
rounding never narrows the spread the model asked for), neither crosses the book's opposite
touch (a quote rests, it never takes) nor our own other side.
"""
import math

from souq.mm.desk.book import Book
from souq.mm.desk.quotes import BUY, SELL, Quote


def lot(book: Book, amount: int) -> int:
    """`amount` on the symbol's step, and at least its minimum quantity."""
    qty = book.spec.floor_step(amount)
    if qty:
        return qty
    return -(-book.spec.min_qty // book.spec.step) * book.spec.step


def rest_bid(book: Book, bid: float) -> int:
    """A bid on the grid (rounded down), below the best ask."""
    b = book.spec.floor_tick(bid)
    if book.ask is not None and b >= book.ask:
        b = book.spec.floor_tick(book.ask - book.spec.tick)
    return b


def rest_ask(book: Book, ask: float) -> int:
    """An ask on the grid (rounded up), above the best bid."""
    a = book.spec.ceil_tick(ask)
    if book.bid is not None and a <= book.bid:
        a = book.spec.ceil_tick(book.bid + book.spec.tick)
    return a


def passive_pair(book: Book, bid: float, ask: float) -> tuple[int, int]:
    """(bid, ask) resting on the grid, and the bid below the ask."""
    b, a = rest_bid(book, bid), rest_ask(book, ask)
    if a <= b:
        a = book.spec.ceil_tick(b + book.spec.tick)
        if a <= b:                        # pinned at the band's top: step the bid down
            b = book.spec.floor_tick(a - book.spec.tick)
    return b, a


def two_sided(book: Book, bid: float, ask: float, qty: int) -> list[Quote]:
    """A bid and an ask of `qty` at the model's prices, snapped by `passive_pair`.
    A side the model prices at infinity (closed: no more inventory that way) is left out."""
    if math.isfinite(bid) and math.isfinite(ask):
        b, a = passive_pair(book, bid, ask)
        return [Quote(BUY, b, qty), Quote(SELL, a, qty)] if b < a else []
    if math.isfinite(bid):
        return [Quote(BUY, rest_bid(book, bid), qty)]
    if math.isfinite(ask):
        return [Quote(SELL, rest_ask(book, ask), qty)]
    return []
