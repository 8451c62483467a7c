"""Times in data files: integer nanoseconds since the Unix epoch, or ISO-8601 with an
explicit offset (`2024-03-01T09:30:00.123456789Z`, `...+03:30`, `2024-03-01T09:30Z`), exact
to the nanosecond; no float anywhere, no local time zone guessed."""
import calendar
import re
import time
from datetime import datetime
from souq.engine.timeunits import SECOND

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?"
                  r"(Z|[+-]\d{2}:\d{2})", re.ASCII)     # \d: 0-9 only, not Arabic-Indic
# seconds may be left out (ISO-8601's hh:mm, `--from 2024-03-01T10:00Z`); a fraction then not
MAX_NS = 2**63 - 1      # 2262-04-11T23:47:16.854775807Z: a 64-bit nanosecond column's end


class BadTime(ValueError):
    pass


def parse_time(text: str) -> int:
    """Nanoseconds since the epoch, UTC; BadTime naming what is wrong."""
    if text.isascii() and text.isdigit():
        return _bounded(int(text), text)
    m = _ISO.fullmatch(text)
    if m is None:
        raise BadTime(f"time {text!r} is neither integer nanoseconds nor ISO-8601 with a "
                      "zone, like 2024-03-01T09:30:00.5Z")
    y, mo, d, h, mi, s = (int(g or 0) for g in m.groups()[:6])
    try:
        datetime(y, mo, d, h, mi, s)
    except ValueError as exc:
        raise BadTime(f"time {text!r} is not a real date and time ({exc})") from None
    frac, zone = m.group(7) or "", m.group(8)
    offset = 0
    if zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        zh, zm = int(zone[1:3]), int(zone[4:6])
        if zh > 23 or zm > 59:
            raise BadTime(f"time {text!r} has an impossible offset {zone}")
        offset = sign * (zh * 3600 + zm * 60)
    seconds = calendar.timegm((y, mo, d, h, mi, s)) - offset
    if seconds < 0:
        raise BadTime(f"time {text!r} is before 1970")
    return _bounded(seconds * SECOND + (int(frac.ljust(9, "0")) if frac else 0), text)


def _bounded(ns: int, text: str) -> int:
    if ns > MAX_NS:
        raise BadTime(f"time {text!r} is after 2262-04-11T23:47:16.854775807Z, the last "
                      "time a 64-bit nanosecond count holds")
    return ns


def format_time(ns: int) -> str:
    """ISO-8601 UTC with as many fraction digits as needed."""
    seconds, frac = divmod(ns, SECOND)
    text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
    digits = f"{frac:09d}".rstrip("0")
    return f"{text}.{digits}Z" if digits else f"{text}Z"
