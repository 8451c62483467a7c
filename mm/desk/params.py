"""Typed strategy parameters: unit, default, valid range and help text for each.

Values arrive as text (`souq mm set NAME key=value`, a form field) and are validated as a
whole: one bad value refuses the whole change with a one-line reason, nothing half-applied.
Quantities and money become engine integers (1e-9), durations nanoseconds.
"""
import dataclasses
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from souq.engine.edge import EdgeError, parse_decimal, parse_int
from souq.engine.numbers import PRICE_DP, BadNumber, fmt, parse_fixed
from souq.engine.stream import NAME as SYMBOL_NAME

# kinds: what text is accepted and what the typed value is
QTY, MONEY, PRICE = "qty", "money", "price"     # decimal text -> int at 1e-9
NUMBER, BPS, RATIO = "number", "bps", "ratio"   # decimal text -> float
SECONDS = "seconds"                              # decimal text -> int ns
INT, BOOL, CHOICE, TEXT = "int", "bool", "choice", "text"

UNITS = {QTY: "base", MONEY: "quote", PRICE: "quote", BPS: "bps", RATIO: "ratio",
         SECONDS: "s", NUMBER: "", INT: "", BOOL: "", CHOICE: "", TEXT: ""}


# The widest range of each numeric kind, where a template names no bound of its own.
KIND_LIMITS = {QTY: "1000000000000000", MONEY: "1000000000000000",
               PRICE: "1000000000000000", SECONDS: "31536000", BPS: "100000",
               RATIO: "1000000", NUMBER: "1000000000", INT: "1000000000"}


class BadParam(ValueError):
    """A parameter value that is not valid; the message names it and why."""


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    default: str                       # as text, the way a person would type it
    help: str
    lo: str | None = None              # inclusive bounds, as text
    hi: str | None = None
    choices: tuple[str, ...] = ()
    optional: bool = False             # "" / "none" means unset (value None)

    def __post_init__(self) -> None:
        """Every number has a finite range: bounds the template leaves open get the kind's
        (KIND_LIMITS), so nothing typed can overflow or stall a run."""
        limit = KIND_LIMITS.get(self.kind)
        if limit is None:
            return
        if self.hi is None:
            object.__setattr__(self, "hi", limit)
        if self.lo is None:
            object.__setattr__(self, "lo", "0" if self.kind == SECONDS else f"-{limit}")

    @property
    def unit(self) -> str:
        return UNITS[self.kind]

    def parse(self, text) -> object:
        """The typed value of `text`, or BadParam naming this parameter."""
        s = str(text)
        if s != s.strip():      # refused as `order place` refuses ' 0.5': one rule for both
            raise BadParam(f"{self.name}: {s!r} has spaces around it")
        if self.optional and s.lower() in ("", "none", "off"):
            return None
        try:
            value = self._parse(s)          # _decimal bounds the exponent: nothing overflows
        except (BadNumber, InvalidOperation, ValueError) as exc:
            raise BadParam(f"{self.name}: {str(exc).strip().removeprefix('value: ')}") from None
        self._check_range(s)
        return value

    def _parse(self, s: str):
        k = self.kind
        if k in (QTY, MONEY, PRICE):       # the sign is the range's business (lo/hi)
            neg = s.startswith("-")
            if s[neg:neg + 1] == "-":
                raise ValueError(f"{s!r} is not a plain decimal number")
            value = parse_fixed(s[neg:], PRICE_DP, "", positive=False)
            return -value if neg else value
        if k in (NUMBER, BPS, RATIO):
            return float(_decimal(s))
        if k == SECONDS:
            return int(_decimal(s) * 1_000_000_000)
        if k == INT:
            return parse_int(s.removeprefix("+"), "value")
        if k == BOOL:
            low = s.lower()
            if low in ("true", "yes", "on", "1"):
                return True
            if low in ("false", "no", "off", "0"):
                return False
            raise ValueError(f"{s!r} is not true or false")
        if k == CHOICE:
            if s not in self.choices:
                raise ValueError(f"{s!r} is not one of {', '.join(self.choices)}")
            return s
        return s

    def _check_range(self, s: str) -> None:
        if self.kind in (BOOL, CHOICE, TEXT):
            return
        v = _decimal(s)
        if self.lo is not None and v < Decimal(self.lo):
            raise BadParam(f"{self.name}: {s} is below the minimum {self.lo}")
        if self.hi is not None and v > Decimal(self.hi):
            raise BadParam(f"{self.name}: {s} is above the maximum {self.hi}")

    def show(self, value) -> str:
        """A typed value back as text."""
        if value is None:
            return "none"
        if self.kind in (QTY, MONEY, PRICE):
            return fmt(value)
        if self.kind == SECONDS:
            return format(Decimal(value) / 1_000_000_000, "f").rstrip("0").rstrip(".") or "0"
        if self.kind == BOOL:
            return "true" if value else "false"
        return str(value)


def _decimal(s: str) -> Decimal:
    """ASCII digits only, finite (engine/edge.py), and plain: no exponent, as quantities
    and prices everywhere (engine.numbers)."""
    if _EXPONENT.match(s):
        raise ValueError(f"{s!r} uses exponent notation; write it as a plain decimal")
    try:
        return parse_decimal(s, "value")
    except EdgeError as exc:
        raise ValueError(str(exc).removeprefix("value: ")) from None


_EXPONENT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+\Z")


def validate(spec: tuple[Param, ...], values: dict[str, str], base: dict[str, str] | None = None
             ) -> dict[str, str]:
    """`base` (defaults when None) with `values` applied, all checked: the new text values.

    Raises BadParam for an unknown key or the first bad value; never returns a partial set.
    """
    by_name = {p.name: p for p in spec}
    out = {p.name: p.default for p in spec} if base is None else dict(base)
    for key, text in values.items():
        if key not in by_name:
            raise BadParam(f"unknown parameter {key!r}; known: {', '.join(sorted(by_name))}")
        by_name[key].parse(text)
        out[key] = str(text)
    for p in spec:            # every value valid together, including untouched defaults
        p.parse(out.setdefault(p.name, p.default))
    cross_check(typed(spec, out))
    return out


def cross_check(v: dict[str, object]) -> None:
    """Rules between parameters, at `set` time rather than as a failing run; BadParam.
    Symbol parameters (`*_symbol`) must be well-formed names here; whether the symbol
    exists is the configuration's check (mm/desk/configs.py)."""
    floor, ceiling = v.get("price_floor"), v.get("price_ceiling")
    if floor is not None and ceiling is not None and floor > ceiling:
        raise BadParam(f"price_floor {fmt(floor)} is above price_ceiling {fmt(ceiling)}")
    target, cap = v.get("target_inventory"), v.get("max_inventory")
    if target is not None and cap is not None and abs(target) > cap:
        raise BadParam(f"target_inventory {fmt(target)} is beyond max_inventory {fmt(cap)}")
    if v.get("fair_source") == "cross" and not v.get("fair_symbol"):
        raise BadParam("fair_source=cross needs fair_symbol, the symbol whose price is used")
    for key in symbol_params(v):
        if not SYMBOL_NAME.match(v[key]):
            raise BadParam(f"{key}: {v[key]!r} is not a symbol name")


#: the quantity parameters that size an order: below the symbol's minimum none is placed
ORDER_SIZES = ("order_amount", "order_size", "max_order_size")


def symbol_fit(spec: tuple[Param, ...], text_values: dict[str, str], keys, symbol: dict
               ) -> None:
    """The parameters named in `keys` (already valid) against the symbol they trade, a
    symbols row (db.queries.symbol: decimal text): a quantity on its step and, when it
    sizes an order and is not 0, at least its minimum; a price on its tick. BadParam."""
    by_name = {p.name: p for p in spec}
    tick, step, least = (parse_fixed(symbol[k], PRICE_DP, k)
                         for k in ("tick_size", "qty_step", "min_qty"))
    name = symbol["name"]
    for key in keys:
        p = by_name.get(key)
        if p is None or p.kind not in (QTY, PRICE):
            continue
        text, value = text_values[key], p.parse(text_values[key])
        if not value:                       # unset or 0: off
            continue
        if p.kind == PRICE:
            if value % tick:
                raise BadParam(f"{key}: {text} is not a multiple of {name}'s tick {fmt(tick)}")
            continue
        if key in ORDER_SIZES and abs(value) < least:
            raise BadParam(f"{key}: {text} is below {name}'s minimum quantity {fmt(least)}")
        if value % step:
            raise BadParam(f"{key}: {text} is not a multiple of {name}'s step {fmt(step)}")


def symbol_params(v: dict[str, object]) -> list[str]:
    """The set parameters that name a symbol."""
    return [k for k, x in v.items() if k.endswith("_symbol") and isinstance(x, str) and x]


def typed(spec: tuple[Param, ...], text_values: dict[str, str]) -> dict[str, object]:
    """Text values (already validated) as typed values, defaults filled in."""
    return {p.name: p.parse(text_values.get(p.name, p.default)) for p in spec}


_KIND_TYPES = {QTY: int, MONEY: int, PRICE: int, SECONDS: int, INT: int, NUMBER: float,
               BPS: float, RATIO: float, BOOL: bool, CHOICE: str, TEXT: str}
_CONFIGS: dict[tuple, type] = {}


def config_class(spec: tuple[Param, ...], name: str = "Config") -> type:
    """A frozen dataclass with one typed attribute per parameter of `spec` (int at 1e-9
    for quantities, money and prices, int ns for durations, float for bps, ratios and
    numbers; None when optional and unset). Each field's metadata["param"] is its Param:
    the unit, range and help stay declared once. One class per spec."""
    key = (name, spec)
    cls = _CONFIGS.get(key)
    if cls is None:
        fields = []
        for p in spec:
            kind = _KIND_TYPES[p.kind]
            fields.append((p.name, kind | None if p.optional else kind,
                           dataclasses.field(metadata={"param": p})))
        cls = _CONFIGS[key] = dataclasses.make_dataclass(name, fields, frozen=True,
                                                         slots=True)
    return cls


def configure(spec: tuple[Param, ...], text_values: dict[str, str], name: str = "Config"):
    """Text values (already validated) as the spec's typed, frozen config, defaults filled
    in (config_class)."""
    return config_class(spec, name)(**typed(spec, text_values))


def config_items(config) -> list[tuple[str, object]]:
    """A config's (name, value) pairs in its spec's order."""
    return [(f.name, getattr(config, f.name)) for f in dataclasses.fields(config)]


def parse_assignments(items: list[str]) -> dict[str, str]:
    """`key=value` words from a command line as a dict; BadParam on a word without '=',
    and on a key given twice (`max_inventory=1 max_inventory=2`: which one was meant is
    not ours to guess; `souq optimize --grid` refuses a repeated axis likewise)."""
    out = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise BadParam(f"{item!r} is not key=value")
        if key.strip() in out:
            raise BadParam(f"{key.strip()} is given twice ({key.strip()}={out[key.strip()]}, "
                           f"{item}); give each parameter once")
        out[key.strip()] = value       # the value's spaces are Param.parse's to refuse
    return out


# ---------------------------------------------------------------- shared by every template
FAIR_SOURCES = ("mid", "microprice", "depth_mid", "last", "ema_mid", "ema_microprice",
                "ema_depth_mid", "ema_last", "cross")

RISK = (
    Param("max_inventory", QTY, "1", "largest position, long or short, away from the target",
          lo="0"),
    Param("max_order_size", QTY, "0.5", "largest single order", lo="0"),
    Param("max_open_orders", INT, "10", "most orders open at once, both sides", lo="0",
          hi="200"),
    Param("max_loss", MONEY, "0", "total PnL loss that trips the kill switch (0: none)",
          lo="0"),
    Param("max_drawdown", MONEY, "0", "fall from the equity peak that trips the kill "
          "switch (0: none)", lo="0"),
    Param("vol_circuit", RATIO, "0", "realised volatility (relative, per sqrt s) above which "
          "spreads widen and sizes shrink (0: off)", lo="0"),
    Param("vol_circuit_widen", RATIO, "2", "spread multiplier while the volatility circuit "
          "is tripped", lo="1", hi="20"),
    Param("vol_circuit_size", RATIO, "0.5", "size multiplier while the volatility circuit "
          "is tripped", lo="0", hi="1"),
    Param("min_book_depth", QTY, "0", "stop quoting while either side of the book (without "
          "our orders) holds less than this in its first 5 levels (0: off)", lo="0"),
    Param("stale_after", SECONDS, "10", "stop quoting when the market data is older than "
          "this (0: off)", lo="0"),
)

CONTROLS = (
    Param("fair_source", CHOICE, "mid", "price the quotes centre on", choices=FAIR_SOURCES),
    Param("fair_symbol", TEXT, "", "for fair_source=cross: the symbol whose price is used"),
    Param("ema_half_life", SECONDS, "5", "half-life of the ema_* fair sources", lo="0.001",
          hi="3600"),
    Param("target_inventory", QTY, "0", "position the strategy steers toward", lo="-1000000"),
    Param("order_refresh_time", SECONDS, "1", "minimum time between requotes", lo="0",
          hi="3600"),
    Param("order_refresh_tolerance", INT, "0", "price change in ticks under which a quote is "
          "left alone", lo="0", hi="10000"),
    Param("max_order_age", SECONDS, "60", "a quote older than this is replaced (0: never)",
          lo="0"),
    Param("filled_order_delay", SECONDS, "0", "after a fill, wait this long before quoting "
          "that side again", lo="0", hi="3600"),
    Param("hanging_orders", BOOL, "false", "after one side fills, leave the other side's "
          "order until it drifts too far"),
    Param("hanging_cancel_pct", BPS, "100", "distance from fair at which a hanging order is "
          "cancelled", lo="0"),
    Param("price_ceiling", PRICE, "none", "never bid above this; with fair above it, only "
          "sell", optional=True, lo="0"),
    Param("price_floor", PRICE, "none", "never offer below this; with fair below it, only "
          "buy", optional=True, lo="0"),
    Param("moving_band_pct", BPS, "0", "ceiling and floor this far around fair as of the "
          "band's last re-centring (0: off)", lo="0"),
    Param("moving_band_refresh", SECONDS, "3600", "how often the moving band re-centres on "
          "fair", lo="0.001"),
    Param("jump_to_best_depth", QTY, "0", "step ahead to one tick inside the best price when "
          "less than this rests before our price (0: off)", lo="0"),
    Param("add_fees", BOOL, "false", "widen the spread by the maker fee on each side"),
    Param("skew_mode", CHOICE, "price", "how inventory skew is applied",
          choices=("price", "size", "both", "none")),
    Param("stop_loss_pct", BPS, "0", "close the position with an IOC when the open position "
          "loses this much against its cost (0: off)", lo="0"),
    Param("take_profit_pct", BPS, "0", "close the position with an IOC when it gains this "
          "much (0: off)", lo="0"),
)
