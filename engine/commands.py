"""Commands the exchange accepts. Fields are already-validated integers and names.

The edge (engine.stream) turns text into these; an order whose numbers could not be
read still becomes a PlaceOrder with `invalid` set, so it is journalled and rejected.
"""
from dataclasses import dataclass

from .symbols import SymbolSpec

#: the fields of the two hot commands, in their constructors' order
PLACE_FIELDS = ("user", "cid", "symbol", "side", "type", "qty", "price", "stop", "tif", "stp",
                "invalid")
CANCEL_FIELDS = ("user", "cid")


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


class PlaceOrder:
    """Place an order: `user`'s order `cid` (None: the exchange names it "#<seq>") on
    `symbol`, `side` buy or sell, `type` (limit, market, stop_limit, stop_market), `qty`
    (1e-9), limit `price` and `stop` price (1e-9, None when the type has none), `tif`
    and `stp` (self-trade prevention) by name, and `invalid`: the edge's reason to reject
    it (e.g. a price off the grid), or None. The hot command: a plain class with a
    dataclass's constructor, equality and repr, compiled as a cdef class (commands.pxd)
    so the exchange reads its fields at C level."""
    __slots__ = PLACE_FIELDS

    def __init__(self, user, cid, symbol, side, type, qty, price=None, stop=None,
                 tif="gtc", stp="none", invalid=None) -> None:
        self.user = user
        self.cid = cid
        self.symbol = symbol
        self.side = side
        self.type = type
        self.qty = qty
        self.price = price
        self.stop = stop
        self.tif = tif
        self.stp = stp
        self.invalid = invalid

    def __eq__(self, other):
        return _equal(self, other, PLACE_FIELDS)

    def __repr__(self) -> str:
        return _repr(self, PLACE_FIELDS)


class CancelOrder:
    """Cancel `user`'s open order `cid`. A plain class like PlaceOrder (commands.pxd)."""
    __slots__ = CANCEL_FIELDS

    def __init__(self, user, cid) -> None:
        self.user = user
        self.cid = cid

    def __eq__(self, other):
        return _equal(self, other, CANCEL_FIELDS)

    def __repr__(self) -> str:
        return _repr(self, CANCEL_FIELDS)


def _equal(a, b, names: tuple):
    """A dataclass's ==: the same class and equal fields; NotImplemented across classes."""
    if type(a) is not type(b):
        return NotImplemented
    return all(getattr(a, n) == getattr(b, n) for n in names)


def _repr(cmd, names: tuple) -> str:
    """A dataclass's repr: Class(field=value, ...)."""
    inner = ", ".join(f"{n}={getattr(cmd, n)!r}" for n in names)
    return f"{type(cmd).__name__}({inner})"


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

