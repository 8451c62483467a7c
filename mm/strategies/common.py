"""Pieces the simple quoting templates share: the order size parameter and a bid/ask pair
placed at distances from fair."""
from souq.mm.desk.book import Book
from souq.mm.desk.params import BPS, QTY, Param
from souq.mm.desk.quotes import BUY, SELL, Quote
from souq.mm.desk.shape import level


def order_amount(default: str = "0.1") -> Param:
    return Param("order_amount", QTY, default, "size of each quote", lo="0")


def spread(name: str, default: str, help: str) -> Param:
    return Param(name, BPS, default, help, lo="0", hi="5000")


def pair(book: Book, fair: int, bid_off: int, ask_off: int, qty: int) -> list[Quote]:
    """A bid `bid_off` below and an ask `ask_off` above fair (price units), on the grid;
    when both land on one price the ask steps up a tick, so they never touch."""
    bid, ask = level(book, BUY, fair, bid_off), level(book, SELL, fair, ask_off)
    if ask <= bid:
        ask = book.spec.ceil_tick(bid + book.spec.tick)
    return [Quote(BUY, bid, qty), Quote(SELL, ask, qty)]
