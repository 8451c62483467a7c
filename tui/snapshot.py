"""What the screen shows, as plain data built off the UI thread from one journal point.

Widgets render a ScreenView; they never touch the exchange or the database.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from souq.db import queries as Q
from souq.db.projection import trade_row
from souq.db.store import TRADE_COLS
from souq.engine.model import BUY
from souq.engine.numbers import fmt, fmt_amount
from souq.engine.symbols import SymbolSpec
from souq.mm.display import Figures
from souq.mm.pnl import Position, position
from souq.mm.view import MarketView, market_of

EMPTY = MarketView({}, {})


@dataclass(frozen=True)
class Level:
    price: str
    qty: str
    cum: str
    orders: int
    own: bool          # the acting user has an order at this price
    fill: float        # cumulative size as a share of the deepest side, for depth bars


@dataclass(frozen=True)
class ScreenView:
    """What the workstation shows of `symbol` for `user`, built around the one market view
    (`market`, mm.view.MarketView: every symbol's spec, top of book, last price and
    session, and `user`'s open orders); the rest is display text (decimal strings)."""
    seq: int                                   # journal point this view was built at
    symbol: str
    user: str
    users: tuple[str, ...]
    market: MarketView = EMPTY
    bids: tuple[Level, ...] = ()
    asks: tuple[Level, ...] = ()
    spread: str | None = None
    mid: str | None = None
    trades: tuple[dict, ...] = ()              # newest first
    orders: tuple[dict, ...] = ()              # the acting user's: open, then finished,
                                               # newest first in each; "placed_ts" added
    wallets: tuple[dict, ...] = ()
    prices: tuple[tuple[int, str, str], ...] = ()  # (ts, price, qty) oldest first, for the chart
    group: int = 1                             # ticks per displayed price level
    position: Position | None = None           # the acting user's, in this symbol
    figures: Figures = field(default_factory=lambda: Figures(()))   # how numbers read
    all_orders: bool = False                   # orders of every symbol, not only this one
    seq_ts: int = 0                            # when the entry at `seq` was committed (ns)
    valued_at: str = "mid"                     # what `position` is marked at (position_mark)
    extra: dict = field(default_factory=dict)

    # ------------------------------------------------ the symbol, from the market view
    @property
    def symbols(self) -> tuple[str, ...]:
        """Every symbol's name, sorted."""
        return tuple(self.market.symbols)

    @property
    def spec(self) -> SymbolSpec | None:
        """`symbol`'s specification; None for an unknown symbol."""
        sv = self.market.symbols.get(self.symbol)
        return None if sv is None else sv.spec

    @property
    def session(self) -> str:
        """open | closed | continuous | inactive, or unknown."""
        sv = self.market.symbols.get(self.symbol)
        return "unknown" if sv is None else sv.session

    @property
    def last(self) -> str | None:
        sv = self.market.symbols.get(self.symbol)
        return None if sv is None or sv.last is None else fmt(sv.last)

    @property
    def tick(self) -> str:
        return _text(self.spec, "tick", "")

    @property
    def step(self) -> str:
        return _text(self.spec, "step", "")

    @property
    def min_qty(self) -> str:
        return _text(self.spec, "min_qty", "0")

    @property
    def taker_fee(self) -> str:
        """This symbol's taker fee rate, e.g. "0.002"."""
        return _text(self.spec, "taker", "0")

    @property
    def ref(self) -> str | None:
        """The band's reference price."""
        return _text(self.spec, "ref", None)

    @property
    def base(self) -> str:
        return "" if self.spec is None else self.spec.base

    @property
    def quote(self) -> str:
        return "" if self.spec is None else self.spec.quote

    @property
    def band(self) -> tuple[str, str] | None:
        """The daily band's (low, high) prices, if any."""
        limits = None if self.spec is None else self.spec.band_limits()
        return None if not limits else (fmt(limits[0]), fmt(limits[1]))

    def price(self, value) -> str:
        """A price of this symbol as people read it (tick decimals, grouped)."""
        return self.figures.price(self.symbol, value)

    def qty(self, value) -> str:
        return self.figures.qty(self.symbol, value)

    def money(self, asset: str, value) -> str:
        return self.figures.money(asset, value)

    def balance(self, asset: str, value) -> str:
        """A ledger amount: never rounded below what the exchange holds (Figures.balance)."""
        return self.figures.balance(asset, value)


class Tape:
    """The newest TAPE trades of one symbol and the user's trades in it, kept up to date
    without reading back what this process applied: the store's trade listener hands
    each trade over as it is applied (`take`), and the database is read only when the
    symbol or user changes or when some trades were never handed over (the store
    reloaded after a failed write): then only the trades after the newest one held.
    Trades never change once written, so what was read stays true."""

    def __init__(self) -> None:
        self.key: tuple | None = None
        self.market: list[dict] = []        # oldest first
        self.mine: list[dict] = []          # oldest first, every one (for the position)
        self.last: int | None = None        # the newest trade id held for this symbol
        self.fed: int | None = None         # every trade up to this id is taken into account

    def take(self, trades) -> None:
        """Trades this process applied (engine.events.Trade, in id order, ids one apart:
        db.store's trade listener)."""
        if self.fed is None or not trades:
            return
        if trades[0][0] != self.fed + 1:    # some were never handed over: read them
            self.fed = None
            return
        self.fed = trades[-1][0]
        symbol, user = self.key
        new = [dict(zip(TRADE_COLS, trade_row(t))) for t in trades
               if t[3] == symbol and t[0] > self.last]
        if new:
            self._add(new, user)

    def read(self, conn, symbol: str, user: str, trade_seq: int | None = None
             ) -> tuple[list[dict], list[dict]]:
        """The symbol's newest trades and all the user's in it, oldest first, at the
        exchange's point (its newest trade id `trade_seq`; None: read what is new)."""
        if self.key != (symbol, user):
            self.key = (symbol, user)
            self.market = Q.trades(conn, symbol=symbol, limit=TAPE)
            self.mine = Q.trades(conn, user=user, symbol=symbol)
            self.last = self.market[-1]["id"] if self.market else 0
        elif self.fed is None or self.fed != trade_seq:
            new = Q.trades(conn, symbol=symbol, after=self.last)
            if new:
                self._add(new, user)
        self.fed = trade_seq
        return self.market, self.mine

    def _add(self, new: list[dict], user: str) -> None:
        self.market = (self.market + new)[-TAPE:]
        self.mine = self.mine + [t for t in new if user in (t["maker_user"], t["taker_user"])]
        self.last = self.market[-1]["id"]


TAPE = 200


def build_view(ex, conn, symbol: str, user: str, depth: int = 20, group: int = 1,
               tape: Tape | None = None, all_orders: bool = False) -> ScreenView:
    """Read the in-memory exchange `ex` (db.api.Api.exchange(), already refreshed) and the
    projections through `conn`."""
    users = tuple(sorted(n for n in ex.users if not n.startswith("@") or n == "@operator"))
    market = market_of(ex, (user,))
    s = ex.symbols.get(symbol)
    if s is None:
        return ScreenView(ex.seq, symbol, user, users, market)
    u = ex.users.get(user)
    own_prices = own_price_set(market, user, symbol)
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
        tape_rows, mine = Q.trades(conn, symbol=symbol, limit=TAPE), None
    else:
        tape_rows, mine = tape.read(conn, symbol, user, ex.trade_seq)
    trades = tuple(reversed(tape_rows))
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
    return ScreenView(ex.seq, symbol, user, users, market, bids, asks, spread, mid, trades,
                      orders, wallets, prices, group, pos, figures_of(ex), all_orders, ex.ts,
                      valued_at)


def own_price_set(market: MarketView, user: str, symbol: str) -> set[tuple[str, int]]:
    """(side, price) of `user`'s open orders in `symbol` that carry a price: where the
    order book marks a level as the user's own."""
    return {(o.side, o.price) for o in market.own(user, symbol) if o.price is not None}


def _text(spec: SymbolSpec | None, name: str, missing):
    """A spec's integer field `name` as a decimal string; `missing` without a spec or a
    value."""
    value = None if spec is None else getattr(spec, name)
    return missing if value is None else fmt(value)


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
                     "base": x.spec.base, "quote": x.spec.quote} for n, x in ex.symbols.items()],
                   dict(ex.assets))


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
