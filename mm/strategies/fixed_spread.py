"""Fixed spread: one bid and one ask at set distances from fair, symmetric or not.

The plainest market maker, and the baseline the others are measured against. Inventory
skew comes from the shared control (`skew_mode`): at full inventory the quotes move by half
the spread, so the reducing side sits at fair.
"""
from souq.mm.desk.book import bps
from souq.mm.desk.controls import skew
from souq.mm.desk.quotes import Context, Quote
from souq.mm.desk.strategy import Strategy

from .common import order_amount, pair, spread


class FixedSpread(Strategy):
    template = "fixed_spread"
    summary = "one bid and one ask at fixed distances from fair"
    PARAMS = (
        spread("bid_spread_bps", "10", "distance of the bid below fair"),
        spread("ask_spread_bps", "10", "distance of the ask above fair"),
        order_amount(),
    )

    def decide(self, ctx: Context) -> list[Quote]:
        if ctx.fair is None:
            return []
        p, fair = self.p, ctx.fair
        bid_off, ask_off = bps(fair, p.bid_spread_bps), bps(fair, p.ask_spread_bps)
        quotes = pair(ctx.book, fair, bid_off, ask_off, p.order_amount)
        return skew(quotes, ctx.book, ctx.ratio, p.skew_mode, (bid_off + ask_off) // 2)
