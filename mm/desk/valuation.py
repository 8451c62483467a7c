"""What a run holds and has made, read from its venue's market port: the wallets at the
start, the inventory since, and the PnL of every leg it trades valued in its own quote.

Amounts at 1e-18 (wallet totals, PnL), inventory in own-base lots at 1e-9, marks at 1e-9.
"""
from souq.engine.numbers import QTY_TO_AMOUNT

from .mark import equity, equity_all


class Valuation:
    """The start and the change of `user`'s wallets in the assets of the watched symbols
    (`watch`, the run's own symbol first), on a venue (mm/venue MarketPort)."""

    def __init__(self, user: str, watch: list[str]) -> None:
        self.user, self.watch = user, list(watch)
        self.base0 = self.quote0 = 0            # 1e-18 totals at the start
        self.assets0: dict[tuple[int, str], int] = {}   # each watched wallet at the start

    @property
    def symbol(self) -> str:
        return self.watch[0]

    def start(self, v) -> None:
        """Note the wallets as they are now: what the PnL is measured from."""
        self.base0, self.quote0 = self.totals(v)
        self.assets0 = self.assets(v)

    def totals(self, v) -> tuple[int, int]:
        """The user's (base, quote) totals in the run's symbol, at 1e-18."""
        return v.totals(self.user, self.symbol)

    def assets(self, v, books=None) -> dict[tuple[int, str], int]:
        """The user's total (available + held, 1e-18) of every asset of a watched symbol,
        keyed by (the venue holding it, the asset): the same currency at two venues is
        two wallets. `books`: the watched symbols' Books when the caller has them."""
        out = {}
        for s in self.watch:
            book = books[s] if books else v.book(s, 1)
            place = id(v.holder(s))
            out[(place, book.spec.base)], out[(place, book.spec.quote)] = v.totals(self.user, s)
        return out

    def same_wallet(self, v) -> frozenset[str]:
        """Watched symbols whose base is the own base in the same wallet (same venue): a
        fill there already moves the inventory (see Context.same_wallet)."""
        own, place = v.book(self.symbol, 1).spec.base, v.holder(self.symbol)
        return frozenset(s for s in self.watch if s != self.symbol
                         and v.holder(s) is place and v.book(s, 1).spec.base == own)

    def value(self, v, books, marks: dict) -> tuple[int, int, list[str]]:
        """(inventory in own-base lots, PnL since the start at 1e-18 of the own quote, the
        assets that moved but no watched mark converts, counted 0). Without a mark of the
        own symbol, the quote change alone, as `mark.equity` says. `marks`: symbol -> mark
        at 1e-9 or None; `books`: symbol -> Book when at hand, else read from `v`."""
        base, quote = self.totals(v)
        inventory = (base - self.base0) // QTY_TO_AMOUNT
        at = marks.get(self.symbol)
        if at is None or len(self.watch) == 1:
            return inventory, equity(base - self.base0, quote - self.quote0, at), []
        books = books or {s: v.book(s, 1) for s in self.watch}
        markets = {s: (books[s].spec.base, books[s].spec.quote, marks.get(s)) for s in self.watch}
        deltas: dict[str, int] = {}
        for (place, asset), total in self.assets(v, books).items():
            deltas[asset] = deltas.get(asset, 0) + total - self.assets0.get((place, asset), 0)
        value, unvalued = equity_all(deltas, books[self.symbol].spec.quote, markets)
        return inventory, value, unvalued
