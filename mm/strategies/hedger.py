"""A hedger: quote a fixed spread on its own symbol, and when the open position grows past
a share of the maximum, offload part of it at once on another symbol.

The exposure is the position on the own symbol (Context.inventory, away from the target)
plus what the hedges themselves bought or sold (counted from their fills, divided by
`hedge_ratio`), so one hedge is not sent again and again: it needs a cooldown and the
exposure still past the threshold.
"""
from decimal import Decimal

from souq.mm.desk.book import Book, bps
from souq.mm.desk.params import BPS, NUMBER, QTY, RATIO, SECONDS, TEXT, BadParam, Param
from souq.mm.desk.quotes import BUY, SELL, Context, Fill, Quote
from souq.mm.desk.strategy import Strategy

from .quoting import lot, two_sided


class Hedger(Strategy):
    template = "hedger"
    summary = "fixed spread, hedging part of the position on another symbol past a threshold"
    PARAMS = (
        Param("bid_spread", BPS, "10", "distance of the bid below fair", lo="0", hi="10000"),
        Param("ask_spread", BPS, "10", "distance of the ask above fair", lo="0", hi="10000"),
        Param("order_amount", QTY, "0.1", "size of each quote", lo="0.000000001"),
        Param("hedge_symbol", TEXT, "", "symbol the hedges trade on (required)"),
        Param("hedge_threshold", RATIO, "0.8", "hedge once the exposure reaches this share "
              "of max_inventory", lo="0", hi="1"),
        Param("hedge_fraction", RATIO, "0.5", "share of the exposure each hedge offloads",
              lo="0", hi="1"),
        Param("hedge_ratio", NUMBER, "1", "hedge-symbol units per unit of own inventory "
              "(1 for the same asset on another market)", lo="0.000001", hi="1000000"),
        Param("hedge_slippage", BPS, "50", "how far through the hedge book's touch the "
              "immediate order may trade", lo="0", hi="10000"),
        Param("hedge_cooldown", SECONDS, "5", "least time between two hedges", lo="0",
              hi="3600"),
    )

    def __init__(self, params: dict[str, str]) -> None:
        super().__init__(params)
        if not self.p.hedge_symbol:
            raise BadParam("hedge_symbol: the hedger needs a symbol to hedge on")
        self.hedged = 0                   # net base bought on the hedge symbol
        self.last_hedge: int | None = None

    def on_fill(self, fill: Fill, ctx: Context) -> None:
        if fill.symbol == self.p.hedge_symbol:
            self.hedged += fill.qty if fill.side == BUY else -fill.qty

    def exposure(self, ctx: Context) -> Decimal:
        """Own position away from target, net of the hedges, in own base units (1e-9).

        The runner's inventory is the change of the wallet's total of the own base asset.
        A hedge on the same asset in the same wallet (ETH-USDT hedged on ETH-USDC at one
        venue: `ctx.same_wallet`) already moved that total, so it is not added a second
        time; a hedge in another asset (WETH, BTC) or at another venue is added through
        hedge_ratio."""
        if self.p.hedge_symbol in ctx.same_wallet:
            return Decimal(ctx.inventory - ctx.target)
        return ctx.inventory - ctx.target + self.hedged / _exact(self.p.hedge_ratio)

    def decide(self, ctx: Context) -> list[Quote]:
        out = []
        hedge = self.hedge(ctx)
        if hedge is not None:
            out.append(hedge)
        book = ctx.book
        fair = ctx.fair if ctx.fair is not None else ctx.market.mid
        if fair is not None and book.tradable:
            bid = fair - bps(fair, self.p.bid_spread)
            ask = fair + bps(fair, self.p.ask_spread)
            out += two_sided(book, bid, ask, lot(book, self.p.order_amount))
        return out

    def hedge(self, ctx: Context) -> Quote | None:
        """The immediate order offloading hedge_fraction of the exposure, when due."""
        p = self.p
        if ctx.max_inventory <= 0:
            return None
        if self.last_hedge is not None and ctx.now - self.last_hedge < p.hedge_cooldown:
            return None
        x = self.exposure(ctx)
        if abs(x) < _exact(p.hedge_threshold) * ctx.max_inventory:
            return None
        hb = ctx.books.get(p.hedge_symbol)
        if hb is None or not hb.tradable:
            return None
        size = abs(x) * _exact(p.hedge_fraction) * _exact(p.hedge_ratio)
        qty = hb.spec.floor_step(int(size))
        side = SELL if x > 0 else BUY
        price = through_touch(hb, side, p.hedge_slippage)
        if not qty or price is None:
            return None
        self.last_hedge = ctx.now
        return Quote(side, price, qty, symbol=hb.spec.name, tif="ioc")


def _exact(value: float) -> Decimal:
    """A ratio parameter back as the decimal that was typed (floats print shortest), so
    thresholds and hedge sizes on quantities are exact."""
    return Decimal(repr(value))


def through_touch(book: Book, side: str, slippage_bps: float) -> int | None:
    """The limit of an immediate order: the opposite touch moved `slippage_bps` against us,
    on the grid and never further (a sell's limit rounds up, a buy's down)."""
    if side == SELL:
        touch = book.bid
        return None if touch is None else book.spec.ceil_tick(touch - bps(touch, slippage_bps))
    touch = book.ask
    return None if touch is None else book.spec.floor_tick(touch + bps(touch, slippage_bps))
