"""Several venues as one, one per symbol: quote on one, hedge on another."""
from souq.mm.desk.book import Book

from .ports import CancelAll, OpenOrder, Place, TapeTrade, Venue


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

    def holder(self, symbol: str) -> Venue:
        return self.of(symbol)

    def refresh(self) -> bool:
        return all([v.refresh() for v in self.venues()])

    def symbols(self):
        out = self.default.symbols()
        for name, v in self.routes.items():
            listed = v.symbols()
            if name in listed:
                out[name] = listed[name]
        return out

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

    def submit(self, cmds, user, now=None):
        """Commands in order, split into runs of consecutive commands for one venue; a
        CancelAll of no symbol goes to every venue."""
        reasons: list[str | None] = []
        i = 0
        while i < len(cmds):
            v = self._venue_of(cmds[i], user)
            j = i
            while j < len(cmds) and self._venue_of(cmds[j], user) is v:
                j += 1
            if v is None:                               # a CancelAll everywhere
                got = [w.submit([cmds[i]], user, now)[0] for w in self.venues()]
                reasons.append(next((r for r in got if r is not None), None))
                i += 1
                continue
            for cmd in cmds[i:j]:
                if type(cmd) is Place:
                    self.placed[cmd.cid] = v
            reasons += v.submit(cmds[i:j], user, now)
            i = j
        return reasons

    def _venue_of(self, cmd, user: str) -> Venue | None:
        if type(cmd) is CancelAll:
            return None if cmd.symbol is None else self.of(cmd.symbol)
        if type(cmd) is Place:
            return self.of(cmd.symbol)
        v = self.placed.get(cmd.cid)
        if v is None:
            v = next((v for v in self.venues() if v.open_order(user, cmd.cid)), self.default)
            self.placed[cmd.cid] = v
        return v

    def close(self) -> None:
        for v in self.venues():
            v.close()
