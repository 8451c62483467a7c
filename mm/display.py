"""Numbers for people: the one formatting module of every screen, report and CLI table.

JSON output never goes through here: it stays exact. Everything a person reads does:
- prices at the symbol's tick decimals, quantities at its step's (`Market`),
- money at its asset's precision (`asset_decimals`: the tick decimals where the asset is
  a quote, the step decimals where it is a base, the finer of the two),
- digit grouping in one style for the whole process (`set_grouping`: comma, space,
  apostrophe, underscore, none; `SOUQ_GROUPING` or the workstation setting),
- ratios as percentages, spreads and quote distances in basis points,
- compact units (k, M, B, T) only where a column is too narrow for the full figure, with
  three significant digits, rounded half-even and never to a wrong unit (999,999 is 1.00M,
  not 1000k).

Values may be Decimal, int, decimal strings or (for ratios from analytics) float; None
shows as `MISSING`. Rounding for display is half-even (the rounding of Python's Decimal).
"""
import math
import os
import re
from dataclasses import dataclass
from decimal import (ROUND_CEILING, ROUND_DOWN, ROUND_HALF_EVEN, Decimal, InvalidOperation,
                     localcontext)

MISSING = "–"
STYLES = {"comma": ",", "space": "\u2009", "apostrophe": "'", "underscore": "_", "none": ""}
UNITS = ((Decimal(10) ** 12, "T"), (Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"),
         (Decimal(10) ** 3, "k"))

LEDGER_PLACES = 18       # the ledger's resolution (engine.numbers.AMOUNT_DP): 1e-18
EXACT_DIGITS = 80        # Decimal precision while formatting: no amount is ever rounded by it

_separator = STYLES.get(os.environ.get("SOUQ_GROUPING", "comma"), ",")


def set_grouping(style: str) -> None:
    """Group thousands with STYLES[style] from now on; raises ValueError naming the
    choices for an unknown style."""
    global _separator
    if style not in STYLES:
        raise ValueError(f"unknown grouping style {style!r}; choose one of {', '.join(STYLES)}")
    _separator = STYLES[style]


def to_decimal(value) -> Decimal | None:
    """Decimal from Decimal, int, float or a decimal string; None for None or text that
    is not a number (the caller shows MISSING rather than a wrong figure)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    try:
        d = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return d if d.is_finite() else None


def decimals_of(step) -> int:
    """Decimal places a step such as "0.01", "100000" or "0.0005" needs (2, 0, 4)."""
    d = to_decimal(step)
    if d is None or d == 0:
        return 0
    return max(0, -d.normalize().as_tuple().exponent)


def number(value, dp: int | None = None, *, sign: bool = False) -> str:
    """Grouped digits; `dp` decimal places exactly (rounded half-even), or as many as the
    value has (trailing zeros dropped) when dp is None. `sign`: "+" on positives."""
    d = to_decimal(value)
    if d is None:
        return MISSING
    with localcontext() as ctx:
        ctx.prec = EXACT_DIGITS             # 14 whole digits and 18 places stay exact
        if dp is not None:
            d = d.quantize(Decimal(1).scaleb(-dp), rounding=ROUND_HALF_EVEN)
        elif d == d.to_integral_value():
            d = d.quantize(Decimal(1))
        else:
            d = d.normalize()
        text = format(abs(d), "f")          # abs() rounds to the context's precision too
    whole, dot, frac = text.partition(".")
    grouped = _group(whole) + (dot + frac if dot else "")
    negative = d < 0 and text.strip("0.") != ""          # no "-0.00"
    prefix = "-" if negative else ("+" if sign and d > 0 else "")
    return prefix + grouped


def _group(digits: str) -> str:
    if not _separator or len(digits) <= 3:
        return digits
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)]
    return _separator.join(parts)


def compact(value, dp: int | None = None) -> str:
    """Short form for narrow columns: below 1,000 as `number(value, dp)`; above, three
    significant digits and the smallest unit that holds them: 1,000 -> 1.00k,
    320,893 -> 321k, 999,999 -> 1.00M, -1,250,000 -> -1.25M."""
    d = to_decimal(value)
    if d is None:
        return MISSING
    if abs(d) < 1000:
        return number(d, dp)
    for size, unit in reversed(UNITS):
        scaled = d / size
        shown = _significant(scaled, 3)
        if abs(shown) < 1000 or unit == UNITS[0][1]:
            return f"{format(shown, 'f')}{unit}"
    raise AssertionError("unreachable")


def _significant(x: Decimal, digits: int) -> Decimal:
    """x rounded half-even to `digits` significant digits (x >= 1 in magnitude), kept in
    plain notation: 99.999 -> 100, 12.345 -> 12.3."""
    whole = len(str(int(abs(x))))
    shown = x.quantize(Decimal(1).scaleb(-max(0, digits - whole)), rounding=ROUND_HALF_EVEN)
    if len(str(int(abs(shown)))) > whole and digits - whole > 0:   # rounding added a digit
        shown = x.quantize(Decimal(1).scaleb(-max(0, digits - whole - 1)),
                           rounding=ROUND_HALF_EVEN)
    return shown


def fit(value, width: int, dp: int | None = None) -> str:
    """`exact(value, dp)` if it fits in `width` characters; else the same figure in the
    smallest unit (k, M, B, T) that fits, with as many decimals as the width leaves,
    truncated toward zero so a short figure never shows more than there is, trailing
    zeros dropped: 49,999,526,469,915.86 in 14 columns is "49,999,526.46M" (not "50.0T"),
    50,000,000,000,000 is "50,000,000M", -320,893 in 7 is "-320.8k". A figure too wide
    even in whole T is shown in whole T all the same (wider than asked, never rounded up)."""
    full = exact(value, dp)
    if len(full) <= width:
        return full
    d = to_decimal(value)
    if d is None or abs(d) < 1000:
        return full if d is None else compact(d, dp)
    with localcontext() as ctx:
        ctx.prec = EXACT_DIGITS
        for size, unit in reversed(UNITS):
            scaled = d / size
            whole = number(scaled.to_integral_value(rounding=ROUND_DOWN))
            if scaled < 0 and not whole.startswith("-"):
                whole = "-" + whole                     # -0.5M: the sign stays
            room = width - len(whole) - len(unit)
            if room < 0:
                continue
            places = room - 1 if room >= 2 else 0      # "." and at least one digit
            shown = scaled.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)
            text = number(shown) + unit             # trailing zeros dropped: 50,000,000M
            if len(text) <= width:
                return text
        return number((d / UNITS[0][0]).to_integral_value(rounding=ROUND_DOWN)) + UNITS[0][1]


def percent(ratio, dp: int | None = 2) -> str:
    """A ratio (0.1234) as a percentage ("12.34%"); dp None: only the digits it has (a fee
    or band rate "0.001" reads "0.1%")."""
    d = to_decimal(ratio)
    return MISSING if d is None else number(d * 100, dp) + "%"


def bps(value, dp: int = 1) -> str:
    """Basis points ("3.2 bps") of a number already in bps, with `dp` decimals, or more
    for a non-zero value that would round to nothing: two significant digits then, so a
    spread of 0.0123 bps reads "0.012 bps", never "0.0 bps" (which would say none)."""
    d = to_decimal(value)
    if d is None:
        return MISSING
    if d and abs(d) * 2 <= Decimal(1).scaleb(-dp):
        dp = -abs(d).adjusted() + 1
    return f"{number(d, dp)} bps"


def spread_bps(bid, ask) -> Decimal | None:
    """(ask - bid) / mid in basis points, or None without both sides."""
    b, a = to_decimal(bid), to_decimal(ask)
    if b is None or a is None or a + b <= 0:
        return None
    return (a - b) / ((a + b) / 2) * 10000


def distance_bps(price, mid) -> Decimal | None:
    """(price - mid) / mid in basis points: positive above the mid."""
    p, m = to_decimal(price), to_decimal(mid)
    if p is None or m is None or m <= 0:
        return None
    return (p - m) / m * 10000


def ratio(value, dp: int = 2) -> str:
    """A dimensionless figure (Sharpe, Sortino, Calmar) at `dp` places."""
    return number(value, dp)


@dataclass(frozen=True)
class Market:
    """How one symbol's numbers are shown: prices at the tick's decimals, quantities at
    the step's, quote money at the quote asset's precision."""
    price_dp: int
    qty_dp: int
    quote_dp: int
    base_dp: int

    @classmethod
    def of(cls, symbol: dict, symbols=()) -> "Market":
        """From a symbol row (tick_size, qty_step, base, quote); `symbols` (all rows)
        refine the assets' precisions."""
        rows = list(symbols) or [symbol]
        return cls(decimals_of(symbol["tick_size"]), decimals_of(symbol["qty_step"]),
                   asset_decimals(symbol["quote"], rows), asset_decimals(symbol["base"], rows))

    # prices and quantities by `exact`, not `number`: one finer than its tick or step (a
    # refused order's typed 0.00001) shows every digit it has

    def price(self, value) -> str:
        return exact(value, self.price_dp)

    def qty(self, value) -> str:
        return exact(value, self.qty_dp)

    def money(self, value) -> str:
        return number(value, self.quote_dp)

    def base(self, value) -> str:
        return exact(value, self.base_dp)


def asset_decimals(asset: str, symbols) -> int:
    """An asset's precision: the finest of its symbols' tick decimals (as a quote) and
    step decimals (as a base); 8 for an asset no symbol names."""
    found = [decimals_of(s["tick_size"]) for s in symbols if s["quote"] == asset]
    found += [decimals_of(s["qty_step"]) for s in symbols if s["base"] == asset]
    return max(found) if found else 8


def money(value, asset: str, symbols) -> str:
    """An amount of `asset` at its precision (see asset_decimals)."""
    return number(value, asset_decimals(asset, symbols))


class Figures:
    """Every symbol's and asset's numbers, from the symbol rows (db reads' `symbols()`):
    `price`/`qty` by symbol name, `money` by asset. A symbol it does not know shows its
    numbers as they are (grouped, no rounding). With `width`, a figure that does not fit
    is shown compact (see `fit`) rather than cut."""

    def __init__(self, symbols, ledger_places: dict[str, int] | None = None) -> None:
        self.rows = list(symbols)
        self.markets = {s["name"]: Market.of(s, self.rows) for s in self.rows}
        # the decimal places the ledger charges fees to, per asset (the engine's asset
        # precision, an operator setting; LEDGER_PLACES where none is set: engine/fees.py)
        self.ledger_places = dict(ledger_places or {})

    def _dp(self, symbol: str, what: str) -> int | None:
        m = self.markets.get(symbol)
        return None if m is None else getattr(m, what)

    def price(self, symbol: str, value, width: int | None = None) -> str:
        return _shown(value, self._dp(symbol, "price_dp"), width)

    def avg_price(self, symbol: str, value, width: int | None = None) -> str:
        """An average of fills or a mid: rounded half-even to two places finer than the
        tick, then shown with the digits that leaves beyond the tick's own places (an
        average of 94,438,051,000 reads so, not "94,438,051,000.00"; 3,529.905 USDT at a
        0.01 tick reads "3,529.905")."""
        return self._averaged(value, self._dp(symbol, "price_dp"), width)

    def qty(self, symbol: str, value, width: int | None = None) -> str:
        return _shown(value, self._dp(symbol, "qty_dp"), width)

    def avg_qty(self, symbol: str, value, width: int | None = None) -> str:
        """A mean of quantities (a mean top-of-book size): as `avg_price`, rounded half-even
        to two places finer than the step, so 0.001542295082 BTC at a 0.0001 step reads
        "0.001542", not every digit of the quotient."""
        return self._averaged(value, self._dp(symbol, "qty_dp"), width)

    @staticmethod
    def _averaged(value, dp: int | None, width: int | None) -> str:
        """A computed mean at two places finer than `dp` (half-even), then `_shown`."""
        d = to_decimal(value)
        if dp is not None and d is not None:
            d = rounded(d, dp + 2)
        return _shown(d if d is not None else value, dp, width)

    def money(self, asset: str, value, width: int | None = None) -> str:
        """A computed amount (a value at the mid, a mean, VaR) rounded half-even to the
        asset's precision; amounts the ledger holds (balances, fees, realised PnL) go
        through `balance` or `fee`, which never round."""
        dp = asset_decimals(asset, self.rows) if self.rows else None
        if width is None:
            return number(value, dp)
        d = to_decimal(value)
        if d is not None and dp is not None:
            d = rounded(d, dp)
        return fit(d, width, dp)

    def balance(self, asset: str, value, width: int | None = None,
                places: int | None = None) -> str:
        """A ledger amount (balance, hold, available, a movement) at the asset's precision,
        or finer when the exchange holds finer digits (fees can leave half a rial): a
        balance is never rounded to money that is not there (285,001.5 IRR, not 285,002).
        `places`: at least that many decimals (`common_places`, so amounts of one asset in
        one column or row line up their decimal points). With `width`, shortened (`fit`:
        truncated, never rounded up) only when the exact figure does not fit."""
        dp = asset_decimals(asset, self.rows) if self.rows else None
        if places is not None:
            dp = places if dp is None else max(dp, places)
        return exact(value, dp) if width is None else fit(value, width, dp)

    def common_places(self, asset: str, values) -> int:
        """The decimal places at which every one of `values` (ledger amounts of `asset`
        shown in one column or row) reads exactly: the asset's precision, or the finest
        digits any of them holds. Zeros only are added, so 0.90001 stands over 0.10000,
        not over 0.1000 (a wallet after a 0.00001 BTC deposit at a 0.0001 step)."""
        dp = asset_decimals(asset, self.rows) if self.rows else 0
        return max([dp] + [decimal_places(v) for v in values])

    def fee(self, asset: str, value) -> str:
        """A fee as the exchange charges it (engine/fees.py): rounded UP to the asset's
        ledger precision (`ledger_places`, else the ledger's own 18 places), then shown
        with every digit that leaves, at least the asset's display precision: 0.2 % of
        9,502,240 IRR is charged and shown as 19,004.48, not "19,005"."""
        dp = asset_decimals(asset, self.rows) if self.rows else None
        d = to_decimal(value)
        if d is not None:
            d = rounded(d, self.ledger_places.get(asset, LEDGER_PLACES), ROUND_CEILING)
        return exact(d, dp)


def _shown(value, dp: int | None, width: int | None) -> str:
    """At least `dp` places and every digit the value has (`exact`), unless it has more
    than the ledger's LEDGER_PLACES (a computed quotient such as an average cost,
    95,000,833,333.333...): then rounded half-even to two places finer than `dp`, as
    `avg_price`; `fit` in `width`."""
    d = to_decimal(value)
    if d is not None and dp is not None and -d.as_tuple().exponent > LEDGER_PLACES:
        value = rounded(d, dp + 2)
    return exact(value, dp) if width is None else fit(value, width, dp)


def rounded(d: Decimal, places: int, rounding: str = ROUND_HALF_EVEN) -> Decimal:
    """`d` at `places` decimal places (half-even unless told), in a context wide enough
    (EXACT_DIGITS) that no whole digit is ever lost."""
    with localcontext() as ctx:
        ctx.prec = EXACT_DIGITS
        return d.quantize(Decimal(1).scaleb(-places), rounding=rounding)


def count(n, noun: str, plural: str | None = None) -> str:
    """A count with its noun, grouped and in the right number: 1 episode, 2 episodes,
    0 orders, 1,200 trades; `plural` for irregular nouns (1 entry / 2 entries is found
    by rule: consonant + y -> ies; s, x, z, ch, sh -> es)."""
    d = to_decimal(n)
    if d is None:
        return f"{MISSING} {plural or _plural(noun)}"
    return f"{number(d)} {noun if d == 1 else (plural or _plural(noun))}"


def _plural(noun: str) -> str:
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u"):
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def yes_no(flag) -> str:
    """A true/false setting as people say it."""
    return "yes" if flag else "no"


_QUOTED = re.compile(r"""('[^']*'|"[^"]*")""")
# a bare number in a sentence: not part of a word, an id (#12), a path, a time (09:30),
# a date (2026-12-01) or a name with a hyphen (demo-buy-1234); a range's second end
# ("0..5000", "95000-105000") counts
_BARE = re.compile(r"(?<![\w#/:'])(?<![^.]\.)(?<![A-Za-z_]-)(\d+)(\.\d+)?(?![\w:])(?!-\d\d-)")
# a number after one of these words names something (process 4263, seq 1234), not an amount
_ID_WORDS = ("process ", "pid ", "seq ", "run ", "order ", "case ", "entry ", "line ",
             "version ", "seed ", "port ", "id ")


def grouped_text(text: str) -> str:
    """A sentence with its bare numbers' whole parts grouped (the exchange's rejection
    reasons, parameter values and ranges): "price 106000000 is outside the daily band
    95000000-105000000" reads "price 106,000,000 is outside the daily band
    95,000,000-105,000,000". Digits are never changed or rounded; what is quoted (a value
    as a person typed it: 'abc', '1e3') and ids, names, dates and times stay as they are."""
    if not _separator or text is None:
        return text
    parts = _QUOTED.split(text)
    for i in range(0, len(parts), 2):            # the even parts are outside quotes
        parts[i] = _BARE.sub(_grouped_match, parts[i])
    return "".join(parts)


def rejection(what: str, reason: str) -> str:
    """The one sentence saying the exchange refused `what` (an order, a cancel) for
    `reason`, its numbers grouped (grouped_text): "order rejected: price 1,100,000 is
    outside the daily band 902,500-997,500". `souq order place` and the gateway's problem
    detail both say it so; JSON fields (--json, the order's `reason`) keep the reason exact."""
    return f"{what} rejected: {grouped_text(reason)}"


def _grouped_match(m: re.Match) -> str:
    if m.string[:m.start()].endswith(_ID_WORDS):
        return m.group(0)
    return _group(m.group(1)) + (m.group(2) or "")


def decimal_places(value) -> int:
    """The decimal places `value` (a decimal string, int or Decimal) really holds, trailing
    zeros not counted: 3 for "0.125", 0 for "1500.00" and for unknown (None)."""
    d = to_decimal(value)
    if not d:
        return 0
    with localcontext() as ctx:
        ctx.prec = EXACT_DIGITS
        return max(0, -d.normalize().as_tuple().exponent)


def exact(value, dp: int | None = None) -> str:
    """`number(value, dp)` that never rounds a digit away: at least `dp` places, more
    when the value has them (an amount a person typed or the exchange holds exactly:
    1500 USDT at 2 places is "1,500.00", 0.125 is "0.125", never "0.12")."""
    d = to_decimal(value)
    if d is None:
        return MISSING
    places = decimal_places(d)
    return number(d, places if dp is None else max(dp, places))


def nice_ticks(lo: float, hi: float, count: int) -> tuple[list[float], list[str]]:
    """A chart axis's ticks (the workstation's charts, the reports' text charts): about
    `count` round values (1, 2 or 5 times a power of ten apart) within lo..hi (floats: a
    chart's scale, not money), and their labels, grouped, with as many decimals as that
    spacing needs."""
    if hi <= lo:
        return [lo], [number(lo)]
    count = max(2, count)
    while True:       # a narrow range between two round values: look closer until two fit
        raw = (hi - lo) / (count - 1)
        power = 10 ** math.floor(math.log10(raw))
        step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
        first = math.ceil(lo / step) * step
        values = [first + i * step for i in range(count + 1)
                  if first + i * step <= hi + step / 1e6]
        if len(values) >= 2:
            decimals = max(0, -math.floor(math.log10(step)))
            return values, [number(v, decimals) for v in values]
        count *= 2
