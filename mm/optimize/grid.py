"""A search's space: grid axes parsed and checked against a template's parameters, the
grid's points, and random points in its box (see mm/optimize/__init__.py)."""
import itertools
import math
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from souq.engine.edge import EdgeError, parse_decimal, parse_int
from souq.mm.desk.params import BOOL, CHOICE, INT, TEXT, BadParam, Param, validate

from .errors import SearchError

STEP = Decimal("1e-9")
MAX_POINTS = 10_000     # parameter sets in one search: grid or random


@dataclass(frozen=True)
class Axis:
    name: str
    values: tuple[str, ...]             # the grid's values, as text
    lo: Decimal | None = None           # a range axis' box (for --random)
    hi: Decimal | None = None
    whole: bool = False                 # an int parameter


def bad_axis(text: str, why: str) -> SearchError:
    """The error for grid axis `text`, saying `why`."""
    return SearchError("{grid} {axis!r}: {why}", axis=text, why=why)


def parse_axis(text: str, spec: tuple[Param, ...]) -> Axis:
    """`name=lo:hi:n` or `name=a,b,c` against the template's parameters."""
    name, eq, body = text.partition("=")
    name, body = name.strip(), body.strip()
    if not eq or not name or not body:
        raise bad_axis(text, "want NAME=LO:HI:N or NAME=A,B,C")
    by_name = {p.name: p for p in spec}
    if name not in by_name:
        raise bad_axis(text, f"unknown parameter {name!r}; known: "
                             f"{', '.join(sorted(by_name))}")
    param = by_name[name]
    if ":" in body:
        parts = body.split(":")
        if len(parts) != 3:
            raise bad_axis(text, "a range is LO:HI:N")
        if param.kind in (BOOL, CHOICE, TEXT):
            raise bad_axis(text, f"{name} is {param.kind}; list its values A,B,C")
        lo, hi = _number(parts[0], text), _number(parts[1], text)
        try:
            n = parse_int(parts[2].strip(), "N", 1, MAX_POINTS)
        except EdgeError as exc:
            raise bad_axis(text, f"{exc} (a search has at most {MAX_POINTS} sets)") from None
        if hi < lo:
            raise bad_axis(text, "LO must not exceed HI")
        if n == 1 and hi != lo:
            raise bad_axis(text, "one value needs LO = HI")
        whole = param.kind == INT
        values = _unique(_text(lo + (hi - lo) * i / (n - 1) if n > 1 else lo, whole)
                         for i in range(n))
        axis = Axis(name, values, lo, hi, whole)
    else:
        values = _unique(v.strip() for v in body.split(","))
        if any(not v for v in values):
            raise bad_axis(text, "an empty value in the list")
        axis = Axis(name, values)
    for v in axis.values:
        try:
            param.parse(v)
        except BadParam as exc:
            raise bad_axis(text, str(exc)) from None
    return axis


def parse_grid(texts: list[str], spec: tuple[Param, ...]) -> list[Axis]:
    if not texts:
        raise SearchError("give at least one {grid} NAME=LO:HI:N")
    axes = [parse_axis(t, spec) for t in texts]
    names = [a.name for a in axes]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise SearchError("{grid} names {names} more than once", names=", ".join(dup))
    size = math.prod(len(a.values) for a in axes)
    if size > MAX_POINTS:
        raise SearchError("the grid has {size} parameter sets; at most {most} (use fewer "
                          "values, or {random} N)", size=size, most=MAX_POINTS)
    return axes


def grid_points(axes: list[Axis]) -> list[dict[str, str]]:
    """Every combination, the first axis varying slowest."""
    return [dict(zip((a.name for a in axes), combo))
            for combo in itertools.product(*(a.values for a in axes))]


def random_points(axes: list[Axis], n: int, seed: int) -> list[dict[str, str]]:
    """n points drawn uniformly from the box (seeded); repeats dropped, order kept."""
    if not 1 <= n <= MAX_POINTS:
        raise SearchError("{random} must be from 1 to {most}", most=MAX_POINTS)
    rng = random.Random(seed)
    out, seen = [], set()
    for _ in range(n):
        point = {}
        for a in axes:
            if a.lo is None:
                point[a.name] = a.values[rng.randrange(len(a.values))]
            elif a.whole:
                point[a.name] = str(rng.randint(int(math.ceil(a.lo)), int(math.floor(a.hi))))
            else:
                u = Decimal(rng.getrandbits(53)) / Decimal(2 ** 53)
                point[a.name] = _text(a.lo + (a.hi - a.lo) * u, False)
        key = tuple(point.items())
        if key not in seen:
            seen.add(key)
            out.append(point)
    return out


def check_points(points: list[dict[str, str]], spec, base: dict[str, str]) -> None:
    """Every point valid with the configuration's other parameters (SearchError else)."""
    for p in points:
        try:
            validate(spec, p, base=dict(base))
        except BadParam as exc:
            raise SearchError("{detail}", detail=str(exc)) from None


def _number(s: str, text: str) -> Decimal:
    try:
        return parse_decimal(s.strip(), "value")
    except EdgeError as exc:
        raise bad_axis(text, str(exc).removeprefix("value: ")) from None


def _text(d: Decimal, whole: bool) -> str:
    q = d.quantize(Decimal(1) if whole else STEP, rounding=ROUND_HALF_EVEN)
    s = format(q, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _unique(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
