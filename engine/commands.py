"""Commands the exchange accepts. Fields are already-validated integers and names.

The edge (engine.stream) turns text into these; an order whose numbers could not be
read still becomes a PlaceOrder with `invalid` set, so it is journalled and rejected.
"""
from dataclasses import dataclass

from .symbols import SymbolSpec


@dataclass(slots=True)
class AddSymbol:
    """List a new symbol as `spec` (symbols.SymbolSpec)."""
    spec: SymbolSpec

    @property
    def symbol(self) -> str:
        return self.spec.name


@dataclass(slots=True)
class SetSymbolActive:
    symbol: str
    active: bool


@dataclass(slots=True)
class AddUser:
    user: str
    role: str


@dataclass(slots=True)
class SetUserStatus:
    user: str
    status: str


@dataclass(slots=True)
class Deposit:
    user: str
    asset: str
    amount: int


@dataclass(slots=True)
class Withdraw:
    user: str
    asset: str
    amount: int


@dataclass(slots=True)
class SessionOpen:
    symbol: str
    opening_price: int | None = None
    maker: int | None = None
    taker: int | None = None


@dataclass(slots=True)
class SessionClose:
    symbol: str


@dataclass(slots=True)
class PlaceOrder:
    user: str
    cid: str | None
    symbol: str
    side: str
    type: str
    qty: int
    price: int | None = None
    stop: int | None = None
    tif: str = "gtc"
    stp: str = "none"
    invalid: str | None = None   # the edge's reason to reject, e.g. a price off the grid


@dataclass(slots=True)
class CancelOrder:
    user: str
    cid: str


@dataclass(slots=True)
class AmendOrder:
    """Change a resting order's price and/or total quantity (None: unchanged). A smaller
    quantity keeps its time priority; a new price or a larger quantity loses it."""
    user: str
    cid: str
    price: int | None = None
    qty: int | None = None
    invalid: str | None = None   # the edge's reason to reject, e.g. an unreadable number


@dataclass(slots=True)
class SetAssetPrecision:
    """The number of decimal places of an asset (0..18): fees in it round up to that."""
    asset: str
    places: int


@dataclass(slots=True)
class CancelAll:
    user: str
    symbol: str | None = None


@dataclass(slots=True)
class Audit:
    """An admin's recorded action that moves no money (a surveillance case decision, a rule
    parameter, a link between accounts): the journal keeps who did it, when and why."""
    action: str
    subject: str
    note: str = ""

