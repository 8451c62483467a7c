"""Fixed-point numbers at the edges: decimal strings in, integers inside.

Prices, quantities and rates are integers at 1e-9 (PRICE_SCALE); money amounts
are integers at 1e-18 (AMOUNT_SCALE), so price x qty is exact with no rescale.
"""

PRICE_DP = 9
PRICE_SCALE = 10**PRICE_DP
AMOUNT_DP = 18
AMOUNT_SCALE = 10**AMOUNT_DP
QTY_TO_AMOUNT = AMOUNT_SCALE // PRICE_SCALE

# Anything above these is a typo or an attack, never a real order.
MAX_PRICE_WHOLE = 10**15
MAX_AMOUNT_WHOLE = 10**21


class BadNumber(ValueError):
    """A decimal string that is not a plain, finite, in-range number."""


def parse_fixed(text, dp: int, field: str, *, positive: bool = True,
                max_whole: int = MAX_PRICE_WHOLE) -> int:
    """Parse a plain decimal string into an integer at 10**-dp, or raise BadNumber."""
    if not isinstance(text, str):
        raise BadNumber(f"{field} must be a decimal string like \"1.5\", got {_show(text)}")
    s = text
    neg = s.startswith("-")
    if neg:
        s = s[1:]
    whole, dot, frac = s.partition(".")
    if not (whole.isascii() and whole.isdigit() and (not dot or (frac.isascii() and frac.isdigit()))):
        low = text.strip().lower().lstrip("+-")
        if low in ("nan", "inf", "infinity", "snan"):
            raise BadNumber(f"{field} {text!r} is not a finite number")
        if "e" in low and low.replace("e", "", 1).replace("-", "").replace("+", "").replace(".", "").isdigit():
            raise BadNumber(f"{field} {text!r} uses exponent notation; write it as a plain decimal")
        raise BadNumber(f"{field} {text!r} is not a plain decimal number")
    if len(frac) > dp:
        if frac[dp:].strip("0"):
            raise BadNumber(f"{field} {text!r} has more than {dp} decimal places")
        frac = frac[:dp]
    if len(whole) > 1 + len(str(max_whole)) or int(whole) > max_whole:
        raise BadNumber(f"{field} {text!r} is absurdly large (limit {max_whole:,})")
    value = int(whole) * 10**dp + (int(frac) * 10 ** (dp - len(frac)) if frac else 0)
    if neg:
        value = -value
    if positive and value <= 0:
        raise BadNumber(f"{field} must be positive, got {text!r}")
    if not positive and value < 0:
        raise BadNumber(f"{field} must not be negative, got {text!r}")
    return value


def parse_price(text, field: str = "price") -> int:
    return parse_fixed(text, PRICE_DP, field)


def parse_rate(text, field: str) -> int:
    """A fee or band rate such as "0.001"; zero allowed, at most 1."""
    value = parse_fixed(text, PRICE_DP, field, positive=False, max_whole=1)
    if value > PRICE_SCALE:
        raise BadNumber(f"{field} {text!r} must be at most 1")
    return value


def fmt(value: int, dp: int = PRICE_DP) -> str:
    """Integer at 10**-dp to its shortest plain decimal string."""
    if not value:
        return "0"
    if value > 0:
        sign, digits = "", str(value)
    else:
        sign, digits = "-", str(-value)
    if len(digits) <= dp:
        digits = "0" * (dp + 1 - len(digits)) + digits
    frac = digits[-dp:].rstrip("0")
    return f"{sign}{digits[:-dp]}.{frac}" if frac else sign + digits[:-dp]


def fmt_amount(value: int) -> str:
    return fmt(value, AMOUNT_DP)


def _show(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
