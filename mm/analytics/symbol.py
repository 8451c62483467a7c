"""Market analysis of one symbol, gathered: the book now, the trades and the top of book
through time in; JSON-ready values out (prices and quantities as decimal strings, money
at 1e-18 as decimal strings, statistics as rounded floats in whole units)."""
from souq.engine.numbers import PRICE_SCALE

from . import indicators as I
from . import market as M
from .figures import money, price, ratio_of


def analyse(book, prices: list[int], tops, size: int) -> dict:
    """`book` a Book, `prices` the trade prices oldest first (1e-9), `tops` Top samples,
    `size` the quantity (1e-9) to price a market order of."""
    mids = [t.mid for t in tops if t.mid is not None]
    close = [p / PRICE_SCALE for p in prices]
    last = lambda xs: xs[-1] if xs else None   # noqa: E731
    boll = last(I.bollinger(close))
    return {
        "symbol": book.spec.name,
        "bid": price(book.bid), "ask": price(book.ask), "mid": price(book.mid),
        "spread": price(book.spread), "microprice": price(M.microprice(book)),
        "last": price(book.last),
        "depth": {side: [{"price": price(p), "qty": price(q), "notional": money(n)}
                         for p, q, n in M.depth_curve(book, side)]
                  for side in ("buy", "sell")},
        "cost": {side: _cost(M.cost_to_trade(book, side, size)) for side in ("buy", "sell")},
        "size": price(size),
        "samples": len(tops),
        "spread_stats": _units(M.spread_stats(tops)),
        "depth_stats": {k: _units(v) for k, v in M.depth_stats(tops).items()},
        "resiliency": _resiliency(M.resiliency(tops)),
        "ofi": price(sum(M.ofi(tops))),
        "trades": len(prices),
        "realised_volatility": ratio_of(I.realised_volatility(mids)),
        "roll_spread": ratio_of(_whole(I.roll_spread(prices))),
        "sma_20": ratio_of(last(I.sma(close, 20))),
        "sma_50": ratio_of(last(I.sma(close, 50))),
        "rsi_14": ratio_of(last(I.rsi(close, 14))),
        "bollinger_20": None if boll is None else [ratio_of(v) for v in boll],
    }


def _cost(c: dict) -> dict:
    return {"filled": price(c["filled"]), "notional": money(c["notional"]),
            "avg_price": price(c["avg_price"]), "slippage": price(c["slippage"]),
            "slippage_bps": ratio_of(c["slippage_bps"]), "levels": c["levels"],
            "complete": c["complete"]}


def _whole(v):
    return None if v is None else v / PRICE_SCALE


def _units(stats: dict) -> dict:
    """Price or quantity statistics (1e-9) in whole units."""
    return {k: (v if k == "samples" else ratio_of(_whole(v))) for k, v in stats.items()}


def _resiliency(r: dict) -> dict:
    return {**r, "normal": ratio_of(_whole(r["normal"])), "mean_s": ratio_of(r["mean_s"]),
            "max_s": ratio_of(r["max_s"])}
