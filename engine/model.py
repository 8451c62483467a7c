"""Plain data the engine works on: users, symbols, orders, price levels.

Small slotted objects with integer fields keep a million resting orders cheap.
"""
from collections import deque

from .book import BookSide

BUY, SELL = "buy", "sell"
SIDES = (BUY, SELL)
LIMIT, MARKET, STOP_LIMIT, STOP_MARKET = "limit", "market", "stop_limit", "stop_market"
ORDER_TYPES = (LIMIT, MARKET, STOP_LIMIT, STOP_MARKET)
GTC, IOC, FOK, DAY, POST_ONLY = "gtc", "ioc", "fok", "day", "post_only"
TIFS = (GTC, IOC, FOK, DAY, POST_ONLY)
STP_NONE, STP_NEWEST, STP_OLDEST, STP_BOTH = "none", "cancel_newest", "cancel_oldest", "cancel_both"
STPS = (STP_NONE, STP_NEWEST, STP_OLDEST, STP_BOTH)

NEW, QUEUED, ACTIVE, PARTIAL = "new", "queued", "active", "partial"
FILLED, CANCELLED, EXPIRED, REJECTED = "filled", "cancelled", "expired", "rejected"
OPEN_STATUSES = (QUEUED, ACTIVE, PARTIAL)
STATUSES = (NEW, QUEUED, ACTIVE, PARTIAL, FILLED, CANCELLED, EXPIRED, REJECTED)

ADMIN, TRADER, MARKET_MAKER = "admin", "trader", "market_maker"
ROLES = (ADMIN, TRADER, MARKET_MAKER)
ACTIVE_USER, SUSPENDED = "active", "suspended"

# Built-in accounts. User names may not start with "@", so these never clash.
OPERATOR = "@operator"   # the exchange operator: the admin the CLI acts as by default
FEES = "@fees"           # where every maker and taker fee is credited
WORLD = "@world"         # the outside world: counterpart of deposits and withdrawals

# Ledger buckets: what a user may spend, and what open orders have reserved.
AVAIL, HELD = 0, 1


class User:
    __slots__ = ("name", "role", "status", "wallets", "orders")

    def __init__(self, name: str, role: str) -> None:
        self.name = name
        self.role = role
        self.status = ACTIVE_USER
        self.wallets: dict[str, list[int]] = {}   # asset -> [available, held]
        # client id -> its Order while open, its ClosedOrder once closed (`.is_open` tells)
        self.orders: dict[str, "Order | ClosedOrder"] = {}

    def open_orders(self) -> list["Order"]:
        """This user's open orders (resting, or stops waiting to trigger), any order."""
        return [o for o in self.orders.values() if o.is_open]


class Symbol:
    """A listed symbol, live: its specification (`spec`, a frozen symbols.SymbolSpec that
    a session open replaces when it moves the reference price or the fees), its book and
    its session state. Setting `spec` also copies the fields the hot path reads into
    plain attributes beside it (`name`, `base`, `quote`, `tick`, `step`, `min_qty`,
    `max_qty`, `band`, `ref`, `maker`, `taker`, and `hold_rate`, the larger fee rate a
    buy reserves for), so they never disagree with it and the compiled engine reads them
    at C level (model.pxd)."""
    __slots__ = ("name", "_spec", "base", "quote", "tick", "step", "min_qty", "max_qty",
                 "band", "ref", "maker", "taker", "hold_rate", "fee_q", "active",
                 "sessions", "open", "bids", "asks", "stops", "last")

    def __init__(self, spec) -> None:
        self.spec = spec
        self.fee_q = 1            # the quote asset's smallest unit (1e-18): fees round up to it
        self.active = True
        self.sessions = False     # True once a session has been opened: then sessions govern
        self.open = True
        self.bids = BookSide()    # -price -> Level (best first)
        self.asks = BookSide()    # price -> Level (best first)
        self.stops: list["Order"] = []        # untriggered stop orders, time order
        self.last = None                      # last trade price

    @property
    def spec(self):
        """The symbol's SymbolSpec; assigning one refreshes the copies of its fields."""
        return self._spec

    @spec.setter
    def spec(self, spec) -> None:
        self._spec = spec
        self.name = spec.name
        self.base, self.quote = spec.base, spec.quote
        self.tick, self.step = spec.tick, spec.step
        self.min_qty, self.max_qty = spec.min_qty, spec.max_qty
        self.band, self.ref = spec.band, spec.ref
        self.maker, self.taker = spec.maker, spec.taker
        self.hold_rate = spec.maker if spec.maker > spec.taker else spec.taker


class ClosedOrder:
    """What the exchange keeps of a closed order: its final status (filled, cancelled,
    expired or rejected) under its client id, so the id stays taken and a cancel of it is
    answered "already <status>". One shared instance per status (`closed(status)`)."""
    __slots__ = ("status",)
    is_open = False

    def __init__(self, status: str) -> None:
        self.status = status

    def __repr__(self) -> str:
        return f"ClosedOrder({self.status!r})"


_CLOSED = {s: ClosedOrder(s) for s in (FILLED, CANCELLED, EXPIRED, REJECTED)}


def closed(status: str) -> ClosedOrder:
    """The shared ClosedOrder of a final `status` (a fresh one for any other text)."""
    return _CLOSED.get(status) or ClosedOrder(status)


class Order:
    is_open = True     # in a user's orders: open; a closed one is a ClosedOrder
    __slots__ = ("oid", "user", "cid", "sym", "side", "type", "tif", "stp", "price", "stop",
                 "qty", "filled", "cost", "status", "reason", "hold", "rank")

    def __init__(self, oid, user, cid, sym, side, type_, tif, stp, price, stop, qty):
        self.oid = oid            # the journal sequence of the command that placed it
        self.user = user          # User
        self.cid = cid
        self.sym = sym            # Symbol
        self.side = side
        self.type = type_
        self.tif = tif
        self.stp = stp
        self.price = price        # limit price (1e-9) or None
        self.stop = stop          # stop price or None
        self.qty = qty
        self.filled = 0
        self.cost = 0             # quote traded so far (1e-18), for the average price
        self.status = NEW
        self.reason = None
        self.hold = 0             # what this order still reserves (1e-18 of the held asset)
        self.rank = None          # sequence at which it joined the book: its time priority

    @property
    def remaining(self) -> int:
        return self.qty - self.filled


def new_order(oid, user, cid, sym, side, type_, tif, stp, price, stop, qty) -> Order:
    """`Order(oid, user, cid, sym, side, type_, tif, stp, price, stop, qty)`, made without
    running __init__: the engine's hot path places every order through this. Compiled
    (model.pxd), one C call of the type's allocator, where calling the class builds an
    argument tuple of eleven, runs the type's call machinery and parses the tuple again
    (events.order_event does the same for events). Units as `Order`'s fields."""
    o = Order.__new__(Order)
    o.oid = oid
    o.user = user
    o.cid = cid
    o.sym = sym
    o.side = side
    o.type = type_
    o.tif = tif
    o.stp = stp
    o.price = price
    o.stop = stop
    o.qty = qty
    o.filled = 0
    o.cost = 0
    o.status = NEW
    o.reason = None
    o.hold = 0
    o.rank = None
    return o


class Level:
    """Orders resting at one price, oldest first. Cancelled ones are skipped lazily."""
    __slots__ = ("price", "orders", "count", "total")

    def __init__(self, price: int) -> None:
        self.price = price
        self.orders: deque = deque()
        self.count = 0    # live orders
        self.total = 0    # live remaining quantity
