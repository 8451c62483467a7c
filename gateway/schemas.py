"""Request and response bodies, with the exchange design's field names.

Every amount, price and quantity is a decimal string: a JSON number, exponent notation or
an unknown field is refused with a sentence naming it (strict models, extra="forbid").
"""
import re
import typing
from typing import Annotated, Literal, Optional

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo

from souq.engine.model import ORDER_TYPES, ROLES, SIDES, STPS, TIFS
from souq.engine.numbers import (
    AMOUNT_DP, MAX_AMOUNT_WHOLE, MAX_PRICE_WHOLE, PRICE_DP, parse_fixed,
)

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$"


def _ascii_whole(value):
    """A whole-number query parameter as typed: ASCII digits only (pydantic alone reads
    '1_0' as 10 and ' 2' as 2, as the CLI's options once read '١' as 1)."""
    if isinstance(value, str) and not (value.isascii() and value.isdigit()):
        raise ValueError(f"{value!r} is not a whole number in ASCII digits")
    return value


#: put in a whole-number query parameter's Annotated[...] beside its Query(...)
WHOLE = BeforeValidator(_ascii_whole)


_ISO_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}")


def _iso_time(value):
    """A time query parameter as typed: ISO-8601 date and time (pydantic alone also reads
    '1' or '99999999999' as seconds since 1970, and a bare date as its midnight)."""
    if isinstance(value, str) and not _ISO_TIME.match(value):
        raise ValueError(f"{value!r} is not an ISO-8601 time like 2026-12-02T09:30:00Z")
    return value


#: put in a time query parameter's Annotated[...] beside its Query(...)
ISO_TIME = BeforeValidator(_iso_time)


def _decimal_type(dp: int, max_whole: int, example: str):
    """A decimal string checked by engine.numbers.parse_fixed with the limits the CLI uses
    (one definition for both edges): at most `dp` places, whole part at most `max_whole`."""
    def check(value: str, info: ValidationInfo) -> str:
        parse_fixed(value, dp, info.field_name, max_whole=max_whole)   # BadNumber
        return value
    check.decimal = True       # what DECIMAL_FIELDS finds
    pattern = rf"^[0-9]{{1,{len(str(max_whole))}}}(\.[0-9]{{1,{dp}}})?$"
    return Annotated[str, AfterValidator(check),
                     Field(json_schema_extra={"pattern": pattern}, examples=[example])]


#: prices and quantities (engine.numbers: 9 places, at most 1e15)
Decimal = _decimal_type(PRICE_DP, MAX_PRICE_WHOLE, "1.5")
#: money amounts of deposits and withdrawals (18 places, at most 1e21)
Amount = _decimal_type(AMOUNT_DP, MAX_AMOUNT_WHOLE, "1000")
#: the longest name a body may carry (symbols, assets, users); the order fast path too
NAME_MAX = 64
Name = Annotated[str, Field(min_length=1, max_length=NAME_MAX,
                            json_schema_extra={"pattern": NAME_PATTERN})]


class In(BaseModel):
    """A request body: strict types, no unknown fields."""
    model_config = ConfigDict(extra="forbid", strict=True)


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- auth
class LoginIn(In):
    client_id: Annotated[str, Field(min_length=1, max_length=64)]
    client_secret: Annotated[str, Field(min_length=1, max_length=256)]


class RefreshIn(In):
    refresh_token: Annotated[str, Field(min_length=1, max_length=4096)]


class TokensOut(Out):
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int
    scope: str


# ---------------------------------------------------------------- users and accounting
class UserIn(In):
    user_id: Name
    role: Literal[ROLES] = "trader"                       # type: ignore[valid-type]


class UserOut(Out):
    user_id: str
    role: str
    status: str
    wallet_ids: list[str]


class AmountIn(In):
    amount: Amount


class TransactionOut(Out):
    transaction_id: str
    wallet_id: str
    kind: str
    amount: str


class WalletOut(Out):
    wallet_id: str
    user_id: str
    asset: str
    balance: str
    hold: str
    available: str


class LedgerOut(Out):
    entry_id: str
    transaction_id: str
    kind: str
    asset: str
    from_user: str
    from_bucket: str
    to_user: str
    to_bucket: str
    amount: str
    ref: Optional[str]


# ---------------------------------------------------------------- market data
class SymbolOut(Out):
    symbol: str
    base: str
    quote: str
    tick_size: str
    qty_step: str
    min_qty: str
    max_qty: Optional[str]
    daily_limit: str
    ref_price: Optional[str]
    maker_fee: str
    taker_fee: str
    active: bool
    sessions: bool
    open: bool
    last_price: Optional[str]


class SessionOut(Out):
    symbol: str
    opened_at: Optional[str]
    closed_at: Optional[str]
    opening_price: Optional[str]
    maker_fee: str
    taker_fee: str


class TickerOut(Out):
    symbol: str
    last: Optional[str]
    bid: Optional[str]
    ask: Optional[str]
    open: Optional[str]
    high: Optional[str]
    low: Optional[str]
    volume: str
    quote_volume: str
    change: Optional[str]
    change_percent: Optional[str]


class LevelOut(Out):
    price: str
    quantity: str
    orders: int


class BookOut(Out):
    symbol: str
    bids: list[LevelOut]
    asks: list[LevelOut]


# ---------------------------------------------------------------- orders and trades
class OrderIn(In):
    symbol: Name
    side: Literal[SIDES]                                  # type: ignore[valid-type]
    type: Literal[ORDER_TYPES] = "limit"                  # type: ignore[valid-type]
    price: Optional[Decimal] = None
    quantity: Decimal
    stop_price: Optional[Decimal] = None
    time_in_force: Optional[Literal[TIFS]] = None         # type: ignore[valid-type]
    stp: Optional[Literal[STPS]] = None                   # type: ignore[valid-type]
    client_order_id: Optional[Annotated[str, Field(min_length=1, max_length=64,
                                                   json_schema_extra={"pattern": r"^[!-~]{1,64}$"})]] = None


class TradeOut(Out):
    trade_id: str
    symbol: str
    price: str
    quantity: str
    taker_side: str
    time: str
    maker_user: Optional[str] = None
    taker_user: Optional[str] = None
    maker_order: Optional[str] = None
    taker_order: Optional[str] = None
    maker_fee: Optional[str] = None
    taker_fee: Optional[str] = None


class OrderOut(Out):
    order_id: str
    client_order_id: str
    user_id: str
    symbol: str
    side: str
    type: str
    price: Optional[str]
    stop_price: Optional[str]
    quantity: Optional[str]   # null: unknown, an unreadable quantity (the order was
                              # rejected for it, with the reason), as price is then
    filled: str
    avg_price: Optional[str]
    time_in_force: str
    stp: str
    status: str
    reason: Optional[str]
    cost: str                 # quote traded so far
    hold: str                 # what the order still reserves
    trades: list[TradeOut] = []
    # when the command that placed it was journalled (ISO-8601 UTC), in every answer and
    # feed message about the order (gateway.placed); null only if the journal lacks it
    created_at: Optional[str] = None


class CancelAllOut(Out):
    cancelled: int
    orders: list[OrderOut]


class MeOut(Out):
    user_id: str
    role: str
    status: str
    client_id: str
    scope: str


def _is_decimal(annotation, metadata=()) -> bool:
    """Whether a field is a Decimal or Amount (bare or Optional)."""
    if any(getattr(getattr(m, "func", None), "decimal", False) for m in metadata):
        return True
    extra = getattr(annotation, "__metadata__", ())
    return (any(getattr(getattr(m, "func", None), "decimal", False) for m in extra)
            or any(_is_decimal(a) for a in typing.get_args(annotation)))


#: the body fields that are decimal strings (prices, quantities, amounts): a type error
#: on one says "a decimal as text"; on any other field, just the JSON type expected
DECIMAL_FIELDS = frozenset(name for model in In.__subclasses__()
                           for name, f in model.model_fields.items()
                           if _is_decimal(f.annotation, f.metadata))
