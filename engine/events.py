"""What `Exchange.apply` returns: a result code, the human reason, and typed events.

`Outcome(seq, code, reason, events)`: `code` is a `ResultCode` (ACCEPTED, or one code per
kind of rejection, as exchange-core's CommandResultCode), `reason` the one-line text a
person reads (None when accepted), `events` everything the command did, in order:

- order life cycle: OrderNew, OrderQueued, OrderActive, OrderRested, OrderPartiallyFilled,
  OrderFilled, OrderCancelled, OrderExpired, OrderRejected, OrderAmended, OrderHoldChanged
  (each carries the live `Order`; the status events carry the reason when there is one);
- Trade (one fill: the trade itself is the event), LedgerMoved (one ledger move: a
  deposit, withdrawal, hold or release), CancelledAll;
- UserChanged, SymbolChanged, SessionChanged, AssetPrecisionSet, Deposited, Withdrawn,
  Audited.

Events are slotted records made on the hot path. `Trade` and `LedgerMoved`, the most
frequent, are tuples with named fields (made as Trade((...)): no Python __init__ to run).
A trade settles through the ledger in two to four moves (base and quote across, each fee
to @fees) that follow from the trade itself: `ledger_moves(events)` gives every move of a
command in order, the trades' included, so the hot path makes one record per fill.

The journal keeps a compact row per event (`journal_rows`): the same JSON lists souq has
always written, and no row for the events the projections alone need (rested, ledger
moves, hold changes).
"""
from dataclasses import dataclass
from enum import Enum
from operator import itemgetter

from .model import (
    ACTIVE, AVAIL, BUY, CANCELLED, EXPIRED, FEES, FILLED, HELD, NEW, PARTIAL, QUEUED,
    REJECTED, Order, Symbol, User,
)
from .numbers import QTY_TO_AMOUNT, fmt, fmt_amount


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
        return [e for e in self.events if type(e) is Trade]

    def __repr__(self) -> str:
        return f"Outcome(seq={self.seq}, code={self.code.name}, reason={self.reason!r})"


def trades_of(outcomes) -> list["Trade"]:
    """Every trade of `outcomes` (Outcome objects), in order."""
    return [e for out in outcomes for e in out.events if type(e) is Trade]


class Trade(tuple):
    """One fill between a resting maker and an incoming taker: (id, seq, ts, symbol,
    price, qty, maker Order, taker Order, maker_fee, taker_fee, taker_side). Price and qty
    in 1e-9, fees in 1e-18 of the quote. A tuple with named fields: Trade((...))."""
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

    def row(self):
        return ("trade", self[0])

    def moves(self) -> list["LedgerMoved"]:
        """The ledger moves that settle this fill, as the engine made them: base from the
        seller's held to the buyer's available, quote (the notional) the other way, then
        the buyer's fee (from held) and the seller's fee (from available) to @fees."""
        return [LedgerMoved(m) for m in self.move_tuples()]

    def move_tuples(self) -> list[tuple]:
        """`moves()` as plain tuples in LedgerMoved's field order (for bulk writers)."""
        tid, seq, _ts, _sym, price, qty, m, o, mfee, tfee, side = self
        sym = o.sym
        if side == BUY:
            bn, sn, bfee, sfee = o.user.name, m.user.name, tfee, mfee
        else:
            bn, sn, bfee, sfee = m.user.name, o.user.name, mfee, tfee
        quote = sym.spec.quote
        out = [(seq, "trade", sym.spec.base, sn, HELD, bn, AVAIL, qty * QTY_TO_AMOUNT, tid),
               (seq, "trade", quote, bn, HELD, sn, AVAIL, price * qty, tid)]
        if bfee:
            out.append((seq, "fee", quote, bn, HELD, FEES, AVAIL, bfee, tid))
        if sfee:
            out.append((seq, "fee", quote, sn, AVAIL, FEES, AVAIL, sfee, tid))
        return out


class LedgerMoved(tuple):
    """`amount` (1e-18) of `asset` moved from (src, src_bucket) to (dst, dst_bucket);
    buckets are model.AVAIL / model.HELD. `kind`: deposit, withdraw, hold, release (and,
    from Trade.moves, trade and fee); `ref` the order id (hold, release) or trade id.
    A tuple with named fields: LedgerMoved((seq, kind, asset, src, src_bucket, dst,
    dst_bucket, amount, ref))."""
    __slots__ = ()
    seq = property(itemgetter(0))
    kind = property(itemgetter(1))
    asset = property(itemgetter(2))
    src = property(itemgetter(3))
    src_bucket = property(itemgetter(4))
    dst = property(itemgetter(5))
    dst_bucket = property(itemgetter(6))
    amount = property(itemgetter(7))
    ref = property(itemgetter(8))

    def row(self):
        return None


def ledger_moves(events) -> list[LedgerMoved]:
    """Every ledger move of `events` in the order it happened, each trade's included."""
    out = []
    for e in events:
        t = type(e)
        if t is LedgerMoved:
            out.append(e)
        elif t is Trade:
            out += e.moves()
    return out


# ------------------------------------------------------------------ order events
# Plain slotted classes, not dataclasses: compiled, they are cdef classes (events.pxd)
# made at C level, with no Python __init__ to run on the hot path.
class OrderEvent:
    """An order's status changed to `status` (a class constant); `reason` says why when a
    close or rejection has one."""
    __slots__ = ("order", "reason")
    status = ""

    def __init__(self, order: Order, reason: str | None = None) -> None:
        self.order = order
        self.reason = reason

    def row(self):
        return ("order", self.order.oid, self.status, self.reason)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(order={self.order!r}, reason={self.reason!r})"


class OrderNew(OrderEvent):
    """Placed: journalled, not yet checked."""
    __slots__ = ()
    status = NEW


class OrderQueued(OrderEvent):
    """Checked in line: next it is checked, funded and activated (or waits as a stop)."""
    __slots__ = ()
    status = QUEUED


class OrderActive(OrderEvent):
    """Activated: about to match; what is left rests, is cancelled or rejected."""
    __slots__ = ()
    status = ACTIVE


class OrderPartiallyFilled(OrderEvent):
    """Filled in part for the first time."""
    __slots__ = ()
    status = PARTIAL


class OrderFilled(OrderEvent):
    """Filled whole; what it still held is released."""
    __slots__ = ()
    status = FILLED


class OrderCancelled(OrderEvent):
    """Cancelled (by a person, STP, IOC, a market order out of reach ...); `reason` says which."""
    __slots__ = ()
    status = CANCELLED


class OrderExpired(OrderEvent):
    """Expired: a day order at session close, or outside a new band."""
    __slots__ = ()
    status = EXPIRED


class OrderRejected(OrderEvent):
    """Refused; `reason` is the same text the Outcome carries."""
    __slots__ = ()
    status = REJECTED


#: final status -> its event class (the engine closes orders by status)
CLOSE_EVENTS = {CANCELLED: OrderCancelled, EXPIRED: OrderExpired, REJECTED: OrderRejected}


class OrderRested:
    """The order joined its book at `order.price` with time priority `order.rank`."""
    __slots__ = ("order",)

    def __init__(self, order: Order) -> None:
        self.order = order

    def row(self):
        return None

    def __repr__(self) -> str:
        return f"OrderRested(order={self.order!r})"


# ------------------------------------------------------------------ made on the hot path
# The engine makes its order events and outcomes through these. Each is the record its
# class's constructor makes, made without running __init__: compiled (events.pxd), one C
# call of the type's allocator, where calling the class builds an argument tuple, runs
# the type's call machinery and parses the tuple again.
def order_event(cls, order: Order, reason: str | None = None) -> OrderEvent:
    """`cls(order, reason)` for an OrderEvent class `cls`."""
    e = cls.__new__(cls)
    e.order = order
    e.reason = reason
    return e


def order_rested(order: Order) -> OrderRested:
    """`OrderRested(order)`."""
    e = OrderRested.__new__(OrderRested)
    e.order = order
    return e


def outcome(seq: int, code: ResultCode, reason: str | None, events: list) -> Outcome:
    """`Outcome(seq, code, reason, events)`."""
    out = Outcome.__new__(Outcome)
    out.seq = seq
    out.code = code
    out.reason = reason
    out.events = events
    return out


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
class CancelledAll:
    """A cancel-all of `user` closed `count` orders."""
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
    """`asset` now has `places` decimal places."""
    asset: str
    places: int

    def row(self):
        return ("asset", self.asset, self.places)


@dataclass(slots=True)
class Deposited:
    """A deposit credited `user`."""
    user: str
    asset: str
    amount: int      # 1e-18

    def row(self):
        return ("deposit", self.user, self.asset, fmt_amount(self.amount))


@dataclass(slots=True)
class Withdrawn:
    """A withdrawal debited `user`."""
    user: str
    asset: str
    amount: int      # 1e-18

    def row(self):
        return ("withdraw", self.user, self.asset, fmt_amount(self.amount))


@dataclass(slots=True)
class Audited:
    """An admin action recorded (engine.commands.Audit)."""
    action: str
    subject: str

    def row(self):
        return ("audit", self.action, self.subject)


#: the order status events (OrderEvent's kinds)
STATUS_EVENTS = frozenset({
    OrderNew, OrderQueued, OrderActive, OrderPartiallyFilled, OrderFilled, OrderCancelled,
    OrderExpired, OrderRejected,
})

#: the event classes that carry an `order` (the order they changed)
ORDER_EVENTS = frozenset({
    OrderNew, OrderQueued, OrderActive, OrderPartiallyFilled, OrderFilled, OrderCancelled,
    OrderExpired, OrderRejected, OrderRested, OrderHoldChanged, OrderAmended,
})


#: the event classes the journal keeps no row for
UNJOURNALLED = frozenset({LedgerMoved, OrderRested, OrderHoldChanged})


def journal_rows(events) -> list[tuple]:
    """The journal's compact rows of `events` (JSON-ready tuples; see the module doc)."""
    return [e.row() for e in events if type(e) not in UNJOURNALLED]
