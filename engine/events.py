"""What `Exchange.apply` returns: a result code, the human reason, and typed events.

`Outcome(seq, code, reason, events)`: `code` is a `ResultCode` (ACCEPTED, or one code per
kind of rejection, as exchange-core's CommandResultCode), `reason` the one-line text a
person reads (None when accepted), `events` everything the command did, in order:

- order life cycle: OrderNew, OrderQueued, OrderActive, OrderRested, OrderPartiallyFilled,
  OrderFilled, OrderCancelled, OrderExpired, OrderRejected, OrderAmended, OrderHoldChanged
  (each carries the live `Order`; the status events carry the reason when there is one);
- Traded (one fill, with its `Trade`), LedgerMoved (one ledger move), CancelledAll;
- UserChanged, SymbolChanged, SessionChanged, AssetPrecisionSet, Deposited, Withdrawn,
  Audited.

Events are slotted records made on the hot path; `Trade` is a tuple with named fields
(positional readers of the old trade tuples keep working). The journal keeps a compact
row per event (`journal_rows`): the same JSON lists souq has always written, and no row
for the events the projections alone need (rested, ledger moves, hold changes).
"""
from dataclasses import dataclass
from enum import Enum
from operator import itemgetter
from typing import ClassVar

from .model import (
    ACTIVE, CANCELLED, EXPIRED, FILLED, NEW, PARTIAL, QUEUED, REJECTED, Order, Symbol, User,
)
from .numbers import fmt, fmt_amount


class ResultCode(Enum):
    """Why a command was accepted or refused; the value is a stable snake_case name."""
    ACCEPTED = "accepted"
    INVALID_INPUT = "invalid_input"             # the edge could not read a number or field
    UNKNOWN_USER = "unknown_user"
    UNKNOWN_SYMBOL = "unknown_symbol"
    UNKNOWN_ORDER = "unknown_order"
    ORDER_CLOSED = "order_closed"               # already filled, cancelled, expired, rejected
    DUPLICATE_ORDER_ID = "duplicate_order_id"
    NOT_PERMITTED = "not_permitted"             # role, or acting for another user
    USER_EXISTS = "user_exists"
    SYMBOL_EXISTS = "symbol_exists"
    RESERVED_NAME = "reserved_name"
    UNKNOWN_ROLE = "unknown_role"
    UNKNOWN_USER_STATUS = "unknown_user_status"
    OPERATOR_PROTECTED = "operator_protected"
    INVALID_SYMBOL_SPEC = "invalid_symbol_spec"
    INVALID_PRECISION = "invalid_precision"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    SESSION_ALREADY_OPEN = "session_already_open"
    SESSION_ALREADY_CLOSED = "session_already_closed"
    SESSION_CLOSED = "session_closed"
    SYMBOL_INACTIVE = "symbol_inactive"
    USER_SUSPENDED = "user_suspended"
    TIF_NOT_APPLICABLE = "tif_not_applicable"
    INVALID_QTY = "invalid_qty"                 # off the step, below min, above max
    INVALID_PRICE = "invalid_price"             # off the tick
    PRICE_OUTSIDE_BAND = "price_outside_band"
    POST_ONLY_WOULD_CROSS = "post_only_would_cross"
    FOK_NOT_FILLABLE = "fok_not_fillable"
    NOT_RESTING = "not_resting"                 # amend of a stop waiting to trigger
    AMEND_NO_CHANGE = "amend_no_change"
    AMEND_BELOW_FILLED = "amend_below_filled"


ACCEPTED = ResultCode.ACCEPTED


class Outcome:
    """One applied command: its journal `seq`, `code`, `reason` (None when accepted) and
    `events` (list, in the order they happened)."""
    __slots__ = ("seq", "code", "reason", "events")

    def __init__(self, seq: int, code: ResultCode, reason: str | None, events: list) -> None:
        self.seq = seq
        self.code = code
        self.reason = reason
        self.events = events

    @property
    def accepted(self) -> bool:
        return self.code is ACCEPTED

    def trades(self) -> list["Trade"]:
        """The trades this command made, in order."""
        return [e.trade for e in self.events if type(e) is Traded]

    def __repr__(self) -> str:
        return f"Outcome(seq={self.seq}, code={self.code.name}, reason={self.reason!r})"


def trades_of(outcomes) -> list["Trade"]:
    """Every trade of `outcomes` (Outcome objects), in order."""
    return [e.trade for out in outcomes for e in out.events if type(e) is Traded]


class Trade(tuple):
    """One fill: (id, seq, ts, symbol, price, qty, maker Order, taker Order, maker_fee,
    taker_fee, taker_side). Price and qty in 1e-9, fees in 1e-18 of the quote. A tuple
    with named fields: made as Trade((...)) on the hot path."""
    __slots__ = ()
    id = property(itemgetter(0))
    seq = property(itemgetter(1))
    ts = property(itemgetter(2))
    symbol = property(itemgetter(3))
    price = property(itemgetter(4))
    qty = property(itemgetter(5))
    maker = property(itemgetter(6))
    taker = property(itemgetter(7))
    maker_fee = property(itemgetter(8))
    taker_fee = property(itemgetter(9))
    taker_side = property(itemgetter(10))


# ------------------------------------------------------------------ order events
@dataclass(slots=True)
class OrderEvent:
    """An order's status changed to `status` (a class constant); `reason` says why when a
    close or rejection has one."""
    order: Order
    reason: str | None = None
    status: ClassVar[str] = ""

    def row(self):
        return ("order", self.order.oid, self.status, self.reason)


@dataclass(slots=True)
class OrderNew(OrderEvent):
    status: ClassVar[str] = NEW


@dataclass(slots=True)
class OrderQueued(OrderEvent):
    status: ClassVar[str] = QUEUED


@dataclass(slots=True)
class OrderActive(OrderEvent):
    status: ClassVar[str] = ACTIVE


@dataclass(slots=True)
class OrderPartiallyFilled(OrderEvent):
    status: ClassVar[str] = PARTIAL


@dataclass(slots=True)
class OrderFilled(OrderEvent):
    status: ClassVar[str] = FILLED


@dataclass(slots=True)
class OrderCancelled(OrderEvent):
    status: ClassVar[str] = CANCELLED


@dataclass(slots=True)
class OrderExpired(OrderEvent):
    status: ClassVar[str] = EXPIRED


@dataclass(slots=True)
class OrderRejected(OrderEvent):
    status: ClassVar[str] = REJECTED


#: final status -> its event class (the engine closes orders by status)
CLOSE_EVENTS = {CANCELLED: OrderCancelled, EXPIRED: OrderExpired, REJECTED: OrderRejected}


@dataclass(slots=True)
class OrderRested:
    """The order joined its book at `order.price` with time priority `order.rank`."""
    order: Order

    def row(self):
        return None


@dataclass(slots=True)
class OrderHoldChanged:
    """What the order reserves changed (new fee rates, an amend): see `order.hold`."""
    order: Order

    def row(self):
        return None


@dataclass(slots=True)
class OrderAmended:
    """A resting order now reads `qty` @ `price` (1e-9); `kept_priority` when only its
    quantity went down."""
    order: Order
    price: int
    qty: int
    kept_priority: bool

    def row(self):
        return ("amend", self.order.oid, fmt(self.price), fmt(self.qty), self.kept_priority)


@dataclass(slots=True)
class Traded:
    """One fill between a resting maker and an incoming taker."""
    trade: Trade

    def row(self):
        return ("trade", self.trade[0])


@dataclass(slots=True)
class LedgerMoved:
    """`amount` (1e-18) of `asset` moved from (src, src_bucket) to (dst, dst_bucket);
    buckets are model.AVAIL / model.HELD. `kind`: deposit, withdraw, hold, release, trade,
    fee; `ref` the order id (hold, release) or trade id (trade, fee)."""
    seq: int
    kind: str
    asset: str
    src: str
    src_bucket: int
    dst: str
    dst_bucket: int
    amount: int
    ref: int | None

    def row(self):
        return None


@dataclass(slots=True)
class CancelledAll:
    user: str
    count: int

    def row(self):
        return ("cancel_all", self.user, self.count)


# ------------------------------------------------------------------ admin events
@dataclass(slots=True)
class UserChanged:
    """A user was added, suspended or reinstated: see `user.role`, `user.status`."""
    user: User

    def row(self):
        u = self.user
        return ("user", u.name, u.role, u.status)


@dataclass(slots=True)
class SymbolChanged:
    """A symbol was added or (de)activated."""
    symbol: Symbol

    def row(self):
        return ("symbol", self.symbol.name)


@dataclass(slots=True)
class SessionChanged:
    """A symbol's session opened (`opened`) or closed; fees and reference as they now are."""
    symbol: Symbol
    opened: bool

    def row(self):
        return ("session", self.symbol.name, "open" if self.opened else "close")


@dataclass(slots=True)
class AssetPrecisionSet:
    asset: str
    places: int

    def row(self):
        return ("asset", self.asset, self.places)


@dataclass(slots=True)
class Deposited:
    user: str
    asset: str
    amount: int      # 1e-18

    def row(self):
        return ("deposit", self.user, self.asset, fmt_amount(self.amount))


@dataclass(slots=True)
class Withdrawn:
    user: str
    asset: str
    amount: int      # 1e-18

    def row(self):
        return ("withdraw", self.user, self.asset, fmt_amount(self.amount))


@dataclass(slots=True)
class Audited:
    action: str
    subject: str

    def row(self):
        return ("audit", self.action, self.subject)


#: the event classes that carry an `order` (the order they changed)
ORDER_EVENTS = frozenset({
    OrderNew, OrderQueued, OrderActive, OrderPartiallyFilled, OrderFilled, OrderCancelled,
    OrderExpired, OrderRejected, OrderRested, OrderHoldChanged, OrderAmended,
})


def journal_rows(events) -> list[tuple]:
    """The journal's compact rows of `events` (JSON-ready tuples; see the module doc)."""
    out = []
    for e in events:
        r = e.row()
        if r is not None:
            out.append(r)
    return out
