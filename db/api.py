"""The exchange API a person uses, and the one strategies use too.

It acts as one user: the operator (an admin) unless told otherwise. Writes go through
the journal-backed Store; reads come from the projections, with the trader API's rule
that nobody sees another user's orders, trades, wallets or ledger.
"""
import time
from dataclasses import dataclass

from engine.model import ADMIN, OPERATOR

from . import queries as Q
from .store import BatchResult, Store, connect, create_schema, default_url, normalise_url, prepare


class AccessDenied(PermissionError):
    """A user asked for what only its owner or an admin may see."""


@dataclass
class Result:
    seq: int
    reason: str | None
    events: list
    orders: dict
    trades: list

    @property
    def accepted(self) -> bool:
        return self.reason is None


class Api:
    def __init__(self, url: str | None = None, actor: str = OPERATOR, clock=time.time_ns) -> None:
        self.url = normalise_url(url or default_url())
        self.actor = actor
        self.clock = clock
        self._store: Store | None = None
        self._engine = None

    # ------------------------------------------------------------- plumbing
    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.url)
        return self._store

    @property
    def db(self):
        if self._engine is None:
            self._engine = self._store.engine if self._store else connect(self.url)
            create_schema(self._engine)
        return self._engine

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
        return Result(o.seq, o.reason, o.events, batch.orders, batch.trades)

    def execute_many(self, objs, within=None) -> BatchResult:
        """Commands committed together; `within` as in Store.submit."""
        items = [prepare(obj, self.actor) for obj in objs]
        return self.store.submit(items, self.clock(), within)

    # ------------------------------------------------------------- reads
    def role(self) -> str | None:
        if self.actor == OPERATOR:
            return ADMIN
        with self.db.connect() as conn:
            u = Q.user(conn, self.actor)
        return u["role"] if u else None

    def visible_user(self, user: str | None) -> str | None:
        """The user filter a read may use: admins see all, others only themselves."""
        role = self.role()
        if role is None:
            raise AccessDenied(f"unknown user {self.actor!r}")
        if role == ADMIN:
            return user
        if user is not None and user != self.actor:
            raise AccessDenied(f"{self.actor} may not see {user}'s data")
        return self.actor

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
        if self.role() != ADMIN:
            raise AccessDenied(f"only an admin may {what}; {self.actor} is not one")
