"""The exchange API a person uses, and the one strategies use too.

It acts as one user: the operator (an admin) unless told otherwise. Writes go through
the journal-backed Store; reads come from the projections, with the trader API's rule
that nobody sees another user's orders, trades, wallets or ledger.
"""
import time
from dataclasses import dataclass

from souq.engine.admission import edge_refusal
from souq.engine.edge import EdgeError
from souq.engine.events import ACCEPTED, ResultCode
from souq.engine.model import ADMIN, OPERATOR
from souq.engine.permissions import role_refusal

from . import access
from . import queries as Q
from .access import AccessDenied, visible_user
from .migrate import needs_upgrade, upgrade
from .store import BatchResult, Store, connect, create_schema, normalise_url, prepare
from .urls import chosen_url


@dataclass
class Result:
    """One committed command: its journal seq, ResultCode, reason (None: accepted), typed
    events (engine.events), the orders it touched (oid -> Order) and its trades."""
    seq: int
    reason: str | None
    events: list
    orders: dict
    trades: list
    code: ResultCode = ACCEPTED

    @property
    def accepted(self) -> bool:
        return self.reason is None


class Api:
    def __init__(self, url: str | None = None, actor: str = OPERATOR, clock=time.time_ns) -> None:
        self.url = normalise_url(chosen_url(url))
        self.actor = actor
        self.clock = clock
        self._store: Store | None = None
        self._engine = None

    # ------------------------------------------------------------- plumbing
    @property
    def store(self) -> Store:
        if self._store is None:
            if self._engine is None and needs_upgrade(self.url):   # an older database is
                engine = connect(self.url)                          # upgraded first (db/migrate)
                try:
                    upgrade(engine)
                finally:
                    engine.dispose()
            self._store = Store(self.url)
        return self._store

    @property
    def db(self):
        if self._engine is None:
            self._engine = self._store.engine if self._store else connect(self.url)
            if self._store is None and needs_upgrade(self.url):
                upgrade(self._engine)
            create_schema(self._engine)
        return self._engine

    def acting_as(self, actor: str) -> "Api":
        """The same database read as another user, sharing this Api's connection pool
        (for servers answering many users). Close only the original."""
        other = Api(self.url, actor, self.clock)
        other._engine = self.db
        return other

    def sharing_store(self, actor: str, clock=None) -> "Api":
        """An Api acting as `actor` on this one's store: one in-memory exchange for
        everything in a process (a simulation and its strategy runners). Close only the
        original."""
        other = Api(self.url, actor, self.clock if clock is None else clock)
        other._store = self.store
        return other

    def exchange(self):
        """The engine Exchange this process keeps current from the journal, for reading
        only (mm/venue's DatabaseVenue, the demo simulator): write through `execute_many`."""
        return self.store.ex

    def refresh(self) -> None:
        """Apply the journal entries other processes committed since the last look.
        Raises sqlalchemy's OperationalError when the database stays locked."""
        self.store.refresh()

    def add_trade_listener(self, fn) -> None:
        """Call `fn(trades)` with engine trade tuples as this process commits or catches up
        on them."""
        self.store.trade_listeners.append(fn)

    def remove_trade_listener(self, fn) -> None:
        self.store.trade_listeners.remove(fn)

    def add_entry_listener(self, fn) -> None:
        """Call `fn(entries)` with the journal entries (db.store.Entry, oldest first, each
        with its events decoded) this process commits or catches up on, once applied."""
        self.store.entry_listeners.append(fn)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
        elif self._engine is not None:
            self._engine.dispose()

    # ------------------------------------------------------------- writes
    def execute(self, obj: dict) -> Result:
        """One command in the stream shape, committed on its own."""
        batch = self.execute_many([obj])
        o = batch.outcomes[0]
        return Result(o.seq, o.reason, o.events, batch.orders, batch.trades, o.code)

    def admit(self, obj: dict) -> None:
        """Refuse a command a person typed wrong before it is journalled: a malformed
        number, an unknown symbol, asset, user or order, acting for another user without
        the right (engine.admission). Raises EdgeError (a ValueError) naming the bad value."""
        prepare(obj, self.actor)          # the stream's shape first (StreamError)
        reason = edge_refusal(self.store.ex, obj, self.actor, self.has_order)
        if reason is not None:
            raise EdgeError(reason)

    def has_order(self, user: str, client_id: str) -> bool:
        """Whether `user` ever placed an order with `client_id` (open or closed)."""
        return self.read(Q.order_by_client_id, user, client_id) is not None

    def order_number(self, user: str, number: int) -> dict | None:
        """Order number `number` (its journal seq) if it is `user`'s, else None."""
        row = self.read(Q.order, number)
        return row if row is not None and row["user"] == user else None

    def submit(self, obj: dict) -> Result:
        """`admit` then `execute`: a command from a person at an edge."""
        self.admit(obj)
        return self.execute(obj)

    def execute_many(self, objs, within=None, ts: int | None = None) -> BatchResult:
        """Commands committed together; `within` as in Store.submit. They are journalled at
        `ts` (ns since the Unix epoch; None: this Api's clock), e.g. a simulator's time."""
        items = [prepare(obj, self.actor) for obj in objs]
        return self.store.submit(items, self.clock() if ts is None else ts, within)

    # ------------------------------------------------------------- reads
    def role(self) -> str | None:
        """The actor's role (db/access.py); None for a user the exchange does not know."""
        return access.role(self)

    def visible_user(self, user: str | None) -> str | None:
        """The user filter a read may use: admins see all, others only themselves."""
        return visible_user(self.actor, self.role(), user)

    def has_user(self, name: str) -> bool:
        """Whether the exchange knows user `name`."""
        return self.read(Q.user, name) is not None

    def read(self, fn, *args, **kw):
        with self.db.connect() as conn:
            return fn(conn, *args, **kw)

    def orders(self, *, user=None, status=None, symbol=None, limit=None):
        return self.read(Q.orders, user=self.visible_user(user), status=status, symbol=symbol,
                         limit=limit)

    def trades(self, *, user=None, symbol=None, limit=None):
        return self.read(Q.trades, user=self.visible_user(user), symbol=symbol, limit=limit)

    def wallets(self, *, user=None):
        return self.read(Q.wallets, user=self.visible_user(user))

    def ledger(self, *, user=None, asset=None, limit=None):
        return self.read(Q.ledger, user=self.visible_user(user), asset=asset, limit=limit)

    def book(self, symbol: str, depth: int = 10):
        return self.read(Q.book, symbol, depth)

    def symbols(self):
        return self.read(Q.symbols)

    def symbol(self, name: str):
        return self.read(Q.symbol, name)

    def sessions(self, name: str):
        return self.read(Q.sessions, name)

    def users(self):
        self.require_admin("list users")
        return self.read(Q.users)

    def require_admin(self, what: str) -> None:
        """Raise AccessDenied unless the actor has the admin role (engine.permissions)."""
        if role_refusal("operate", self.actor, self.role()):
            raise AccessDenied(f"only an admin may {what}; {self.actor} is not one")
