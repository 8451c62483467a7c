"""The venue seam's two ports and the typed values that cross them.

A desk (mm/desk), a simulation or a CLI command reads a market through a MarketPort and
sends orders through an OrderPort; a Venue is both. Implementations:
- LocalVenue (mm/venue/local.py): an engine Exchange in this process (a simulation, a
  backtest); commands are built as engine commands directly, with no text in between;
- DatabaseVenue (mm/venue/database.py): a database shared with other processes, through
  db.api.Api (reads from its in-memory exchange, writes journalled in one transaction);
- RemoteVenue (mm/venue/remote.py): a souq gateway over HTTP, through gateway.client;
- RoutedVenue (mm/venue/routed.py): several venues at once, one per symbol.
Strategies and runners hold only a Venue: they do not know which one it is.

Units as in the engine: prices and quantities at 1e-9 (ticks and lots are multiples),
wallet amounts at 1e-18. Times are ns since the Unix epoch (or simulated time).
"""
from dataclasses import dataclass

from souq.engine.numbers import fmt
from souq.engine.symbols import SymbolSpec

from souq.mm.desk.book import Book
from souq.mm.desk.slotted import quick_init


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


# ------------------------------------------------------------------ order commands
@quick_init         # made at every decision: the quicker constructor (slotted.py)
@dataclass(frozen=True, slots=True)
class Place:
    """A limit order: `price` and `qty` at 1e-9; `tif` gtc, ioc, fok, day or post_only;
    `stp` the self-trade prevention mode."""
    cid: str
    symbol: str
    side: str
    price: int
    qty: int
    tif: str = "gtc"
    stp: str = "cancel_newest"


@quick_init         # made at every decision: the quicker constructor (slotted.py)
@dataclass(frozen=True, slots=True)
class Amend:
    """Change an open order: the new price, the new total quantity (what is filled stays
    filled), or both (None: unchanged); 1e-9."""
    cid: str
    price: int | None = None
    qty: int | None = None


@quick_init         # made at every decision: the quicker constructor (slotted.py)
@dataclass(frozen=True, slots=True)
class Cancel:
    """Take one open order off the book."""
    cid: str


@dataclass(frozen=True, slots=True)
class CancelAll:
    """Take every open order of the user off the book (of one symbol, or all)."""
    symbol: str | None = None


OrderCommand = Place | Amend | Cancel | CancelAll


def stream_command(cmd: OrderCommand, user: str) -> dict:
    """`cmd` in the order-stream shape (decimal strings), as the journal and the gateway
    hold commands. Raises TypeError for anything else."""
    t = type(cmd)
    if t is Place:
        out = {"op": "limit", "id": cmd.cid, "user": user, "symbol": cmd.symbol,
               "side": cmd.side, "price": fmt(cmd.price), "qty": fmt(cmd.qty),
               "stp": cmd.stp}
        if cmd.tif != "gtc":
            out["tif"] = cmd.tif
        return out
    if t is Cancel:
        return {"op": "cancel", "id": cmd.cid, "user": user}
    if t is Amend:
        out = {"op": "amend", "id": cmd.cid, "user": user}
        if cmd.price is not None:
            out["price"] = fmt(cmd.price)
        if cmd.qty is not None:
            out["qty"] = fmt(cmd.qty)
        return out
    if t is CancelAll:
        out = {"op": "cancel_all", "user": user}
        if cmd.symbol is not None:
            out["symbol"] = cmd.symbol
        return out
    raise TypeError(f"not an order command: {cmd!r}")


# ------------------------------------------------------------------ the ports
class MarketPort:
    """What a venue shows: read only. `refresh` returns False when the market could not be
    read (the runner's stale-data guard then pulls quotes in time)."""

    def refresh(self) -> bool:
        return True

    def holder(self, symbol: str) -> "MarketPort":
        """The venue whose wallets hold `symbol`'s assets: this one (a RoutedVenue answers
        the one it routes `symbol` to). The same currency at two holders is two wallets."""
        return self

    def symbols(self) -> dict[str, SymbolSpec]:
        """Every symbol the venue lists, by name."""
        raise NotImplementedError

    def has_symbol(self, name: str) -> bool:
        raise NotImplementedError

    def has_user(self, user: str) -> bool:
        raise NotImplementedError

    def book(self, symbol: str, depth: int) -> Book:
        """The book snapshot: `depth` levels a side, with the symbol's rules."""
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


class OrderPort:
    """Where orders go. `submit` is the one primitive; the others are one-command calls."""

    def submit(self, cmds: list[OrderCommand], user: str, now: int | None = None
               ) -> list[str | None]:
        """Apply order commands as `user`, in order, at `now` (ns; None: the venue's own
        clock); the refusal reason per command (None when accepted)."""
        raise NotImplementedError

    def place(self, order: Place, user: str, now: int | None = None) -> str | None:
        return self.submit([order], user, now)[0]

    def amend(self, cid: str, user: str, *, price: int | None = None, qty: int | None = None,
              now: int | None = None) -> str | None:
        return self.submit([Amend(cid, price, qty)], user, now)[0]

    def cancel(self, cid: str, user: str, now: int | None = None) -> str | None:
        return self.submit([Cancel(cid)], user, now)[0]

    def cancel_all(self, user: str, symbol: str | None = None, now: int | None = None
                   ) -> str | None:
        return self.submit([CancelAll(symbol)], user, now)[0]


class Venue(MarketPort, OrderPort):
    """A market port and an order port over one exchange."""

    def close(self) -> None:
        pass
