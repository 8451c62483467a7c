"""Layered orders: N levels per side, each farther from fair and larger than the last.

Level i (0 first) sits `level_spread_bps + i x level_step_bps` from fair and is sized
`order_amount x (size_first + i x size_step)`; the defaults are the classic ladder of
0.5, 1.0, 1.5 and 2.0 at 5, 10, 15 and 20 bps. Deeper levels catch larger moves at a
better price. Two levels that land on one grid price are kept apart: the deeper one steps
a tick farther. Inventory skew (`skew_mode`) moves the whole ladder by up to the first
level's distance.
"""
from souq.mm.desk.book import bps
from souq.mm.desk.controls import skew
from souq.mm.desk.params import INT, NUMBER, Param
from souq.mm.desk.quotes import BUY, SELL, Context, Quote
from souq.mm.desk.shape import level
from souq.mm.desk.strategy import Strategy

from .common import order_amount, spread


class Layered(Strategy):
    template = "layered"
    summary = "N levels per side with growing spreads and sizes"
    PARAMS = (
        Param("levels", INT, "4", "levels per side", lo="1", hi="20"),
        spread("level_spread_bps", "5", "distance of the first level from fair"),
        spread("level_step_bps", "5", "extra distance of each further level"),
        order_amount("1"),
        Param("size_first", NUMBER, "0.5", "first level's size, times order_amount",
              lo="0", hi="100"),
        Param("size_step", NUMBER, "0.5", "added to the size multiplier at each further "
              "level", lo="0", hi="100"),
    )

    def decide(self, ctx: Context) -> list[Quote]:
        if ctx.fair is None:
            return []
        p, fair, book = self.p, ctx.fair, ctx.book
        quotes = []
        for side in (BUY, SELL):
            away = -book.spec.tick if side == BUY else book.spec.tick
            prev = None
            for i in range(p.levels):
                off = bps(fair, p.level_spread_bps + i * p.level_step_bps)
                price = level(book, side, fair, off)
                if prev is not None and (price - prev) * away <= 0:
                    price = prev + away
                prev = price
                qty = int(p.order_amount * (p.size_first + i * p.size_step))
                quotes.append(Quote(side, price, qty))
        shift = bps(fair, p.level_spread_bps)
        return skew(quotes, book, ctx.ratio, p.skew_mode, shift)
