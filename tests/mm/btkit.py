"""Shared by the backtest tests: a strategy that rests fixed quotes; the market-data
events themselves are mm.marketdata.events."""
from souq.mm.desk.params import PRICE, QTY, SECONDS, Param
from souq.mm.desk.quotes import BUY, SELL, Quote
from souq.mm.desk.strategy import Strategy

P = 10**9          # 1 at 1e-9
S = 10**9          # 1 s in ns


class Fixed(Strategy):
    """A bid and/or an ask at fixed prices for `size` in all, placed once: what fills is
    not replaced; everything is cancelled from `until` on (0: never)."""
    template = "bt_fixed"
    summary = "test only: fixed resting quotes"
    PARAMS = (
        Param("bid", PRICE, "0", "bid price (0: none)", lo="0"),
        Param("ask", PRICE, "0", "ask price (0: none)", lo="0"),
        Param("size", QTY, "1", "size of each quote", lo="0"),
        Param("until", SECONDS, "0", "cancel everything from this time on (0: never)", lo="0"),
    )

    def __init__(self, params):
        super().__init__(params)
        self.left = {BUY: self.p.size, SELL: self.p.size}

    def on_fill(self, fill, ctx):
        self.left[fill.side] -= fill.qty

    def decide(self, ctx):
        p = self.p
        if p.until and ctx.now - ctx.started >= p.until:
            return []
        out = []
        for side, price in ((BUY, p.bid), (SELL, p.ask)):
            if price and self.left[side] > 0:
                out.append(Quote(side, price, self.left[side]))
        return out


def cfg(**params) -> dict:
    base = {"order_refresh_time": "0", "max_inventory": "100", "max_order_size": "100",
            "stale_after": "0"}
    return {"name": "fx", "version": 1, "template": "bt_fixed", "symbol": "ETH-USDT",
            "user": "mm-bt", "params": base | {k: str(v) for k, v in params.items()}}
