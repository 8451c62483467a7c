"""A number shortened for a narrow column: at most 7 characters, never a wrong magnitude.

compact("-320893") == "-321k", compact("999999") == "1M", compact("0.0000123") == "1.2e-5".
Display only: the CLI and the reports show figures exact. Rules, on the exact decimal:
- below 1,000 in size: plain, with as many decimals as fit (12.3457, 999, 0.00035);
  a size under 1 that the width would cut to fewer than 2 significant digits goes to
  scientific notation with 2 (1.2e-5, -3.5e-4), an exact one stays plain (0.5);
- from 1,000: three significant digits and a suffix, k (10^3), M (10^6), B (10^9),
  T (10^12), rounded half up; a value that rounds to 1,000 of one suffix takes the next
  (999,999 is 1M, not 1000k); from 1,000T on, scientific (1.2e15).
- None, "", "none" or text that is not a number: "-".
"""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

WIDTH = 7
SUFFIXES = ((Decimal(10) ** 3, "k"), (Decimal(10) ** 6, "M"), (Decimal(10) ** 9, "B"),
            (Decimal(10) ** 12, "T"))
THOUSAND = Decimal(1000)


def compact(value, width: int = WIDTH) -> str:
    """`value` (a decimal string, Decimal or int) in at most `width` characters (>= 7)."""
    d = _decimal(value)
    if d is None:
        return "-"
    if d == 0:
        return "0"
    sign = "-" if d < 0 else ""
    size = abs(d)
    if size >= THOUSAND:
        for scale, suffix in SUFFIXES:
            shown = _significant(size / scale, 3)
            if shown < THOUSAND:
                return sign + _plain(shown) + suffix
        return sign + _scientific(size, 2)
    room = width - len(sign)
    whole = len(str(int(size)))
    places = max(0, room - whole - 1)
    shown = size.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if size < 1 and shown != size and _digits(shown) < 2:
        return sign + _scientific(size, 2)
    return sign + _plain(shown)


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or value == "none":
        return None
    try:
        d = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return d if d.is_finite() else None


def _significant(d: Decimal, digits: int) -> Decimal:
    """`d` (> 0) rounded half up to `digits` significant digits."""
    exp = d.adjusted() - digits + 1
    return d.quantize(Decimal(1).scaleb(exp), rounding=ROUND_HALF_UP)


def _digits(d: Decimal) -> int:
    """Significant digits in `d` as written (0.00035 has 2)."""
    return len(d.normalize().as_tuple().digits) if d else 0


def _plain(d: Decimal) -> str:
    """No exponent, no trailing zeros: 1.50 -> 1.5, 3E+2 -> 300."""
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _scientific(d: Decimal, digits: int) -> str:
    """`d` (> 0) as mantissa e exponent with up to `digits` significant digits: 1.2e-5."""
    shown = _significant(d, digits)
    exp = shown.adjusted()
    mantissa = _plain(shown.scaleb(-exp))
    if mantissa == "10":                    # 9.96e-6 rounded up to 10e-6
        mantissa, exp = "1", exp + 1
    return f"{mantissa}e{exp}"
