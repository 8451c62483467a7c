"""Ping-pong: after a fill on one side, quote only the other side until it fills.

Each buy is paired with a sell (and the reverse), so the strategy earns the spread in
round trips and never builds a position from repeated fills on one side. A second fill on
the side that already filled keeps waiting for the other side; a fill on the awaited side
brings both sides back.
"""
from souq.mm.desk.book import bps
from souq.mm.desk.controls import skew
from souq.mm.desk.quotes import BUY, SELL, Context, Fill, Quote
from souq.mm.desk.strategy import Strategy

from .common import order_amount, pair, spread


class PingPong(Strategy):
    template = "ping_pong"
    summary = "after a fill on one side, quote only the other side until it fills"
    PARAMS = (
        spread("spread_bps", "10", "distance of each quote from fair"),
        order_amount(),
    )

    def __init__(self, params: dict[str, str]) -> None:
        super().__init__(params)
        self.waiting: str | None = None      # the only side quoted, or None for both

    def on_fill(self, fill: Fill, ctx: Context) -> None:
        if fill.symbol != ctx.book.spec.name:
            return
        if self.waiting is None:
            self.waiting = SELL if fill.side == BUY else BUY
        elif fill.side == self.waiting:
            self.waiting = None

    def decide(self, ctx: Context) -> list[Quote]:
        if ctx.fair is None:
            return []
        p, fair = self.p, ctx.fair
        off = bps(fair, p.spread_bps)
        quotes = pair(ctx.book, fair, off, off, p.order_amount)
        if self.waiting is not None:
            quotes = [q for q in quotes if q.side == self.waiting]
        return skew(quotes, ctx.book, ctx.ratio, p.skew_mode, off)
