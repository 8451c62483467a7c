"""The backtest exchange as the strategy reads it on the aggregate fast path
(mm/backtest/aggregate.py): the replayed symbol's book and mark from the engine and the
aggregate levels together."""
from souq.engine.model import BUY, SELL
from souq.mm.desk.book import Book
from souq.mm.desk.mark import mark
from souq.mm.venue.local import LocalVenue

from .aggregate import AggregateReplay


class AggregateVenue(LocalVenue):
    """The backtest exchange as the strategy reads it: the replayed symbol's book and
    mark from the engine and the aggregate levels together (`replay`), every other
    symbol and everything else from the engine, as LocalVenue does."""

    def __init__(self, exchange, on_trades, replay: AggregateReplay) -> None:
        super().__init__(exchange, on_trades)
        self.replay = replay

    def book(self, symbol: str, depth: int):
        r = self.replay
        if symbol != r.symbol:
            return super().book(symbol, depth)
        sym = r.sym
        return Book(sym.spec, r.depth(BUY, depth), r.depth(SELL, depth), sym.last,
                    sym.active and sym.open)

    def mark(self, symbol: str, user: str) -> int | None:
        r = self.replay
        if symbol != r.symbol:
            return super().mark(symbol, user)
        return mark(r.mid(user), r.sym.last)
