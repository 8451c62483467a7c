"""Price and volume as plotext text: pure functions of plain data, safe to run in a worker.

The chart pane collects the trades and the theme's colours on the UI thread and calls
`render` from a thread worker. Each render builds its own plotext figure, never the
module-level one (whose size is capped to the real terminal's and whose clf() clears
only the last active subplot), and holds `_PLOTEXT` in case plotext shares more state.
"""
import math
import re
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal

from plotext._figure import _figure_class
from plotext._utility import get_matrix_data

from souq.mm.display import nice_ticks  # noqa: F401  (also imported from here by tests)

RGB = tuple[int, int, int]
_PLOTEXT = threading.Lock()
VOLUME_SHARE = 0.3      # of the chart's height, under the price
MIN_VOLUME_ROWS = 5     # three rows of bars, the axis and the times under it
MIN_PRICE_ROWS = 9      # with less room the price keeps all of it


@dataclass(frozen=True)
class Colours:
    """What the chart paints with, resolved from the active theme."""
    background: RGB
    foreground: RGB     # ticks, labels and frame
    up: RGB             # candle or volume bar that closed at or above its open
    down: RGB


def candles(prices, interval: int) -> list[list]:
    """(ts_ns, price, qty) oldest first -> [bucket, open, high, low, close, volume] per
    `interval` seconds, oldest first. Floats: display only."""
    out: list[list] = []
    for ts, price, qty in prices:
        bucket = ts // (interval * 1_000_000_000)
        p, q = float(Decimal(price)), float(Decimal(qty))
        if out and out[-1][0] == bucket:
            b = out[-1]
            b[2], b[3], b[4], b[5] = max(b[2], p), min(b[3], p), p, b[5] + q
        else:
            out.append([bucket, p, p, p, p, q])
    return out


def volume_ticks(top: float) -> tuple[list[float], list[str]]:
    """The largest round value under the tallest bar."""
    values, labels = nice_ticks(0.0, top, 3)
    return values[-1:], labels[-1:]


def render(prices, kind: str, interval: int, width: int, height: int,
           colours: Colours) -> str:
    """Price (line or candles) above volume bars, both to width x height, in the theme's
    colours. Up and down follow each candle's close against its open."""
    bars = candles(prices, interval)[-max(10, width // 2):]
    volume_rows = max(MIN_VOLUME_ROWS, round(height * VOLUME_SHARE))
    if height - volume_rows < MIN_PRICE_ROWS:
        volume_rows = 0
    price_axis = nice_ticks(min(b[3] for b in bars), max(b[2] for b in bars),
                            max(2, (height - volume_rows) // 3))
    volume_axis = volume_ticks(max(b[5] for b in bars))
    # one label width for both plots, so their x axes line up
    pad = max(map(len, price_axis[1] + (volume_axis[1] if volume_rows else [])))
    times = _time_ticks(bars, interval, width - pad)
    with _PLOTEXT:
        figure = _figure_class()
        figure._limit_size(False, False)     # the widget's size, whatever the terminal's
        figure.plot_size(width, height)
        price = figure
        if volume_rows:
            figure.subplots(2, 1)
            price = figure.subplot(1, 1)
        _price(price, bars, kind, colours, width, height - volume_rows, price_axis, pad)
        if not volume_rows:
            price.xticks(*times)
        else:                   # the times go under the volume, the lower plot
            price.xticks([])
            volume = figure.subplot(2, 1)
            _volume(volume, bars, colours, width, volume_rows, volume_axis, pad)
            volume.xticks(*times)
        built = figure.build().removesuffix("\n")
    return _relabel(built, times, len(bars), colours, width)


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _relabel(built: str, times: tuple[list[int], list[str]], count: int,
             colours: Colours, width: int) -> str:
    """The time axis (tick marks and labels), placed by us: plotext drops or nudges a label
    that comes close to its neighbour depending on the process's string-hash seed, so the
    same chart read differently from one run to the next. Each tick sits where plotext
    maps its candle (x range -0.5 .. count - 0.5 over the canvas); its label is centred on
    it, kept inside the width, and left out (with its tick) when it would touch the one
    before."""
    lines = built.split("\n")
    xs, labels = times
    axis = _ANSI.sub("", lines[-2]) if len(lines) >= 2 else ""
    left, right = axis.find("└"), axis.find("┘")
    if not labels or left < 0 or right <= left:
        return built
    canvas = right - left - 1
    cols = [left + 1 + c for c in get_matrix_data(xs, (-0.5, count - 0.5), canvas)]
    row, marks = [" "] * width, list("└" + "─" * canvas + "┘")
    free = 0                               # the first column the next label may use
    for col, label in zip(cols, labels):
        start = min(max(col - len(label) // 2, 0), width - len(label))
        if start < free or not left < col < right:
            continue
        row[start:start + len(label)] = label
        marks[col - left] = "┬"
        free = start + len(label) + 1
    bg, fg = colours.background, colours.foreground
    paint = f"\x1b[48;2;{bg[0]};{bg[1]};{bg[2]}m\x1b[38;2;{fg[0]};{fg[1]};{fg[2]}m"
    lines[-2] = paint + " " * left + "".join(marks) + " " * (width - right - 1) + "\x1b[0m"
    lines[-1] = paint + "".join(row) + "\x1b[0m"
    return "\n".join(lines)


def _price(plot, bars, kind, colours: Colours, width, height, axis, pad) -> None:
    xs = list(range(len(bars)))
    opens, highs, lows, closes = ([b[i] for b in bars] for i in range(1, 5))
    _frame(plot, colours, width, height, len(bars), axis, pad)
    _ylim(plot, min(lows), max(highs), axis)
    if kind == "candles":
        plot.candlestick(xs, {"Open": opens, "Close": closes, "High": highs, "Low": lows},
                         colors=[colours.up, colours.down])
    else:
        rising = closes[-1] >= opens[0]
        plot.plot(xs, closes, marker="braille", color=colours.up if rising else colours.down)


def _ylim(plot, lo: float, hi: float, axis) -> None:
    """The y range is ours, not plotext's: left to itself, a single value (one candle, a
    flat line) gives it an empty range, and which tick label it then showed changed from
    one process to the next. The range holds the data and every tick."""
    lo, hi = min(lo, axis[0][0]), max(hi, axis[0][-1])
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5
    plot.ylim(lo, hi)


def _volume(plot, bars, colours: Colours, width, height, axis, pad) -> None:
    _frame(plot, colours, width, height, len(bars), axis, pad)
    plot.xaxes(True, False)     # the price plot's lower edge is this plot's upper one
    plot.ylim(0, max(b[5] for b in bars))
    for rising, colour in ((True, colours.up), (False, colours.down)):
        picked = [i for i, b in enumerate(bars) if (b[4] >= b[1]) is rising]
        if picked:
            plot.bar(picked, [bars[i][5] for i in picked], color=colour, width=0.6,
                     reset_ticks=False)


def _frame(plot, colours: Colours, width, height, count, axis, pad) -> None:
    """Size, theme colours, the shared x range and right-aligned y labels."""
    plot.plot_size(width, height)
    plot.theme("clear")
    plot.canvas_color(colours.background)
    plot.axes_color(colours.background)
    plot.ticks_color(colours.foreground)
    plot.xlim(-0.5, count - 0.5)
    plot.yticks(axis[0], [label.rjust(pad) for label in axis[1]])


def _time_ticks(bars, interval: int, width: int) -> tuple[list[int], list[str]]:
    """A candle's start time (UTC) every 12 or more columns under the chart."""
    if not bars:
        return [], []
    every = max(1, math.ceil(len(bars) * 12 / max(width, 1)))
    xs = list(range(0, len(bars), every))
    return xs, [datetime.fromtimestamp(bars[i][0] * interval, timezone.utc).strftime("%H:%M:%S")
                for i in xs]


def render_desk(samples, width: int, height: int, colours: Colours) -> str:
    """A strategy run's inventory (upper half) and PnL (lower half) over time, from its
    (ts_ns, inventory, pnl) samples oldest first. Floats: display only."""
    points = list(samples)[-max(10, width * 2):]
    xs = list(range(len(points)))
    series = [[float(Decimal(p[i])) for p in points] for i in (1, 2)]
    axes = [nice_ticks(min(s), max(s), max(2, height // 6)) for s in series]
    pad = max(map(len, axes[0][1] + axes[1][1]))
    every = max(1, math.ceil(len(points) * 12 / max(width - pad, 1)))
    ticks = (xs[::every], [datetime.fromtimestamp(points[i][0] / 1e9, timezone.utc)
                           .strftime("%H:%M:%S") for i in xs[::every]])
    with _PLOTEXT:
        figure = _figure_class()
        figure._limit_size(False, False)
        figure.plot_size(width, height)
        figure.subplots(2, 1)
        for row, (values, axis, label) in enumerate(zip(series, axes, ("inventory", "PnL"))):
            plot = figure.subplot(row + 1, 1)
            _frame(plot, colours, width, height // 2 if row == 0 else height - height // 2,
                   len(points), axis, pad)
            _ylim(plot, min(values), max(values), axis)
            colour = colours.up if values[-1] >= values[0] else colours.down
            plot.plot(xs, values, marker="braille", color=colour, label=label)
            plot.xticks(*ticks) if row else plot.xticks([])
        built = figure.build().removesuffix("\n")
    return _relabel(built, ticks, len(points), colours, width)
