"""Ticker statistics of a symbol over a trailing window, from the trades projection."""
from decimal import Decimal

from sqlalchemy import desc, select

from . import queries as Q
from . import schema as S

DAY_NS = 24 * 3600 * 10**9


def ticker(conn, symbol: str, now_ns: int, window_ns: int = DAY_NS) -> dict:
    """last, best bid and ask, and over the window: open (first trade's price), high, low,
    volume (base quantity), quote volume and change (last - open, and in percent of open,
    2 dp). Prices and amounts are decimal strings; None where there is nothing to say."""
    T = S.TradeRow
    rows = conn.execute(select(T.price, T.qty).where(T.symbol == symbol, T.ts >= now_ns - window_ns)
                        .order_by(T.id)).all()
    last = conn.execute(select(T.price).where(T.symbol == symbol).order_by(desc(T.id))
                        .limit(1)).scalar()
    book = Q.book(conn, symbol, 1)
    out = {"symbol": symbol, "last": last,
           "bid": book["bids"][0]["price"] if book["bids"] else None,
           "ask": book["asks"][0]["price"] if book["asks"] else None,
           "open": None, "high": None, "low": None, "volume": "0", "quote_volume": "0",
           "change": None, "change_percent": None}
    if rows:
        prices = [Decimal(p) for p, _ in rows]
        volume = sum((Decimal(q) for _, q in rows), Decimal(0))
        quote = sum((Decimal(p) * Decimal(q) for p, q in rows), Decimal(0))
        first, final = prices[0], prices[-1]
        out.update(open=Q._plain(first), high=Q._plain(max(prices)), low=Q._plain(min(prices)),
                   volume=Q._plain(volume), quote_volume=Q._plain(quote),
                   change=Q._plain(final - first),
                   change_percent=format(((final - first) * 100 / first).quantize(Decimal("0.01")), "f"))
    return out
