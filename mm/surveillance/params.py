"""Typed, documented detector parameters: each has a unit, a default, an allowed range and
a help line, and is set from text (`souq surveil set RULE key=value`) with a one-line error
naming what was wrong."""
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from souq.engine.edge import plain_ascii
from souq.engine.timeunits import SECOND as SECOND_NS
from souq.mm.display import number


@dataclass(frozen=True)
class Param:
    """One parameter. `unit` is one of: count, ratio, z (a z-score), bps, seconds, amount
    (a decimal amount of an asset, kept as text so it stays exact), asset (an asset name).
    Numeric values must lie in lo..hi inclusive."""
    name: str
    unit: str
    default: object
    help: str
    lo: float = 0.0
    hi: float = float("inf")

    def parse(self, rule: str, text: str, typed: bool = False):
        """`text` to this parameter's value. Raises ValueError naming the rule, the key and
        the reason. `typed` (a person's input, not a journalled entry): a number in ASCII
        digits only (engine.edge.plain_ascii); entries journalled before that rule still
        read."""
        text = text.strip()
        if self.unit == "asset":
            if not text or not text.replace("-", "").replace("_", "").isalnum() or not text.isupper():
                raise ValueError(f"{rule}.{self.name}: {text!r} is not an asset name (upper case)")
            return text
        try:
            if typed and not plain_ascii(text):
                raise InvalidOperation
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"{rule}.{self.name}: {text!r} is not a number") from None
        if not value.is_finite() or "e" in text.lower():
            raise ValueError(f"{rule}.{self.name}: {text!r} is not a plain decimal number")
        if not Decimal(str(self.lo)) <= value <= Decimal(str(self.hi)):
            raise ValueError(f"{rule}.{self.name}: {text} is outside {number(self.lo)}.."
                             f"{number(self.hi)} ({self.unit})")
        if self.unit == "count":
            if value != value.to_integral_value():
                raise ValueError(f"{rule}.{self.name}: {text} must be a whole number")
            return int(value)
        if self.unit == "amount":
            return format(value.normalize(), "f")
        return float(value)

    def show(self, value) -> str:
        """The value as `souq surveil rules` prints it: text as kept, a number grouped and
        plain (mm.display.number: 86,400 and 1,000,000, never 1e+06)."""
        return value if isinstance(value, str) else number(value)


def seconds_ns(value: float) -> int:
    """A parameter in seconds to integer nanoseconds (journal time)."""
    return int(Decimal(repr(float(value))) * SECOND_NS)
