"""Text at the edge: the shared parsers every interface uses before a value goes inside.

Python's own readers are too generous for input from people and files: `int()`,
`float()` and `Decimal()` accept Arabic-Indic and other Unicode digits, underscores,
surrounding spaces, `inf`, `nan` and exponents up to 1e999999999; `json` keeps the last
of duplicate keys. Every reader here accepts ASCII only, refuses what is not finite,
bounds the magnitude (so nothing overflows a 64-bit column or hangs a loop), and raises
EdgeError (a ValueError) with a one-line message naming the field.
"""
import json
import math
import re
from decimal import Decimal, InvalidOperation

import orjson

INT64_MAX = 2**63 - 1        # SQLite INTEGER, nanosecond times, row ids
_INT = re.compile(r"[+-]?[0-9]+\Z")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
MAX_EXPONENT = 100           # no field anywhere needs 1e100; beyond it is a typo or an attack


class EdgeError(ValueError):
    """Text that is not a valid value for its field; the message says which and why."""


def _show(text) -> str:
    s = repr(text)
    return s if len(s) <= 40 else s[:37] + "..."


def plain_ascii(text: str) -> bool:
    """Whether typed `text` can be a number as the readers here see one: ASCII, without
    underscores or surrounding spaces. For callers that must use Decimal() itself (a
    suffix like 99m, a parameter kept as typed): Decimal() alone reads '١' and '１' as 1
    and '1_0' as 10."""
    return text.isascii() and "_" not in text and text == text.strip()


def parse_int(text, field: str, lo: int = -INT64_MAX, hi: int = INT64_MAX) -> int:
    """A whole number in ASCII digits, lo <= n <= hi (inclusive)."""
    s = text if isinstance(text, str) else str(text)
    if len(s) > 40 or not _INT.match(s):
        raise EdgeError(f"{field}: {_show(text)} is not a whole number (in ASCII digits)")
    value = int(s)
    if not lo <= value <= hi:
        raise EdgeError(f"{field}: {s} is out of range ({lo} to {hi})")
    return value


def parse_decimal(text, field: str, lo=None, hi=None) -> Decimal:
    """A finite decimal in ASCII (a plain number or one with a short exponent), optionally
    bounded lo <= d <= hi (inclusive; Decimal, int or numeric text)."""
    s = text if isinstance(text, str) else str(text)
    if len(s) > 64 or not _DECIMAL.match(s):
        raise EdgeError(f"{field}: {_show(text)} is not a number (finite, in ASCII digits)")
    try:
        value = Decimal(s)
    except InvalidOperation:                       # pragma: no cover: the pattern forbids it
        raise EdgeError(f"{field}: {_show(text)} is not a number") from None
    if not value:
        value = Decimal(0)                         # 0e999999999 is plain zero
    elif abs(value.adjusted()) > MAX_EXPONENT:
        raise EdgeError(f"{field}: {s} is out of range")
    if lo is not None and value < Decimal(lo):
        raise EdgeError(f"{field}: {s} is below the minimum {lo}")
    if hi is not None and value > Decimal(hi):
        raise EdgeError(f"{field}: {s} is above the maximum {hi}")
    return value


def parse_float(text, field: str, lo: float, hi: float) -> float:
    """parse_decimal as a float: for rates and model inputs, never for money."""
    return float(parse_decimal(text, field, str(lo), str(hi)))


def scaled_int(text, field: str, unit: int, lo=0, hi=None) -> int:
    """A decimal number of some unit as an integer of a smaller one (seconds to ns: unit
    1e9), at most INT64_MAX; lo and hi are in the text's unit."""
    value = int(parse_decimal(text, field, lo, hi) * unit)
    if value > INT64_MAX:
        raise EdgeError(f"{field}: {text} is too large")
    return value


def _pairs(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise EdgeError(f"duplicate key {key!r}")
        obj[key] = value
    return obj


def _no_constant(name: str):
    raise EdgeError(f"{name} is not valid JSON")


_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_no_constant)


def json_value(text: str | bytes):
    """One JSON document; EdgeError for invalid JSON, a duplicate key in any object, or
    NaN/Infinity."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise EdgeError("not valid JSON (not UTF-8)") from None
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise EdgeError(f"not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise EdgeError("not valid JSON (nested too deeply)") from None


def json_line(text: str):
    """json_value for one order-stream line, at orjson's speed on the usual shape: a flat
    object of string values with no backslash holds exactly four quotes per key, so the
    quote count shows a duplicate key; any other line takes the strict reader."""
    try:
        obj = orjson.loads(text)
    except orjson.JSONDecodeError:
        return json_value(text)
    if (type(obj) is dict and "\\" not in text and text.count('"') == 4 * len(obj)
            and all(type(v) is str for v in obj.values())):
        return obj
    return json_value(text)


MAX_OPTION_FLOAT = 1e15      # no float option (a rate, seconds, a volatility) needs more


def check_magnitude(field: str, value) -> None:
    """An already-typed option value (int, float, or a list of them) a 64-bit column and a
    loop can hold: ints within +-INT64_MAX, floats finite and within +-1e15; EdgeError."""
    for v in value if isinstance(value, (list, tuple)) else (value,):
        if isinstance(v, bool):
            continue
        if isinstance(v, int) and not -INT64_MAX <= v <= INT64_MAX:
            raise EdgeError(f"{field}: {v} is out of range (at most {INT64_MAX})")
        if isinstance(v, float) and not (math.isfinite(v) and abs(v) <= MAX_OPTION_FLOAT):
            raise EdgeError(f"{field}: {v} is out of range (a finite number up to "
                            f"{int(MAX_OPTION_FLOAT)})")
