"""The exchange: commands in, one Outcome (result code, reason, typed events) out.

`Exchange` ties the jobs together, each in its own module and each a subclass of the one
before: the ledger (engine.ledger, which holds the state), escrow (engine.escrow),
matching (engine.matching), order commands (engine.orders) and symbols and sessions
(engine.sessions). A chain rather than mixins, so the compiled engine calls across the
parts at C level (engine/native.py). This module holds the dispatcher and the user
commands. `apply` is the one entry point: it checks the actor's role
(engine.permissions), runs the command's handler and returns an engine.events.Outcome.
"""
from . import commands as C
from .commands import CancelOrder, PlaceOrder
from .events import ACCEPTED, Audited, Outcome, ResultCode as R, UserChanged, outcome
from .ledger import SYSTEM
from .matching import book_order  # noqa: F401  (public: db.load rebuilds books)
from .model import (
    ACTIVE_USER, ADMIN, FEES, OPERATOR, ROLES, SUSPENDED, WORLD, User,
)
from .orders import UnknownSymbol  # noqa: F401  (UnknownSymbol: its old home)
from .permissions import ADMIN_ONLY_COMMANDS, command_refusal
from .sessions import Sessions


class Exchange(Sessions):
    """The whole exchange state (engine.ledger.Ledger) and its command dispatcher. Times
    are passed in, never read."""

    def __init__(self) -> None:
        Sessions.__init__(self)
        for name, role in ((OPERATOR, ADMIN), (FEES, SYSTEM), (WORLD, SYSTEM)):
            self.users[name] = User(name, role)
        # the other commands' handlers (placing and cancelling orders are dispatched first)
        self._handlers = {
            C.CancelAll: self._cancel_all, C.Deposit: self._deposit, C.Withdraw: self._withdraw,
            C.AddUser: self._add_user,
            C.SetUserStatus: self._set_user_status, C.AddSymbol: self._add_symbol,
            C.SetSymbolActive: self._set_symbol_active, C.SessionOpen: self._session_open,
            C.SessionClose: self._session_close, C.SetAssetPrecision: self._set_precision,
            C.AmendOrder: self._amend, C.Audit: self._audit,
        }

    def apply(self, cmd, ts: int = 0, actor: str = OPERATOR) -> Outcome:
        """Apply one command (engine.commands) at time `ts` (ns, passed in, never read) on
        behalf of `actor`. Returns its Outcome: seq, ResultCode, reason (None when
        accepted) and events. A rejected command may still have events (a rejected order
        is journalled new, queued, rejected). Never raises for a business rule."""
        self.seq += 1
        self.ts = ts
        self.events = events = []
        who = self.users.get(actor)
        if who is None:
            return outcome(self.seq, R.UNKNOWN_USER, f"unknown user {actor!r}", events)
        t = type(cmd)
        if t is PlaceOrder:            # the hot commands first; neither is admin-only
            refused = self._place(cmd, who)
        elif t is CancelOrder:
            refused = self._cancel(cmd, who)
        else:
            if t in ADMIN_ONLY_COMMANDS:
                refused = command_refusal(cmd, actor, who.role)
                if refused:
                    return outcome(self.seq, R.NOT_PERMITTED, refused, events)
            refused = self._handlers[t](cmd, who)
        if refused is None:
            return outcome(self.seq, ACCEPTED, None, events)
        return outcome(self.seq, refused[0], refused[1], events)

    # ------------------------------------------------------------------ users
    def _add_user(self, c: C.AddUser, who):
        if c.user in self.users:
            return R.USER_EXISTS, f"user {c.user} already exists"
        if not c.user or c.user.startswith("@"):
            return (R.RESERVED_NAME,
                    f"user name {c.user!r} is reserved; names may not start with '@'")
        if c.role not in ROLES:
            return R.UNKNOWN_ROLE, f"unknown role {c.role!r}; use one of {', '.join(ROLES)}"
        u = self.users[c.user] = User(c.user, c.role)
        self.events.append(UserChanged(u))
        return None

    def _set_user_status(self, c: C.SetUserStatus, who):
        u = self.users.get(c.user)
        if u is None or u.role == SYSTEM:
            return R.UNKNOWN_USER, f"unknown user {c.user!r}"
        if u.name == OPERATOR:
            return R.OPERATOR_PROTECTED, "the operator cannot be suspended"
        if c.status not in (ACTIVE_USER, SUSPENDED):
            return (R.UNKNOWN_USER_STATUS,
                    f"unknown user status {c.status!r}; use active or suspended")
        u.status = c.status
        if c.status == SUSPENDED:   # the rule: a suspended user has no live order, ever
            self._close_all(u, None, f"user {u.name} suspended")
        self.events.append(UserChanged(u))
        return None

    def _audit(self, c: C.Audit, who):
        """Nothing in the exchange changes: the journal entry itself is the record."""
        self.events.append(Audited(c.action, c.subject))
        return None
