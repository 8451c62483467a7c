"""What agents may see of the market: plain integers (engine units, 1e-9), read from an
exchange in memory. The core never touches the engine itself, so a backtest can feed it
views from anywhere."""
from dataclasses import dataclass
from operator import attrgetter

from souq.engine.symbols import SymbolSpec


@dataclass(frozen=True, slots=True)
class SymbolView:
    """One symbol as the simulator's agents see it: its specification (`spec`,
    engine.symbols.SymbolSpec: grid, band, reference price) and the top of its book
    (prices at 1e-9, None when that side is empty / nothing traded yet)."""
    spec: SymbolSpec
    bid: int | None
    ask: int | None
    last: int | None
    tradable: bool         # active and in session

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
    oid: int
    cid: str
    symbol: str
    side: str
    price: int | None
    remaining: int


@dataclass(frozen=True, slots=True)
class MarketView:
    symbols: dict[str, SymbolView]                       # by name, sorted
    orders: dict[str, dict[str, tuple[OpenOrder, ...]]]  # user -> symbol -> oldest first

    def own(self, user: str, symbol: str) -> tuple[OpenOrder, ...]:
        return self.orders.get(user, {}).get(symbol, ())


def symbol_view(s) -> SymbolView | None:
    """One engine Symbol as a view; None when its band leaves no price on the tick grid."""
    spec = s.spec
    if not spec.has_prices():
        return None
    return SymbolView(spec, s.bids.peekitem(0)[1].price if s.bids else None,
                      s.asks.peekitem(0)[1].price if s.asks else None, s.last,
                      s.active and s.open)


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
    """The view of `ex` for the named symbols (all when empty), sorted by name."""
    wanted = set(names) if names else None
    symbols = {}
    for name in sorted(ex.symbols):
        if wanted is None or name in wanted:
            v = symbol_view(ex.symbols[name])
            if v is not None:
                symbols[name] = v
    return MarketView(symbols, tracker.snapshot(ex))


_OID = attrgetter("oid")
