"""The plain data passed between a strategy, the quote engine and risk control."""
from dataclasses import dataclass, field

from .book import Book
from .slotted import quick_init
from .mark import without_own

BUY, SELL = "buy", "sell"


@quick_init
@dataclass(frozen=True, slots=True)
class Quote:
    """An order a strategy wants resting (tif "gtc"), or sent at once ("ioc": a hedge or
    a stop-loss exit). `symbol` None means the strategy's own symbol."""
    side: str
    price: int
    qty: int
    symbol: str | None = None
    tif: str = "gtc"


@quick_init
@dataclass(frozen=True, slots=True)
class Live:
    """One of the strategy's own open orders, as the exchange holds it."""
    cid: str
    symbol: str
    side: str
    price: int
    qty: int
    remaining: int
    placed: int             # ns, when the quote engine sent it


@quick_init
@dataclass(frozen=True, slots=True)
class Fill:
    ts: int
    symbol: str
    side: str               # the strategy's side
    price: int
    qty: int
    fee: int                # quote asset, 1e-18
    cid: str


@quick_init
@dataclass(frozen=True, slots=True)
class Trade:
    """A trade anyone made, from the tape."""
    ts: int
    symbol: str
    price: int
    qty: int
    taker_side: str


@dataclass
class Context:
    """Everything a strategy may look at when it decides, at time `now` (ns).

    `inventory` is the strategy's position in the base asset since its run started
    (q in the literature: positive long), `target` where it wants it to be, both at 1e-9.
    `book`/`books` are the whole books (own orders included: what a new order meets);
    `market`/`markets` the same without the strategy's own open orders, what the fair
    price, volatility and any other reading of the market must use (mm/desk/mark.py).
    """
    now: int
    book: Book
    books: dict[str, Book]
    fair: int | None                    # from the configured fair-price source
    inventory: int
    target: int
    max_inventory: int
    live: tuple[Live, ...] = ()
    fills: tuple[Fill, ...] = ()        # the strategy's fills since the last decision
    trades: tuple[Trade, ...] = ()      # the tape since the last decision
    volatility: float = 0.0             # realised, relative, per sqrt(second)
    started: int = 0                    # ns, when the run started
    data_ts: int | None = None          # ns, when the market was last read (None: now)
    markets: dict[str, Book] = field(default_factory=dict)
    # watched symbols whose base is the own base in the same wallet: a fill there (a
    # hedge on ETH-USDC for ETH-USDT, same venue) is already in `inventory`
    same_wallet: frozenset = frozenset()
    # the desk-wide net limit's room per side (BUY/SELL -> lots), when one is set
    desk_room: dict[str, int] | None = None

    @property
    def market(self) -> Book:
        """The own symbol's book without the strategy's open orders."""
        found = self.markets.get(self.book.spec.name)
        if found is None:
            found = self.markets[self.book.spec.name] = without_own(self.book, self.live)
        return found

    @property
    def ratio(self) -> float:
        """How far inventory is from target, as a signed share of the maximum."""
        if self.max_inventory <= 0:
            return 0.0
        return (self.inventory - self.target) / self.max_inventory
