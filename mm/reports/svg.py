"""A small SVG line chart: axes, round-valued ticks, one polyline. No script, no external
asset, fixed number formatting, so the same chart gives the same bytes."""
import math
from html import escape

from .content import Chart

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 96, 16, 30, 40
MAX_POINTS = 1200           # longer series keep each bucket's lowest and highest point
LINE, AXIS, GRID, INK = "#1f6fb2", "#555555", "#dddddd", "#222222"


def ticks(lo: float, hi: float, count: int = 5) -> tuple[list[float], list[str]]:
    """About `count` round values (1, 2 or 5 times a power of ten apart) in lo..hi, with
    labels carrying as many decimals as the spacing needs."""
    if hi <= lo:
        return [lo], [_label(lo, 0)]
    raw = (hi - lo) / max(1, count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step) * step
    values = [first + i * step for i in range(count + 2) if first + i * step <= hi + step / 1e6]
    decimals = max(0, -math.floor(math.log10(step)))
    return values, [_label(v, decimals) for v in values]


def _label(v: float, decimals: int) -> str:
    text = f"{v:.{decimals}f}"
    return "0" if text.strip("-0.") == "" else text


def thin(xs: list[float], ys: list[float]) -> tuple[list[float], list[float]]:
    """At most about MAX_POINTS points: per bucket, its lowest and highest in time order."""
    if len(xs) <= MAX_POINTS:
        return xs, ys
    size = math.ceil(len(xs) / (MAX_POINTS // 2))
    keep = set()
    for start in range(0, len(xs), size):
        idx = range(start, min(start + size, len(xs)))
        keep |= {min(idx, key=ys.__getitem__), max(idx, key=ys.__getitem__)}
    keep.add(len(xs) - 1)
    picked = sorted(keep)
    return [xs[i] for i in picked], [ys[i] for i in picked]


def line_chart(chart: Chart, width: int = WIDTH, height: int = HEIGHT) -> str:
    """`chart` as one <svg> element."""
    xs, ys = thin(*chart.floats())
    title = escape(chart.title)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" role="img" aria-label="{title}">',
           f"<title>{title}</title>",
           f'<text x="{width / 2:.1f}" y="18" text-anchor="middle" font-size="14" '
           f'fill="{INK}">{title}</text>']
    x0, x1, y0, y1 = LEFT, width - RIGHT, height - BOTTOM, TOP
    if not xs:
        out.append(f'<text x="{width / 2:.1f}" y="{height / 2:.1f}" text-anchor="middle" '
                   f'font-size="12" fill="{AXIS}">no points to draw</text></svg>')
        return "\n".join(out)
    xlo, xhi = _span(min(xs), max(xs))
    ylo, yhi = _span(min(ys), max(ys))

    def px(x):
        return x0 + (x - xlo) / (xhi - xlo) * (x1 - x0)

    def py(y):
        return y0 - (y - ylo) / (yhi - ylo) * (y0 - y1)
    for v, label in zip(*ticks(ylo, yhi)):
        out.append(f'<line x1="{x0}" y1="{py(v):.2f}" x2="{x1}" y2="{py(v):.2f}" '
                   f'stroke="{GRID}" stroke-width="1"/>')
        out.append(f'<text x="{x0 - 6}" y="{py(v) + 4:.2f}" text-anchor="end" '
                   f'font-size="11" fill="{AXIS}">{label}</text>')
    for v, label in zip(*ticks(xlo, xhi, 7)):
        out.append(f'<line x1="{px(v):.2f}" y1="{y0}" x2="{px(v):.2f}" y2="{y0 + 4}" '
                   f'stroke="{AXIS}" stroke-width="1"/>')
        out.append(f'<text x="{px(v):.2f}" y="{y0 + 16}" text-anchor="middle" '
                   f'font-size="11" fill="{AXIS}">{label}</text>')
    out.append(f'<text x="{(x0 + x1) / 2:.1f}" y="{height - 6}" text-anchor="middle" '
               f'font-size="11" fill="{AXIS}">{escape(chart.x_label)}</text>')
    out.append(f'<polyline points="{x0},{y1} {x0},{y0} {x1},{y0}" fill="none" '
               f'stroke="{AXIS}" stroke-width="1"/>')
    points = " ".join(f"{px(x):.2f},{py(y):.2f}" for x, y in zip(xs, ys))
    out.append(f'<polyline points="{points}" fill="none" stroke="{LINE}" '
               f'stroke-width="1.5" stroke-linejoin="round"/>')
    out.append("</svg>")
    return "\n".join(out)


def _span(lo: float, hi: float) -> tuple[float, float]:
    """A drawable range: a flat series gets room around its value."""
    if hi > lo:
        return lo, hi
    pad = abs(lo) * 0.1 or 1.0
    return lo - pad, hi + pad
