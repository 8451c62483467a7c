"""Who may do what: the one rule table the engine, the CLI and the network gateway consult.

Two axes decide. The user's role (engine.model.ROLES): some actions are the admin's only.
And, over the network, the scope of the API key in use (read < trade < admin): an action
needs at least its scope, so a read-only key never places an order even for an admin.
The local CLI opens the database itself and so acts with the admin scope.
"""
from . import commands as C
from .model import ADMIN

READ, TRADE, ADMIN_SCOPE = "read", "trade", "admin"
SCOPES = (READ, TRADE, ADMIN_SCOPE)

#: action -> (admin role only, least key scope, what a refusal calls it)
RULES: dict[str, tuple[bool, str, str]] = {
    # exchange commands, named by their journal op
    "symbol": (True, ADMIN_SCOPE, "add symbols"),
    "symbol_status": (True, ADMIN_SCOPE, "change symbols"),
    "user": (True, ADMIN_SCOPE, "add users"),
    "user_status": (True, ADMIN_SCOPE, "suspend or reinstate users"),
    "deposit": (True, ADMIN_SCOPE, "move deposits"),
    "withdraw": (True, ADMIN_SCOPE, "move withdrawals"),
    "session_open": (True, ADMIN_SCOPE, "open sessions"),
    "session_close": (True, ADMIN_SCOPE, "close sessions"),
    "asset": (True, ADMIN_SCOPE, "set asset precisions"),
    "audit_entry": (True, ADMIN_SCOPE, "record surveillance actions"),
    "limit": (False, TRADE, "place orders"),
    "market": (False, TRADE, "place orders"),
    "stop_limit": (False, TRADE, "place orders"),
    "stop_market": (False, TRADE, "place orders"),
    "cancel": (False, TRADE, "cancel orders"),
    "amend": (False, TRADE, "amend orders"),
    "cancel_all": (False, TRADE, "cancel orders"),
    # reads and the gateway's own administration
    "read": (False, READ, "read the exchange"),
    "read_others": (True, READ, "see other users' data"),
    "list_users": (True, READ, "list users"),
    "operate": (True, ADMIN_SCOPE, "run operator tools"),
    "simulate": (True, ADMIN_SCOPE, "run the simulator"),
    "surveillance": (True, ADMIN_SCOPE, "use surveillance"),
    "market_data_import": (True, ADMIN_SCOPE, "import market data"),
    "market_data_delete": (True, ADMIN_SCOPE, "delete market data"),
    "keys": (True, ADMIN_SCOPE, "manage API keys"),
    "audit": (True, ADMIN_SCOPE, "read the audit log"),
}

#: engine command class -> its action in RULES
COMMAND_ACTIONS = {
    C.AddSymbol: "symbol", C.SetSymbolActive: "symbol_status", C.AddUser: "user",
    C.SetUserStatus: "user_status", C.Deposit: "deposit", C.Withdraw: "withdraw",
    C.SessionOpen: "session_open", C.SessionClose: "session_close",
    C.SetAssetPrecision: "asset", C.Audit: "audit_entry",
    C.PlaceOrder: "limit", C.CancelOrder: "cancel", C.AmendOrder: "amend", C.CancelAll: "cancel_all",
}

ADMIN_ONLY_COMMANDS = frozenset(k for k, a in COMMAND_ACTIONS.items() if RULES[a][0])


def role_refusal(action: str, actor: str, role: str | None) -> str | None:
    """Why `actor` (of `role`) may not take `action`, or None when it may.
    Raises KeyError for an action missing from RULES (a programming error)."""
    admin_only, _, verb = RULES[action]
    if admin_only and role != ADMIN:
        return f"only an admin may {verb}; {actor} is a {role}"
    return None


def scope_refusal(action: str, scope: str) -> str | None:
    """Why a key of `scope` may not take `action`, or None when it may."""
    _, need, verb = RULES[action]
    if SCOPES.index(scope) < SCOPES.index(need):
        return f"a key with scope {scope!r} may not {verb}; it needs scope {need!r}"
    return None


def refusal(action: str, actor: str, role: str | None, scope: str = ADMIN_SCOPE) -> str | None:
    """The first reason `actor` may not take `action` with a key of `scope`, or None:
    the role's (the same words as the engine's and the CLI's), then the key's scope."""
    return role_refusal(action, actor, role) or scope_refusal(action, scope)


def command_refusal(cmd, actor: str, role: str | None) -> str | None:
    """The role check of an engine command (the engine's own gate)."""
    if type(cmd) not in ADMIN_ONLY_COMMANDS:
        return None
    return role_refusal(COMMAND_ACTIONS[type(cmd)], actor, role)


def act_refusal(actor: str, role: str | None, user: str) -> str | None:
    """Why `actor` (of `role`, None when unknown) may not act for `user`'s orders, or None:
    a user acts for itself, an admin for anyone. The one "may act for" rule: the engine
    (engine.orders) and the edge (engine.admission) both ask it."""
    if actor != user and role != ADMIN:
        return f"{actor} may not act for {user}"
    return None
