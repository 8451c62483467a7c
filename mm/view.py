"""The one market view: what a reader above the engine sees of a market, as plain frozen
data (engine units: prices and quantities at 1e-9).

`MarketView` holds one `SymbolView` per symbol (its SymbolSpec, the top of its book, its
last price and session) and the open orders of the users asked about. The simulator's
agents decide on it (mm.sim), and the workstation's screen data (tui.snapshot.ScreenView)
is built around it, from the local exchange or from a gateway (tui.remote_facade). It is
read from an engine Exchange in memory by `observe` / `market_of`; nothing here keeps a
reference to the engine, so a backtest or a remote reader can build views from anywhere.
"""
from dataclasses import dataclass
from operator import attrgetter

from souq.engine.symbols import SymbolSpec


CONTINUOUS, OPEN, CLOSED, INACTIVE = "continuous", "open", "closed", "inactive"


@dataclass(frozen=True, slots=True)
class SymbolView:
    """One symbol: its specification (`spec`, engine.symbols.SymbolSpec: grid, band,
    reference price, fees), the top of its book and its last trade price (1e-9, None when
    that side is empty / nothing traded yet), and its session: "continuous" (no sessions
    held), "open", "closed" or "inactive" (delisted for now)."""
    spec: SymbolSpec
    bid: int | None
    ask: int | None
    last: int | None
    session: str

    @property
    def tradable(self) -> bool:
        """Active and in session: orders may trade now."""
        return self.session == CONTINUOUS or self.session == OPEN

    @property
    def anchor(self) -> int | None:
        """The market's own idea of value: mid, else one side, else last, else reference."""
        if self.bid is not None and self.ask is not None:
            return (self.bid + self.ask) // 2
        for price in (self.last, self.bid, self.ask, self.spec.ref):
            if price is not None:
                return price
        return None


@dataclass(frozen=True, slots=True)
class OpenOrder:
    """One open order as a view shows it: price None for a stop market order; remaining
    quantity at 1e-9."""
    oid: int
    cid: str
    symbol: str
    side: str
    price: int | None
    remaining: int


@dataclass(frozen=True, slots=True)
class MarketView:
    """Symbols by name (sorted) and the open orders of the users observed:
    user -> symbol -> orders, oldest first."""
    symbols: dict[str, SymbolView]
    orders: dict[str, dict[str, tuple[OpenOrder, ...]]]

    def own(self, user: str, symbol: str) -> tuple[OpenOrder, ...]:
        """`user`'s open orders in `symbol`, oldest first (none when not observed)."""
        return self.orders.get(user, {}).get(symbol, ())


def session_of(active: bool, sessions: bool, is_open: bool) -> str:
    """A symbol's session as a view names it, from its flags (engine.model.Symbol's
    active, sessions, open; the gateway's symbol fields of the same names)."""
    if not active:
        return INACTIVE
    if not sessions:
        return CONTINUOUS
    return OPEN if is_open else CLOSED


def symbol_view(s) -> SymbolView:
    """One engine Symbol (engine.model) as a view."""
    return SymbolView(s.spec, s.bids.peekitem(0)[1].price if s.bids else None,
                      s.asks.peekitem(0)[1].price if s.asks else None, s.last,
                      session_of(s.active, s.sessions, s.open))


def open_orders(user) -> dict[str, tuple[OpenOrder, ...]]:
    """An engine User's open orders (resting and waiting stops) by symbol, oldest first."""
    by_symbol: dict[str, list[OpenOrder]] = {}
    for o in sorted(user.open_orders(), key=_OID):
        by_symbol.setdefault(o.sym.name, []).append(
            OpenOrder(o.oid, o.cid, o.sym.name, o.side, o.price, o.qty - o.filled))
    return {k: tuple(v) for k, v in by_symbol.items()}


def market_of(ex, users=()) -> MarketView:
    """The view of every symbol of the engine Exchange `ex` and the open orders of the
    named `users` (those that exist), read now with a full scan of their orders."""
    return MarketView({name: symbol_view(ex.symbols[name]) for name in sorted(ex.symbols)},
                      {u: open_orders(ex.users[u]) for u in users if u in ex.users})


class OpenOrders:
    """The simulator's users' open orders, found by client id in the engine's own order
    lists. A full scan only when the exchange object is new (start, or a store reload);
    after that just the ids placed since, so a tick costs what is open, not all history.
    Each order's view is kept and rebuilt only when its remaining quantity moved: most
    resting orders do not change from one tick to the next."""

    def __init__(self, users) -> None:
        self.users = list(users)
        self._cids: dict[str, dict[str, OpenOrder | None]] = {u: {} for u in self.users}
        self._ex = None
        self._last: dict[str, dict[str, tuple[OpenOrder, ...]]] = {}

    def placed(self, user: str, cid: str) -> None:
        self._cids[user][cid] = None
        self._last.pop(user, None)

    def snapshot(self, ex) -> dict[str, dict[str, tuple[OpenOrder, ...]]]:
        if ex is not self._ex:
            self._rescan(ex)
        out = {}
        for user, cids in self._cids.items():
            u = ex.users.get(user)
            if u is None:
                continue
            orders = u.orders
            live, dead, moved = [], [], False
            for cid, view in cids.items():
                o = orders.get(cid)
                if o is None or not o.is_open:
                    dead.append(cid)
                    continue
                left = o.qty - o.filled
                if view is None or view.remaining != left or view.oid != o.oid:
                    view = cids[cid] = OpenOrder(o.oid, cid, o.sym.name, o.side, o.price,
                                                 left)
                    moved = True
                live.append(view)
            for cid in dead:
                del cids[cid]
            last = self._last.get(user)
            if last is not None and not moved and not dead:
                out[user] = last            # nothing placed, filled or gone since
                continue
            live.sort(key=_OID)
            by_symbol: dict[str, list[OpenOrder]] = {}
            for v in live:
                got = by_symbol.get(v.symbol)
                if got is None:
                    by_symbol[v.symbol] = [v]
                else:
                    got.append(v)
            out[user] = self._last[user] = {k: tuple(v) for k, v in by_symbol.items()}
        return out

    def _rescan(self, ex) -> None:
        self._ex = ex
        self._last = {}
        for user in self.users:
            u = ex.users.get(user)
            self._cids[user] = {} if u is None else {
                cid: None for cid, o in u.orders.items() if o.is_open}


def observe(ex, names, tracker: OpenOrders) -> MarketView:
    """The view of `ex` for the named symbols (all when empty) that have a price on their
    grid inside the band, sorted by name, with the open orders `tracker` follows (the
    simulator's own users: read incrementally)."""
    wanted = set(names) if names else None
    symbols = {}
    for name in sorted(ex.symbols):
        if wanted is None or name in wanted:
            s = ex.symbols[name]
            if s.spec.has_prices():
                symbols[name] = symbol_view(s)
    return MarketView(symbols, tracker.snapshot(ex))


_OID = attrgetter("oid")
