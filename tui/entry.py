"""The expert quick-entry line: `buy 0.5 @ 100000000`, `sell 1 mkt`, `buy 0.2 @ 99m ioc`,
and `amend ID [QTY] [@ PRICE]` for a resting order (a smaller QTY keeps its queue place).

Turns text into an order-stream command (decimal strings). A number that is not a plain
positive decimal within the exchange's limits (engine.numbers.parse_price, the check the
ticket, the CLI and the gateway make) is an EntryError, never an order; the exchange
judges the rest (tick, step, funds ...).
"""
from decimal import Decimal, InvalidOperation

from souq.engine.edge import plain_ascii
from souq.engine.model import TIFS
from souq.engine.numbers import BadNumber, parse_price

SUFFIX = {"k": Decimal(1000), "m": Decimal(1_000_000), "b": Decimal(1_000_000_000)}
TIF_WORDS = {**{t: t for t in TIFS}, "post": "post_only", "postonly": "post_only"}


class EntryError(ValueError):
    """The line could not be read; the message names the part that was wrong."""


def parse_entry(text: str, user: str, symbol: str) -> dict:
    words = text.lower().replace("@", " @ ").split()
    if not words:
        raise EntryError("type an order, e.g. 'buy 0.5 @ 100000000' or 'sell 1 mkt'")
    side = words.pop(0)
    if side == "amend":
        return parse_amend(text.split()[1:], user)
    if side not in ("buy", "sell", "b", "s"):
        raise EntryError(f"start with buy or sell, not {side!r}")
    side = "buy" if side.startswith("b") else "sell"
    if not words:
        raise EntryError("missing quantity")
    cmd = {"user": user, "symbol": symbol, "side": side, "qty": number(words.pop(0), "quantity")}
    price = stop = tif = None
    market = False
    while words:
        w = words.pop(0)
        if w == "@":
            if not words:
                raise EntryError("missing price after @")
            price = number(words.pop(0), "price")
        elif w in ("mkt", "market"):
            market = True
        elif w == "stop":
            if not words:
                raise EntryError("missing stop price after 'stop'")
            stop = number(words.pop(0), "stop price")
        elif w in TIF_WORDS:
            tif = TIF_WORDS[w]
        else:
            raise EntryError(f"do not understand {w!r}")
    if market and price is not None:
        raise EntryError("a market order takes no price")
    if price is None and not market and stop is None:
        raise EntryError("give a price ('@ 100000000') or 'mkt'")
    if price is not None:
        cmd["op"] = "stop_limit" if stop is not None else "limit"
        cmd["price"] = price
    else:
        cmd["op"] = "stop_market" if stop is not None else "market"
    if stop is not None:
        cmd["stop_price"] = stop
    if tif is not None:
        cmd["tif"] = tif
    return cmd


def parse_amend(words: list[str], user: str) -> dict:
    """`amend ID [QTY] [@ PRICE]` (ID as typed: client ids are case-sensitive) to the
    order-stream amend command; QTY is the order's new total quantity."""
    words = " ".join(words).replace("@", " @ ").split()
    if not words:
        raise EntryError("say which order: amend ID [QTY] [@ PRICE]")
    cmd = {"op": "amend", "user": user, "id": words.pop(0)}
    while words:
        w = words.pop(0)
        if w == "@":
            if not words:
                raise EntryError("missing price after @")
            cmd["price"] = number(words.pop(0).lower(), "price")
        elif "qty" not in cmd:
            cmd["qty"] = number(w.lower(), "quantity")
        else:
            raise EntryError(f"do not understand {w!r}")
    if "qty" not in cmd and "price" not in cmd:
        raise EntryError("give a new quantity or '@ PRICE': amend ID [QTY] [@ PRICE]")
    return cmd


def number(word: str, what: str) -> str:
    """'99m' -> '99000000'; plain positive decimals pass through; anything else (not a
    number, zero, negative, beyond 10^15 or 9 decimals) is an EntryError naming `what`."""
    factor, digits = Decimal(1), word
    if word and word[-1] in SUFFIX:
        factor, digits = SUFFIX[word[-1]], word[:-1]
    if not plain_ascii(digits):
        raise EntryError(f"{what} {word!r} is not a number")
    try:
        value = Decimal(digits) * factor
    except InvalidOperation:
        raise EntryError(f"{what} {word!r} is not a number") from None
    if not value.is_finite() or "e" in digits:
        raise EntryError(f"{what} {word!r} is not a plain number")
    text = format(value.normalize(), "f")
    try:
        parse_price(text, what)
    except BadNumber as exc:
        raise EntryError(str(exc).replace(repr(text), repr(word))) from None
    return text
