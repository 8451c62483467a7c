"""Hand-built books, contexts and quotes for the strategy and control tests, written as
decimal strings so the expected quotes read like prices."""
from souq.engine.numbers import fmt, parse_fixed
from souq.engine.symbols import SymbolSpec
from souq.mm.desk.book import Book
from souq.mm.desk.quotes import BUY, SELL, Context, Fill, Live, Quote

S = 1_000_000_000     # one second, ns


def u(text: str) -> int:
    """Engine units (1e-9) of a decimal string, negative allowed."""
    if text.startswith("-"):
        return -parse_fixed(text[1:], 9, text, positive=False)
    return parse_fixed(text, 9, text, positive=False)


def book(bids=(), asks=(), *, tick="0.01", step="0.001", min_qty="0.001", max_qty=None,
         maker="0", band="0", ref=None, symbol="ETH-USDT") -> Book:
    """A Book of ETH-USDT (or `symbol`); `band` (a rate) with `ref` sets a daily band."""
    spec = SymbolSpec(symbol, "ETH", "USDT", u(tick), u(step), u(min_qty),
                      None if max_qty is None else u(max_qty), u(band),
                      None if ref is None else u(ref), u(maker), u(maker))
    return Book(spec, tuple((u(p), u(q)) for p, q in bids),
                tuple((u(p), u(q)) for p, q in asks), None, True)


def ctx(bk: Book, fair: str | None, *, inventory="0", target="0", max_inventory="1", now=0,
        live=()) -> Context:
    return Context(now, bk, {bk.spec.name: bk}, None if fair is None else u(fair), u(inventory),
                   u(target), u(max_inventory), tuple(live))


def quote(side: str, price: str, qty: str, tif: str = "gtc", symbol=None) -> Quote:
    return Quote(side, u(price), u(qty), symbol, tif)


def live(cid: str, side: str, price: str, qty: str, remaining: str | None = None,
         symbol="ETH-USDT") -> Live:
    return Live(cid, symbol, side, u(price), u(qty), u(remaining or qty), 0)


def fill(side: str, price: str, qty: str, *, ts=0, cid="c1", fee="0",
         symbol="ETH-USDT") -> Fill:
    return Fill(ts, symbol, side, u(price), u(qty), parse_fixed(fee, 18, fee, positive=False),
                cid)


def shown(quotes) -> list[tuple]:
    """Quotes as (side, price, qty) text, with the tif and symbol when not the defaults."""
    out = []
    for q in quotes:
        row = (q.side, fmt(q.price), fmt(q.qty))
        if q.tif != "gtc" or q.symbol is not None:
            row += (q.tif, q.symbol)
        out.append(row)
    return out


def well_formed(quotes, bk: Book) -> None:
    """Every quote on the grid and the step; the resting ones bids then asks, best first,
    every bid below every ask."""
    for q in quotes:
        assert q.price % bk.spec.tick == 0 and bk.spec.price_range()[0] <= q.price
        assert q.qty % bk.spec.step == 0 and q.qty >= bk.spec.min_qty
    resting = [q for q in quotes if q.tif == "gtc"]
    bids = [q.price for q in resting if q.side == BUY]
    asks = [q.price for q in resting if q.side == SELL]
    assert [q.side for q in resting] == [BUY] * len(bids) + [SELL] * len(asks)
    assert bids == sorted(bids, reverse=True) and asks == sorted(asks)
    if bids and asks:
        assert max(bids) < min(asks)
