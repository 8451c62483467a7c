"""The order-stream format (README, section Replay; its public contract lives outside this
repository, shared/formats/order-stream.md): text in, commands out.

This is the one edge where strings become integers. A line that breaks the format is a
StreamError naming what is wrong; an order whose numbers are readable JSON strings but
not valid numbers still becomes a command, marked invalid, so the exchange records it
as rejected with the reason; each number it could not read is None (unknown) in the
command, and so in the order and its row, not a number it never had.
"""
import re

from . import commands as C
from .fees import MAX_PRECISION
from .symbols import SymbolSpec
from .model import ORDER_TYPES, ROLES, SIDES, STPS, TIFS
from .numbers import (
    AMOUNT_DP, MAX_AMOUNT_WHOLE, PRICE_DP, BadNumber, fmt, fmt_amount, parse_fixed, parse_rate,
)


class StreamError(ValueError):
    """A line that does not follow the format; replay stops at it."""


NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}\Z")
ASSET = re.compile(r"[A-Z0-9][A-Z0-9_.\-]{0,15}\Z")
#: a new symbol's name: upper case, as assets (BTC-IRR). Checked at the edge
#: (engine.admission), not here: a journal written before the rule may hold others and
#: must still replay
SYMBOL = re.compile(r"[A-Z0-9][A-Z0-9_.\-]{0,63}\Z")
CLIENT_ID = re.compile(r"[!-~]{1,64}\Z")   # printable ASCII, no spaces

#: op -> (required fields, optional fields). The public contract, exactly.
STREAM_OPS = {
    "symbol": (("symbol", "base", "quote", "tick_size", "qty_step"),
               ("min_qty", "max_qty", "daily_limit", "ref_price", "maker_fee", "taker_fee")),
    "user": (("user",), ("role",)),
    "deposit": (("user", "asset", "amount"), ()),
    "withdraw": (("user", "asset", "amount"), ()),
    "session_open": (("symbol",), ("opening_price",)),
    "session_close": (("symbol",), ()),
    "limit": (("id", "user", "symbol", "side", "price", "qty"), ("tif", "stp")),
    "market": (("id", "user", "symbol", "side", "qty"), ("stp",)),
    "stop_limit": (("id", "user", "symbol", "side", "stop_price", "price", "qty"), ("tif", "stp")),
    "stop_market": (("id", "user", "symbol", "side", "stop_price", "qty"), ("stp",)),
    "cancel": (("id", "user"), ()),
    "amend": (("id", "user"), ("price", "qty")),
}

#: Operator commands the journal also holds; not part of the public stream contract.
JOURNAL_OPS = {
    **STREAM_OPS,
    "session_open": (("symbol",), ("opening_price", "maker_fee", "taker_fee")),
    "limit": (("user", "symbol", "side", "price", "qty"), ("id", "tif", "stp")),
    "market": (("user", "symbol", "side", "qty"), ("id", "tif", "stp")),
    "stop_limit": (("user", "symbol", "side", "stop_price", "price", "qty"), ("id", "tif", "stp")),
    "stop_market": (("user", "symbol", "side", "stop_price", "qty"), ("id", "tif", "stp")),
    "user_status": (("user", "status"), ()),
    "symbol_status": (("symbol", "active"), ()),
    "cancel_all": (("user",), ("symbol",)),
    "asset": (("asset", "precision"), ()),
    "audit": (("action", "subject"), ("note",)),
}


def parse_command(obj, *, extended: bool = False):
    """One decoded JSON object to a command. Raises StreamError on a format error."""
    if not isinstance(obj, dict):
        raise StreamError("a line must be a JSON object")
    op = obj.get("op")
    ops = JOURNAL_OPS if extended else STREAM_OPS
    if op is None:
        raise StreamError("missing field 'op'")
    if not isinstance(op, str):
        raise StreamError(f"field 'op' must be a JSON string, got {type(op).__name__}")
    if op not in ops:
        raise StreamError(f"unknown op {op!r}")
    required, optional = ops[op]
    for key in required:
        if key not in obj:
            raise StreamError(f"{op}: missing required field {key!r}")
    for key in obj:
        if key != "op" and key not in required and key not in optional:
            raise StreamError(f"{op}: unknown field {key!r}")
    for key, value in obj.items():
        if not isinstance(value, str):
            raise StreamError(f"{op}: field {key!r} must be a JSON string, got {type(value).__name__}")
    return _BUILDERS[op](obj)


def _name(obj, key, pattern=NAME, what="name"):
    value = obj[key]
    if not pattern.match(value):
        raise StreamError(f"{key} {value!r} is not a valid {what}")
    return value


def _num(obj, key, dp=PRICE_DP, **kw):
    try:
        return parse_fixed(obj[key], dp, key, **kw)
    except BadNumber as exc:
        raise StreamError(str(exc)) from None


def _symbol(o):
    rate = _rate
    step = _num(o, "qty_step")
    return C.AddSymbol(SymbolSpec(
        name=_name(o, "symbol", what="symbol name"),   # upper case: engine.admission
        base=_name(o, "base", ASSET, "asset (upper case)"),
        quote=_name(o, "quote", ASSET, "asset (upper case)"),
        tick=_num(o, "tick_size"), step=step,
        min_qty=_num(o, "min_qty") if "min_qty" in o else step,
        max_qty=_num(o, "max_qty") if "max_qty" in o else None,
        band=rate(o, "daily_limit", 0), ref=_num(o, "ref_price") if "ref_price" in o else None,
        maker=rate(o, "maker_fee", 1_000_000), taker=rate(o, "taker_fee", 2_000_000),
    ))


def _rate(o, key, default):
    if key not in o:
        return default
    try:
        return parse_rate(o[key], key)
    except BadNumber as exc:
        raise StreamError(str(exc)) from None


def _user(o):
    role = o.get("role", "trader")
    if role not in ROLES:
        raise StreamError(f"role {role!r} is not one of {', '.join(ROLES)}")
    return C.AddUser(user=_name(o, "user", what="user name"), role=role)


def _money(cls):
    def build(o):
        return cls(user=o["user"], asset=_name(o, "asset", ASSET, "asset (upper case)"),
                   amount=_num(o, "amount", AMOUNT_DP, max_whole=MAX_AMOUNT_WHOLE))
    return build


def _session_open(o):
    return C.SessionOpen(
        symbol=o["symbol"],
        opening_price=_num(o, "opening_price") if "opening_price" in o else None,
        maker=_rate(o, "maker_fee", None), taker=_rate(o, "taker_fee", None))


def _order(kind):
    def build(o):
        side = o["side"]
        if side not in SIDES:
            raise StreamError(f"side {side!r} must be buy or sell")
        tif = o.get("tif", "gtc")
        if tif not in TIFS:
            raise StreamError(f"tif {tif!r} is not one of {', '.join(TIFS)}")
        stp = o.get("stp", "none")
        if stp not in STPS:
            raise StreamError(f"stp {stp!r} is not one of {', '.join(STPS)}")
        cid = o.get("id")
        if cid is not None and (not CLIENT_ID.match(cid) or cid.startswith("#")):
            raise StreamError(f"id {cid!r} must be 1-64 printable characters, no spaces, "
                              "not starting with '#'")
        invalid = None
        values = {}
        for key in ("qty", "price", "stop_price"):
            if key in o:
                try:
                    values[key] = parse_fixed(o[key], PRICE_DP, key)
                except BadNumber as exc:    # unknown (None), never a stand-in such as 0:
                    values[key] = None        # the order is rejected for `invalid` before
                    invalid = invalid or str(exc)    # any rule reads it, its row shows
                                              # the number as unknown (NULL), and the
                                              # journal keeps it as typed
        return C.PlaceOrder(user=o["user"], cid=cid, symbol=o["symbol"], side=side, type=kind,
                            qty=values["qty"], price=values.get("price"),
                            stop=values.get("stop_price"), tif=tif, stp=stp, invalid=invalid)
    return build


def _amend(o):
    invalid = None
    values = {}
    for key in ("price", "qty"):
        if key in o:
            try:
                values[key] = parse_fixed(o[key], PRICE_DP, key)
            except BadNumber as exc:
                invalid = invalid or str(exc)
    return C.AmendOrder(user=o["user"], cid=o["id"], price=values.get("price"),
                        qty=values.get("qty"), invalid=invalid)


def _asset(o):
    text = o["precision"]
    if not (text.isascii() and text.isdigit()) or len(text) > 2 or int(text) > MAX_PRECISION:
        raise StreamError(f"precision {text!r} must be a whole number of decimal places, "
                          f"0 to {MAX_PRECISION}")
    return C.SetAssetPrecision(asset=_name(o, "asset", ASSET, "asset (upper case)"),
                               places=int(text))


def _user_status(o):
    return C.SetUserStatus(user=o["user"], status=o["status"])


def _symbol_status(o):
    if o["active"] not in ("true", "false"):
        raise StreamError("active must be \"true\" or \"false\"")
    return C.SetSymbolActive(symbol=o["symbol"], active=o["active"] == "true")


_BUILDERS = {
    "symbol": _symbol, "user": _user, "deposit": _money(C.Deposit),
    "withdraw": _money(C.Withdraw), "session_open": _session_open,
    "session_close": lambda o: C.SessionClose(symbol=o["symbol"]),
    "cancel": lambda o: C.CancelOrder(user=o["user"], cid=o["id"]),
    "user_status": _user_status, "symbol_status": _symbol_status,
    "cancel_all": lambda o: C.CancelAll(user=o["user"], symbol=o.get("symbol")),
    "amend": _amend, "asset": _asset,
    "audit": lambda o: C.Audit(action=_name(o, "action", what="audit action"),
                               subject=o["subject"], note=o.get("note", "")),
    **{kind: _order(kind) for kind in ORDER_TYPES},
}


def is_skipped(line: str) -> bool:
    """Blank lines and `#` comments carry nothing."""
    s = line.strip()
    return not s or s.startswith("#")


def trade_record(trade) -> dict:
    """One trade (engine.events.Trade) in the format's trade shape."""
    maker, taker = trade.maker, trade.taker
    return {"seq": trade.id, "symbol": trade.symbol, "price": fmt(trade.price),
            "qty": fmt(trade.qty), "maker": maker.cid, "taker": taker.cid,
            "maker_user": maker.user.name, "taker_user": taker.user.name,
            "maker_fee": fmt_amount(trade.maker_fee), "taker_fee": fmt_amount(trade.taker_fee)}
