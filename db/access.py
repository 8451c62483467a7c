"""Who may do what: the one permission table every interface consults.

Each action (a command's path, e.g. "runs delete") has one rule:
- ADMIN: an admin user; the operator (the CLI's default actor) is one.
- USER: any user the exchange knows (what they then see is filtered to their own data,
  and the engine decides whom a trading command may act for).
- OWNER: an admin, or the owner of the object acted on: a strategy configuration's or a
  stored run's market-maker user. The action is checked once with no owner (the actor
  must be known) and again with the owner once the object is found.
An actor the exchange does not know (`--as nobody`) is refused every action.
"""
from souq.engine.model import ADMIN as ADMIN_ROLE
from souq.engine.model import OPERATOR

ADMIN, USER, OWNER = "admin", "user", "owner"

RULES: dict[str, str] = {
    # the exchange
    "workstation": USER, "init": ADMIN, "demo": ADMIN, "check": ADMIN, "bench": USER,
    "symbol add": ADMIN, "symbol list": USER, "symbol show": USER,
    "symbol activate": ADMIN, "symbol deactivate": ADMIN,
    "session open": ADMIN, "session close": ADMIN,
    "user add": ADMIN, "user list": ADMIN, "user suspend": ADMIN, "user reinstate": ADMIN,
    "deposit": ADMIN, "withdraw": ADMIN,
    "order place": USER, "order cancel": USER, "order cancel-all": USER, "replay": USER,
    "orders": USER, "trades": USER, "book": USER, "wallets": USER, "ledger": USER,
    "analyze": USER, "sim": ADMIN, "asset precision": ADMIN, "asset list": USER,
    "order amend": USER,
    # market surveillance
    **{f"surveil {v}": ADMIN for v in ("scan", "rules", "set", "link", "eval")},
    **{f"cases {v}": ADMIN for v in ("list", "show", "review", "dismiss", "confirm", "release")},
    # the network gateway
    "serve": ADMIN, "key create": ADMIN, "key list": ADMIN, "key revoke": ADMIN, "audit": ADMIN,
    # market data
    "data import": ADMIN, "data delete": ADMIN, "data list": USER, "data show": USER,
    # the desk: configurations and their runs
    "mm templates": USER, "mm list": USER, "mm status": USER, "mm create": USER,
    "mm show": OWNER, "mm set": OWNER, "mm stage": OWNER, "mm start": OWNER,
    "mm stop": OWNER, "mm run": OWNER, "mm limits": USER,
    "mm as-experiment": USER,
    # backtests, searches, stored runs and their reports
    "backtest": OWNER, "optimize": OWNER, "stress": OWNER,
    "runs list": USER, "runs show": OWNER, "runs compare": OWNER, "runs export": OWNER,
    "runs delete": OWNER, "report": OWNER,
}


# Commands that are one of the engine's own actions (engine/permissions.py): their refusal
# uses the engine's words, so the CLI, the gateway and the engine say the same sentence.
ENGINE_ACTIONS = {
    "symbol add": "symbol", "symbol activate": "symbol_status",
    "symbol deactivate": "symbol_status", "session open": "session_open",
    "session close": "session_close", "user add": "user", "user list": "list_users",
    "user suspend": "user_status", "user reinstate": "user_status", "deposit": "deposit",
    "withdraw": "withdraw", "asset precision": "asset", "key create": "keys",
    "key list": "keys", "key revoke": "keys", "audit": "audit", "sim": "simulate",
    "data import": "market_data_import", "data delete": "market_data_delete",
    **{f"surveil {v}": "surveillance" for v in ("scan", "rules", "set", "link", "eval")},
    **{f"cases {v}": "surveillance"
       for v in ("list", "show", "review", "dismiss", "confirm", "release")},
}


class AccessDenied(PermissionError):
    """A user asked for what only its owner or an admin may do or see."""


def role(api) -> str | None:
    """The acting user's role; None when the exchange does not know the actor. The
    operator needs no database read."""
    if api.actor == OPERATOR:
        return ADMIN_ROLE
    if not hasattr(api, "read"):   # db.lite.LiteReader: no SQLAlchemy for the fast reads
        return api.role()
    from . import queries as Q
    u = api.read(Q.user, api.actor)
    return u["role"] if u else None


def require(api, action: str, owner: str | None = None) -> None:
    """Raise AccessDenied unless the actor may do `action` (on an object of `owner`).

    KeyError for an action missing from RULES: every command must be in the table."""
    rule = RULES[action]
    who = role(api)
    if who is None:
        raise AccessDenied(f"unknown user {api.actor!r}")
    if who == ADMIN_ROLE:
        return
    if rule == ADMIN:
        if action in ENGINE_ACTIONS:
            from souq.engine.permissions import role_refusal
            raise AccessDenied(role_refusal(ENGINE_ACTIONS[action], api.actor, who))
        raise AccessDenied(f"only an admin may {action}; {api.actor} is not one")
    if rule == OWNER and owner is not None and owner != api.actor:
        raise AccessDenied(f"{api.actor} may not {action} what belongs to {owner}")


def may(api, action: str, owner: str | None = None) -> bool:
    """Whether `require` would let the actor through."""
    try:
        require(api, action, owner)
    except AccessDenied:
        return False
    return True


def visible_user(actor: str, role: str | None, user: str | None) -> str | None:
    """The user filter a read by `actor` (whose role is `role`, None if unknown) may use
    when it asked for `user`'s data: admins see all (None: everybody), others only
    themselves. Raises AccessDenied otherwise. One rule for every reader (db.api.Api,
    db.lite.LiteReader)."""
    if role is None:
        raise AccessDenied(f"unknown user {actor!r}")
    if role == ADMIN_ROLE:
        return user
    if user is not None and user != actor:
        raise AccessDenied(f"{actor} may not see {user}'s data")
    return actor


class UnknownName(ValueError):
    """A read filter names a user, symbol or asset the exchange does not list."""


def check_filters(reader, *, user=None, symbol=None, asset=None, symbols=None) -> None:
    """Refuse a read filter naming nothing the exchange lists, rather than answer an empty
    list that reads as "none yet": raise UnknownName (the edge's wording, engine.admission)
    for an unknown symbol or asset, or a user the exchange does not know. A user filter is
    judged after the read rule (AccessDenied first), so a trader learns nothing of other
    users. `reader`: db.api.Api, db.lite.LiteReader or gateway.remote.RemoteApi (its
    symbols(), visible_user() and has_user()); `symbols`: its symbol rows when already read."""
    from souq.engine.admission import unknown_asset, unknown_symbol
    from souq.engine.model import FEES, WORLD
    if symbol is not None or asset is not None:
        rows = reader.symbols() if symbols is None else symbols
        names = [s["name"] for s in rows]
        if symbol is not None and symbol not in names:
            raise UnknownName(unknown_symbol(symbol, names))
        assets = {a for s in rows for a in (s["base"], s["quote"])}
        if asset is not None and asset not in assets:
            raise UnknownName(unknown_asset(asset, assets))
    if user is not None and user not in (FEES, WORLD):
        reader.visible_user(user)
        if not reader.has_user(user):
            raise UnknownName(f"unknown user {user!r}")


def config_owner(conn, name: str) -> str | None:
    """The market-maker user a configuration (and so each of its runs) trades as."""
    from . import desk as D
    cfg = D.config(conn, name)
    return cfg["user"] if cfg else None


def require_run(api, action: str, row: dict) -> dict:
    """A stored backtest run (a db/backtests row) if the actor may `action` it; it belongs
    to its configuration's user. Raises AccessDenied."""
    require(api, action, api.read(config_owner, row["config"]))
    return row


def visible_runs(api, rows: list[dict]) -> list[dict]:
    """The stored runs among `rows` the actor may see."""
    if role(api) == ADMIN_ROLE:
        return rows
    owners = {name: api.read(config_owner, name) for name in {r["config"] for r in rows}}
    return [r for r in rows if owners[r["config"]] == api.actor]
