"""What the screen shows, as plain data built off the UI thread from one journal point.

Widgets render a MarketView; they never touch the exchange or the database.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from souq.db import queries as Q
from souq.engine.model import BUY
from souq.engine.numbers import fmt, fmt_amount
from souq.mm.display import Figures
from souq.mm.pnl import Position, position


@dataclass(frozen=True)
class Level:
    price: str
    qty: str
    cum: str
    orders: int
    own: bool          # the acting user has an order at this price
    fill: float        # cumulative size as a share of the deepest side, for depth bars


@dataclass(frozen=True)
class MarketView:
    seq: int                                   # journal point this view was built at
    symbol: str
    symbols: tuple[str, ...]
    user: str
    users: tuple[str, ...]
    session: str                               # open | closed | continuous | inactive
    tick: str
    step: str
    bids: tuple[Level, ...] = ()
    asks: tuple[Level, ...] = ()
    spread: str | None = None
    mid: str | None = None
    last: str | None = None
    trades: tuple[dict, ...] = ()              # newest first
    orders: tuple[dict, ...] = ()              # the acting user's: open, then finished,
                                               # newest first in each; "placed_ts" added
    wallets: tuple[dict, ...] = ()
    prices: tuple[tuple[int, str, str], ...] = ()  # (ts, price, qty) oldest first, for the chart
    group: int = 1                             # ticks per displayed price level
    base: str = ""
    quote: str = ""
    position: Position | None = None           # the acting user's, in this symbol
    figures: Figures = field(default_factory=lambda: Figures(()))   # how numbers read
    taker_fee: str = "0"                       # this symbol's taker fee rate, e.g. "0.002"
    all_orders: bool = False                   # orders of every symbol, not only this one
    seq_ts: int = 0                            # when the entry at `seq` was committed (ns)
    min_qty: str = "0"                         # the symbol's smallest order quantity
    band: tuple[str, str] | None = None        # the daily band's (low, high) prices, if any
    ref: str | None = None                     # the band's reference price
    valued_at: str = "mid"                     # what `position` is marked at (position_mark)
    extra: dict = field(default_factory=dict)

    def price(self, value) -> str:
        """A price of this symbol as people read it (tick decimals, grouped)."""
        return self.figures.price(self.symbol, value)

    def qty(self, value) -> str:
        return self.figures.qty(self.symbol, value)

    def money(self, asset: str, value) -> str:
        return self.figures.money(asset, value)


class Tape:
    """The newest TAPE trades of one symbol and the user's trades in it, read incrementally:
    each view reads only the trades committed since the last view, not the last 200 again.
    Trades never change once written, so what was read stays true."""

    def __init__(self) -> None:
        self.key: tuple | None = None
        self.market: list[dict] = []        # oldest first
        self.mine: list[dict] = []          # oldest first, every one (for the position)
        self.last: int | None = None        # the newest trade id read for this symbol

    def read(self, conn, symbol: str, user: str) -> tuple[list[dict], list[dict]]:
        if self.key != (symbol, user):
            self.key = (symbol, user)
            self.market = Q.trades(conn, symbol=symbol, limit=TAPE)
            self.mine = Q.trades(conn, user=user, symbol=symbol)
        else:
            new = Q.trades(conn, symbol=symbol, after=self.last)
            if new:
                self.market = (self.market + new)[-TAPE:]
                self.mine = self.mine + [t for t in new
                                         if user in (t["maker_user"], t["taker_user"])]
        self.last = self.market[-1]["id"] if self.market else 0
        return self.market, self.mine


TAPE = 200


def build_view(ex, conn, symbol: str, user: str, depth: int = 20, group: int = 1,
               tape: Tape | None = None, all_orders: bool = False) -> MarketView:
    """Read the in-memory exchange `ex` (db.api.Api.exchange(), already refreshed) and the
    projections through `conn`."""
    symbols = tuple(sorted(ex.symbols))
    users = tuple(sorted(n for n in ex.users if not n.startswith("@") or n == "@operator"))
    s = ex.symbols.get(symbol)
    if s is None:
        return MarketView(ex.seq, symbol, symbols, user, users, "unknown", "", "")
    session = ("inactive" if not s.active else "continuous" if not s.sessions
               else "open" if s.open else "closed")
    u = ex.users.get(user)
    own_prices = set()
    if u is not None:
        own_prices = {(o.side, o.price) for o in u.open_orders()
                      if o.sym is s and o.price is not None}
    spec = s.spec
    bids = _levels(s.bids, BUY, own_prices, depth, spec.tick * group)
    asks = _levels(s.asks, "sell", own_prices, depth, spec.tick * group)
    deepest = max([Decimal(x.cum) for x in bids[-1:] + asks[-1:]] or [Decimal(1)]) or Decimal(1)
    bids = tuple(_with_fill(x, deepest) for x in bids)
    asks = tuple(_with_fill(x, deepest) for x in asks)
    spread = mid = None
    if s.bids and s.asks:
        b, a = s.bids.peekitem(0)[1].price, s.asks.peekitem(0)[1].price
        spread, mid = fmt(a - b), fmt((a + b) // 2)
    if tape is None:
        market, mine = Q.trades(conn, symbol=symbol, limit=TAPE), None
    else:
        market, mine = tape.read(conn, symbol, user)
    trades = tuple(reversed(market))
    orders = order_rows(conn, user, None if all_orders else symbol) if u else ()
    wallets = tuple({"asset": a, "balance": fmt_amount(w[0] + w[1]), "hold": fmt_amount(w[1]),
                     "available": fmt_amount(w[0])} for a, w in sorted(u.wallets.items())) if u else ()
    prices = tuple((t["ts"], t["price"], t["qty"]) for t in reversed(trades))
    pos = None
    mark, valued_at = position_mark(s, mid)
    if u is not None:
        if mine is None:
            mine = Q.trades(conn, user=user, symbol=symbol)
        pos = position(mine, user, mark)
    return MarketView(ex.seq, symbol, symbols, user, users, session, fmt(spec.tick),
                      fmt(spec.step), bids, asks, spread, mid,
                      None if s.last is None else fmt(s.last), trades, orders, wallets, prices,
                      group, spec.base, spec.quote, pos, figures_of(ex), fmt(spec.taker),
                      all_orders, ex.ts, fmt(spec.min_qty), _band(spec),
                      None if spec.ref is None else fmt(spec.ref), valued_at)


def position_mark(s, mid: str | None) -> tuple[Decimal | None, str]:
    """The price the Wallets pane values a position at, and what it is: the mid of the
    best bid and ask as the book shows them; with a side empty the last trade, saying so;
    with no trade either, nothing."""
    if mid is not None:
        return Decimal(mid), "mid"
    if s.last is not None:
        empty = "bids" if not s.bids else "asks"
        return Decimal(fmt(s.last)), f"last trade (no {empty})"
    return None, ""


def _band(s) -> tuple[str, str] | None:
    limits = s.band_limits()
    return None if not limits else (fmt(limits[0]), fmt(limits[1]))


ORDERS = 200        # the newest orders the Orders pane holds


def order_rows(conn, user: str, symbol: str | None) -> tuple[dict, ...]:
    """The user's newest ORDERS orders (of `symbol`, or every symbol with None): open ones
    first, then the finished, each newest first, with "placed_ts" (ns) from the journal
    (an order's id is the seq of the command that placed it)."""
    rows = Q.orders(conn, user=user, symbol=symbol, limit=ORDERS)
    placed = Q.journal_times(conn, (o["id"] for o in rows))
    rows = [{**o, "placed_ts": placed.get(o["id"])} for o in reversed(rows)]
    return tuple(sorted(rows, key=lambda o: o["status"] not in Q.OPEN))


def figures_of(ex) -> Figures:
    """How every symbol's and asset's numbers read, from the exchange's symbols."""
    return Figures([{"name": n, "tick_size": fmt(x.spec.tick), "qty_step": fmt(x.spec.step),
                     "base": x.spec.base, "quote": x.spec.quote} for n, x in ex.symbols.items()])


def _levels(book, side, own_prices, depth, bucket) -> list[Level]:
    """Best `depth` levels, grouped to multiples of `bucket` price units."""
    grouped: dict[int, list] = {}
    for level in book.values():
        # bids round down and asks round up, so a group never looks better than its orders
        key = level.price // bucket if side == BUY else -(-level.price // bucket)
        if len(grouped) >= depth and key not in grouped:
            break
        g = grouped.setdefault(key, [0, 0, False])
        g[0] += level.total
        g[1] += level.count
        g[2] = g[2] or (side, level.price) in own_prices
    out, cum = [], 0
    for key, (qty, n, own) in grouped.items():
        cum += qty
        out.append(Level(fmt(key * bucket), fmt(qty), fmt(cum), n, own, 0.0))
    return out[:depth]


def _with_fill(level: Level, deepest: Decimal) -> Level:
    return Level(level.price, level.qty, level.cum, level.orders, level.own,
                 float(Decimal(level.cum) / deepest))
