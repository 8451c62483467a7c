"""Where a strategy runner reads the market and sends its commands: the desk's venue seam.

The runner (mm/desk/runner.py) asks a Venue for books, its user's wallet totals and open
orders, the mark, and the trades since it last looked, and hands it one batch of
order-stream commands per decision. Implementations:
- LocalVenue: an engine Exchange in this process (a database's store, a simulation, a
  backtest); trades reach the runner through the store's trade listeners.
- RemoteVenue (mm/desk/remote_venue.py): a souq gateway over HTTP, through gateway.client.
- RoutedVenue: several venues at once, one per symbol (quote on one, hedge on another).

Units as in the engine: prices and quantities at 1e-9 (ticks and lots are multiples),
wallet amounts at 1e-18.
"""
from dataclasses import dataclass


from .book import Book, book_of
from .mark import engine_mark


@dataclass(frozen=True)
class TapeTrade:
    """A trade as the runner reads it, from the engine, the trades table or a gateway."""
    tid: int
    ts: int
    symbol: str
    price: int
    qty: int
    maker_user: str | None
    taker_user: str | None
    maker_cid: str | None
    taker_cid: str | None
    maker_fee: int
    taker_fee: int
    taker_side: str


@dataclass(frozen=True)
class OpenOrder:
    """One of the user's orders still on the book: (symbol, side, price, qty, filled)."""
    symbol: str
    side: str
    price: int
    qty: int
    filled: int


class Venue:
    """The interface; see the module docstring. `refresh` returns False when the market
    could not be read (the runner's stale-data guard then pulls quotes in time)."""

    def refresh(self) -> bool:
        return True

    def has_symbol(self, name: str) -> bool:
        raise NotImplementedError

    def has_user(self, user: str) -> bool:
        raise NotImplementedError

    def book(self, symbol: str, depth: int) -> Book:
        raise NotImplementedError

    def mark(self, symbol: str, user: str) -> int | None:
        """The others' mid, else the last trade price (mm/desk/mark.py)."""
        raise NotImplementedError

    def totals(self, user: str, symbol: str) -> tuple[int, int]:
        """The user's (base, quote) wallet totals, available plus held, at 1e-18."""
        raise NotImplementedError

    def open_order(self, user: str, cid: str) -> OpenOrder | None:
        raise NotImplementedError

    def open_cids(self, user: str) -> list[str]:
        raise NotImplementedError

    def trade_seq(self) -> int:
        """The newest trade id the venue has handed out (0 before any)."""
        raise NotImplementedError

    def take_trades(self, symbols) -> list[TapeTrade]:
        """Trades in `symbols` the venue learnt of since last asked ([] when they reach the
        runner another way, as a LocalVenue's do)."""
        return []

    def submit(self, cmds: list[dict], user: str) -> list[str | None]:
        """Apply order-stream commands as `user`, in order; the refusal reason per command
        (None when accepted)."""
        raise NotImplementedError

    def close(self) -> None:
        pass


class LocalVenue(Venue):
    """An engine Exchange in this process, read straight from memory; `exchange` is a
    callable returning it (a store may replace its exchange on a reload), `apply` applies a
    batch of commands as a user and returns the reasons."""

    def __init__(self, exchange, apply) -> None:
        self.exchange = exchange
        self.apply = apply

    def has_symbol(self, name: str) -> bool:
        return name in self.exchange().symbols

    def has_user(self, user: str) -> bool:
        return user in self.exchange().users

    def book(self, symbol: str, depth: int) -> Book:
        return book_of(self.exchange().symbols[symbol], depth)

    def mark(self, symbol: str, user: str) -> int | None:
        return engine_mark(self.exchange().symbols[symbol], user)

    def totals(self, user: str, symbol: str) -> tuple[int, int]:
        ex = self.exchange()
        sym = ex.symbols[symbol]
        wallets = ex.users[user].wallets
        return tuple(sum(wallets.get(a, (0, 0))) for a in (sym.base, sym.quote))

    def open_order(self, user: str, cid: str) -> OpenOrder | None:
        o = self.exchange().users[user].orders.get(cid)
        if o is None or not o.is_open:
            return None
        return OpenOrder(o.sym.name, o.side, o.price, o.qty, o.filled)

    def open_cids(self, user: str) -> list[str]:
        return [cid for cid, o in self.exchange().users[user].orders.items()
                if o.is_open]

    def trade_seq(self) -> int:
        return self.exchange().trade_seq

    def submit(self, cmds: list[dict], user: str) -> list[str | None]:
        return self.apply(cmds)


class RoutedVenue(Venue):
    """Several venues as one: each symbol's reads and commands go to the venue named for
    it, every other symbol to `default`. A cancel or amend goes where its order was
    placed. Wallet totals are per venue (each venue holds its own money)."""

    def __init__(self, default: Venue, routes: dict[str, Venue]) -> None:
        self.default = default
        self.routes = dict(routes)
        self.placed: dict[str, Venue] = {}          # client id -> the venue holding it

    def venues(self) -> list[Venue]:
        out = [self.default]
        for v in self.routes.values():
            if all(v is not w for w in out):
                out.append(v)
        return out

    def of(self, symbol: str) -> Venue:
        return self.routes.get(symbol, self.default)

    def refresh(self) -> bool:
        return all([v.refresh() for v in self.venues()])

    def has_symbol(self, name: str) -> bool:
        return self.of(name).has_symbol(name)

    def has_user(self, user: str) -> bool:
        return all(v.has_user(user) for v in self.venues())

    def book(self, symbol: str, depth: int) -> Book:
        return self.of(symbol).book(symbol, depth)

    def mark(self, symbol: str, user: str) -> int | None:
        return self.of(symbol).mark(symbol, user)

    def totals(self, user: str, symbol: str) -> tuple[int, int]:
        return self.of(symbol).totals(user, symbol)

    def open_order(self, user: str, cid: str) -> OpenOrder | None:
        v = self.placed.get(cid)
        if v is not None:
            return v.open_order(user, cid)
        for v in self.venues():
            o = v.open_order(user, cid)
            if o is not None:
                return o
        return None

    def open_cids(self, user: str) -> list[str]:
        return [cid for v in self.venues() for cid in v.open_cids(user)]

    def trade_seq(self) -> int:
        return self.default.trade_seq()

    def take_trades(self, symbols) -> list[TapeTrade]:
        out = []
        for v in self.venues():
            mine = [s for s in symbols if self.of(s) is v]
            if mine:
                out += v.take_trades(mine)
        return out

    def submit(self, cmds: list[dict], user: str) -> list[str | None]:
        """Commands in order, split into runs of consecutive commands for one venue."""
        reasons: list[str | None] = []
        i = 0
        while i < len(cmds):
            v = self._venue_of(cmds[i], user)
            j = i
            while j < len(cmds) and self._venue_of(cmds[j], user) is v:
                j += 1
            for cmd in cmds[i:j]:
                if "symbol" in cmd:
                    self.placed[cmd["id"]] = v
            reasons += v.submit(cmds[i:j], user)
            i = j
        return reasons

    def _venue_of(self, cmd: dict, user: str) -> Venue:
        if "symbol" in cmd:
            return self.of(cmd["symbol"])
        v = self.placed.get(cmd["id"])
        if v is None:
            v = next((v for v in self.venues() if v.open_order(user, cmd["id"])), self.default)
            self.placed[cmd["id"]] = v
        return v

    def close(self) -> None:
        for v in self.venues():
            v.close()
