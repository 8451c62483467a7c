"""Inventory skew: quotes shift and sizes tilt to pull the position back to its target.

With r = (inventory - target) / max_inventory (clamped to [-1, 1]) both quotes move by
-r x `skew_bps` of fair and the adding side's size shrinks by r x `size_tilt` while the
reducing side's grows by as much (`skew_mode` picks price, size, both or none; this
template defaults it to both, where the shared default is price). At or past
`inventory_warning_ratio` of the maximum the adding side is further cut to
`warning_size` of its size; at or past `inventory_critical_ratio` only the reducing side is
quoted. The ratios match the desk's inventory alerts (0.7 and 0.9).
"""
from dataclasses import replace

from souq.mm.desk.book import bps
from souq.mm.desk.controls import skew
from souq.mm.desk.params import RATIO, Param
from souq.mm.desk.quotes import BUY, SELL, Context, Quote
from souq.mm.desk.shape import tidy
from souq.mm.desk.strategy import Strategy

from .common import order_amount, pair, spread


class InventorySkew(Strategy):
    template = "inventory_skew"
    summary = "quotes shift and sizes tilt to pull inventory back to its target"
    PARAMS = (
        spread("spread_bps", "10", "distance of each quote from fair before skew"),
        order_amount(),
        spread("skew_bps", "10", "how far both quotes move at full inventory"),
        Param("size_tilt", RATIO, "0.5", "share by which sizes tilt at full inventory "
              "(adding side smaller, reducing side larger)", lo="0", hi="1"),
        Param("inventory_warning_ratio", RATIO, "0.7", "share of max_inventory from which "
              "the adding side is cut to warning_size", lo="0", hi="1"),
        Param("inventory_critical_ratio", RATIO, "0.9", "share of max_inventory from which "
              "only the reducing side is quoted", lo="0", hi="1"),
        Param("warning_size", RATIO, "0.5", "multiplier of the adding side's size past the "
              "warning ratio", lo="0", hi="1"),
    )

    @classmethod
    def spec(cls):
        return tuple(replace(p, default="both") if p.name == "skew_mode" else p
                     for p in super().spec())

    def decide(self, ctx: Context) -> list[Quote]:
        if ctx.fair is None:
            return []
        p, fair, book, r = self.p, ctx.fair, ctx.book, ctx.ratio
        off = bps(fair, p.spread_bps)
        quotes = pair(book, fair, off, off, p.order_amount)
        quotes = skew(quotes, book, r, p.skew_mode, bps(fair, p.skew_bps),
                      p.size_tilt)
        if not r:
            return quotes
        adding = BUY if r > 0 else SELL
        if abs(r) >= p.inventory_critical_ratio:
            return [q for q in quotes if q.side != adding]
        if abs(r) >= p.inventory_warning_ratio:
            cut = [Quote(q.side, q.price, int(q.qty * p.warning_size))
                   if q.side == adding else q for q in quotes]
            return tidy(cut, book)
        return quotes
