"""What the interactive edges refuse before a command reaches the journal.

The order stream (a replayed file) keeps every order it names, so an order whose numbers
cannot be read is journalled as `rejected` with the reason (engine.stream). A person at
the CLI or a client of the gateway is told at once instead: a malformed number, a symbol,
asset, user or order that does not exist, or acting for someone else without the right
is a one-line refusal and nothing is journalled. Only business rejections (funds, band,
tick, step, session, suspension ...) reach the exchange and become `rejected` orders.

`edge_refusal` reads the exchange state and changes nothing; the CLI (through db.api) and
the gateway call it with the state they are about to write to.
"""
from .fees import precision_unit
from .model import AVAIL, FEES, WORLD
from .numbers import (
    AMOUNT_DP, MAX_AMOUNT_WHOLE, MAX_PRICE_WHOLE, PRICE_DP, BadNumber, parse_fixed,
)
from .permissions import act_refusal
from .stream import SYMBOL

ORDER_OPS = ("limit", "market", "stop_limit", "stop_market")
#: op -> the decimal fields a person types, and their (decimal places, largest whole part)
NUMBERS = {
    **{op: (("qty", PRICE_DP, MAX_PRICE_WHOLE), ("price", PRICE_DP, MAX_PRICE_WHOLE),
            ("stop_price", PRICE_DP, MAX_PRICE_WHOLE)) for op in ORDER_OPS},
    "amend": (("qty", PRICE_DP, MAX_PRICE_WHOLE), ("price", PRICE_DP, MAX_PRICE_WHOLE)),
    "deposit": (("amount", AMOUNT_DP, MAX_AMOUNT_WHOLE),),
    "withdraw": (("amount", AMOUNT_DP, MAX_AMOUNT_WHOLE),),
    "session_open": (("opening_price", PRICE_DP, MAX_PRICE_WHOLE),),
}
#: ops naming a user who must exist (and whom the actor must be, unless an admin)
USER_OPS = ORDER_OPS + ("amend", "cancel", "cancel_all", "deposit", "withdraw", "user_status")
#: ops acting on a user's own orders: a trader acts only for itself
OWN_OPS = ORDER_OPS + ("amend", "cancel", "cancel_all")
#: ops naming a symbol that must exist (cancel_all only when it names one)
SYMBOL_OPS = ORDER_OPS + ("cancel_all", "session_open", "session_close", "symbol_status")
#: ops naming an asset that must be traded on some symbol
ASSET_OPS = ("deposit", "withdraw", "asset")


def known_assets(ex) -> list[str]:
    """Every asset some listed symbol trades, sorted: the assets wallets may hold."""
    return sorted({a for s in list(ex.symbols.values()) for a in (s.spec.base, s.spec.quote)})


def unknown_symbol(name: str, names) -> str:
    """The one wording of a symbol nobody listed (`names`: the listed ones)."""
    return f"unknown symbol {name!r}; known: {', '.join(sorted(names)) or 'none'}"


def unknown_asset(name: str, assets) -> str:
    """The one wording of an asset no listed symbol trades (`assets`: the traded ones)."""
    return (f"unknown asset {name!r}; no symbol trades it (known: "
            f"{', '.join(sorted(assets)) or 'none'})")


def unknown_order(cid: str, user: str) -> str:
    """The one wording of an order id `user` has no order under; a number typed alone is
    shown how order numbers are written (#N: no client id starts with '#')."""
    hint = (f" (a client id; order number {cid} is written #{cid})"
            if cid.isascii() and cid.isdigit() else "")
    return f"unknown order id {cid!r} for {user}{hint}"


def duplicate_id(cid: str, user: str) -> str:
    """The one wording of a client order id `user` has used before (the engine's too)."""
    return f"duplicate client order id {cid!r} for {user}"


def edge_refusal(ex, obj: dict, actor: str, has_order=None, *,
                 numbers_read: bool = False) -> str | None:
    """Why `obj` (a stream-shaped command from `actor`) must be refused at the edge rather
    than journalled, in one sentence naming the bad value; None when it may go in.
    `ex` is an engine.exchange.Exchange, only read. `has_order(user, client_id)` says
    whether a closed order had that id (the exchange keeps only open ones in memory);
    without it, an id not open counts as unknown, and a new order's id as unused. An
    order reusing its user's client id is refused here (no order can take it).
    `numbers_read`: the caller has read an order's numbers already with these very
    limits (engine.stream's PlaceOrder, `invalid` None: the same parse_fixed at PRICE_DP
    and MAX_PRICE_WHOLE), so they are not read a second time."""
    op = obj.get("op")
    for key, dp, most in () if numbers_read and op in ORDER_OPS else NUMBERS.get(op, ()):
        text = obj.get(key)
        if text is None:
            continue
        try:
            parse_fixed(text, dp, key, max_whole=most)
        except BadNumber as exc:
            return str(exc)
    if op in USER_OPS and "user" in obj:
        reason = _user_refusal(ex, obj["user"], actor, op in OWN_OPS)
        if reason:
            return reason
    if op == "symbol" and not SYMBOL.match(obj.get("symbol") or ""):
        return (f"symbol name {obj.get('symbol')!r} must be upper case letters, digits and "
                f"_ . - (like BTC-IRR)")
    if op in SYMBOL_OPS and obj.get("symbol") is not None and obj["symbol"] not in ex.symbols:
        return unknown_symbol(obj["symbol"], ex.symbols)
    if op in ASSET_OPS and "asset" in obj:
        assets = known_assets(ex)
        if obj["asset"] not in assets:
            return unknown_asset(obj["asset"], assets)
        if op in ("deposit", "withdraw"):
            reason = _finer_than_precision(ex, obj, op == "withdraw")
            if reason:
                return reason
    reason = no_change(ex, obj)
    if reason:
        return reason
    if op in ORDER_OPS and obj.get("id") is not None:
        user = ex.users.get(obj.get("user"))
        if user is not None and (obj["id"] in user.orders
                                 or (has_order is not None and has_order(user.name, obj["id"]))):
            return duplicate_id(obj["id"], user.name)
    if op in ("cancel", "amend") and "id" in obj:
        user = ex.users.get(obj.get("user"))
        if (user is not None and obj["id"] not in user.orders
                and not (has_order is not None and has_order(user.name, obj["id"]))):
            return unknown_order(obj["id"], user.name)
    return None


def no_change(ex, obj: dict) -> str | None:
    """Why an admin command that would change nothing is refused: suspending a suspended
    user, reinstating an active one, deactivating an inactive symbol, activating an active
    one, setting an asset's precision to the places it already has. Each is refused as
    revoking a revoked API key is (db.apikeys), in the words `... is already ...`, so the
    journal holds only changes and the edges (CLI, gateway: 409) never report a no-op as
    done. Commands journalled without the edge (a surveillance case's suspensions, a
    replayed stream) still apply as before. Unknown names are refused before this."""
    op = obj.get("op")
    if op == "user_status":
        user = ex.users.get(obj.get("user"))
        if user is not None and obj.get("status") == user.status:
            return f"user {user.name} is already {user.status}"
    elif op == "symbol_status":
        sym = ex.symbols.get(obj.get("symbol"))
        if sym is not None and obj.get("active") == ("true" if sym.active else "false"):
            return f"symbol {sym.name} is already {'active' if sym.active else 'inactive'}"
    elif op == "asset":
        text, places = obj.get("precision"), ex.assets.get(obj.get("asset"))
        if (places is not None and text is not None and text.isascii() and text.isdigit()
                and int(text) == places):
            return (f"{obj['asset']} precision is already {places} decimal "
                    f"place{'' if places == 1 else 's'}")
    return None


def _finer_than_precision(ex, obj: dict, withdraw: bool) -> str | None:
    """Why a deposit's or withdrawal's `amount` (already read by NUMBERS) cannot move its
    asset: a fraction of the asset's smallest unit once the operator has set its precision
    (`souq asset precision`; sessions._set_precision). No precision set: the ledger's own
    18 places, checked above. A withdrawal of the wallet's whole available balance always
    passes: trades' notionals are not rounded to the precision (it rounds fees only, fees.py),
    so a wallet may hold a remainder finer than it, and that must never be stranded."""
    asset, text = obj["asset"], obj.get("amount")
    places = ex.assets.get(asset)
    if places is None or text is None:
        return None
    amount = parse_fixed(text, AMOUNT_DP, "amount", max_whole=MAX_AMOUNT_WHOLE)
    if not amount % precision_unit(places):
        return None
    if withdraw:
        user = ex.users.get(obj.get("user"))
        wallet = user.wallets.get(asset) if user is not None else None
        if wallet is not None and wallet[AVAIL] == amount:
            return None
    return (f"amount {text!r} is finer than {asset}'s precision of {places} decimal "
            f"place{'' if places == 1 else 's'}"
            + ("; only a withdrawal of the whole available balance may be" if withdraw else ""))


def _user_refusal(ex, name: str, actor: str, own: bool) -> str | None:
    user = ex.users.get(name)
    if user is None or name in (FEES, WORLD):
        return f"unknown user {name!r}"
    if own:
        who = ex.users.get(actor)
        return act_refusal(actor, None if who is None else who.role, name)
    return None
