"""A report chart as plotext text: plain for a Markdown file or a terminal, or coloured
for the TUI (RGB triples in, ANSI out; the caller turns it into Rich text).

Each chart builds its own plotext figure, never the module-level one (whose size is
capped to the real terminal's), under a lock in case plotext shares more state.
plotext is imported here only, when a chart is drawn: the rest of mm never needs it.
"""
import re
import threading

from souq.mm.display import nice_ticks

from .content import Chart

_LOCK = threading.Lock()
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
EMPTY = "(no points to draw)"


def text_chart(chart: Chart, width: int, height: int, colours=None, *,
               title: bool = True) -> str:
    """`chart` drawn in width x height cells. `colours` is None (plain text) or
    (background, foreground, line) RGB triples."""
    xs, ys = chart.floats()
    if not xs:
        return EMPTY
    from plotext._figure import _figure_class
    with _LOCK:
        figure = _figure_class()
        figure._limit_size(False, False)     # the asked size, whatever the terminal's
        figure.plot_size(max(width, 20), max(height, 6))
        figure.theme("clear")
        if colours is not None:
            background, foreground, line = colours
            figure.canvas_color(background)
            figure.axes_color(background)
            figure.ticks_color(foreground)
        if title:
            figure.title(chart.title)
        if len(xs) == 1:                     # one point: a flat segment a second wide
            xs, ys = [xs[0], xs[0] + 1], ys * 2
        figure.plot(xs, ys, marker="braille",
                    color=None if colours is None else colours[2])
        values, labels = nice_ticks(min(ys), max(ys), max(2, height // 4))
        pad = max(map(len, labels))
        figure.yticks(values, [label.rjust(pad) for label in labels])   # grouped digits
        text = figure.build()
    if colours is None:
        text = "\n".join(_ANSI.sub("", ln).rstrip() for ln in text.splitlines())
    return text.rstrip("\n")
