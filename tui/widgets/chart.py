"""Price line or candles with volume, drawn by plotext to the widget's size."""
from decimal import Decimal

import plotext as plt
from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static

from ..snapshot import MarketView
from .pane import Pane

INTERVALS = (1, 5, 15, 60)   # seconds per candle


class ChartPane(Pane):
    TITLE = "Chart"
    BINDINGS = [
        Binding("k", "toggle_kind", "Line/candles", id="chart.kind"),
        Binding("i", "next_interval", "Interval", id="chart.interval"),
    ]

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.kind = "line"
        self.interval = INTERVALS[0]
        self._view: MarketView | None = None
        self._drawn = None
        self._pending = None

    def compose(self):
        yield Static(id="chart-canvas")

    def update_view(self, view: MarketView) -> None:
        """New data redraws at most twice a second; plotext is too slow for every tick."""
        changed_symbol = self._view is None or self._view.symbol != view.symbol
        self._view = view
        if changed_symbol:
            self._draw()
        elif self._pending is None:
            self._pending = self.set_timer(0.5, self._deferred)

    def _deferred(self) -> None:
        self._pending = None
        self._draw()

    def on_resize(self) -> None:
        self._drawn = None
        self._draw()

    def action_toggle_kind(self) -> None:
        self.kind = "candles" if self.kind == "line" else "line"
        self._drawn = None
        self._draw()

    def action_next_interval(self) -> None:
        self.interval = INTERVALS[(INTERVALS.index(self.interval) + 1) % len(INTERVALS)]
        self._drawn = None
        self._draw()

    def _draw(self) -> None:
        view = self._view
        canvas = self.query_one("#chart-canvas", Static)
        w, h = canvas.size.width, canvas.size.height
        last = view.prices[-1][0] if view and view.prices else None
        bucket = None if last is None else last // (self.interval * 1_000_000_000)
        # plotext is costly: redraw when a candle changes, not on every journal entry
        key = (view.symbol if view else None, len(view.prices) if view else 0, bucket,
               view.prices[-1][1] if view and view.prices else None, w, h, self.kind,
               self.interval)
        if key == self._drawn or w < 10 or h < 5:
            return
        self._drawn = key
        self.border_title = f"Chart {view.symbol if view else ''} {self.kind} {self.interval}s"
        if not view or not view.prices:
            canvas.update("no trades yet")
            return
        canvas.update(Text.from_ansi(render(view.prices, self.kind, self.interval, w, h,
                                            self.app.theme_variables)))


def candles(prices, interval: int):
    """(ts_ns, price, qty) oldest first -> OHLC + volume per interval bucket."""
    out = []
    for ts, price, qty in prices:
        bucket = ts // (interval * 1_000_000_000)
        p, q = float(Decimal(price)), float(Decimal(qty))   # display only
        if out and out[-1][0] == bucket:
            b = out[-1]
            b[2], b[3], b[4], b[5] = max(b[2], p), min(b[3], p), p, b[5] + q
        else:
            out.append([bucket, p, p, p, p, q])
    return out


def render(prices, kind: str, interval: int, width: int, height: int, colours) -> str:
    plt.clf()
    plt.plotsize(width, height)
    plt.theme("clear")
    bars = candles(prices, interval)[-max(10, width // 2):]
    xs = list(range(len(bars)))
    if kind == "candles":
        plt.candlestick(xs, {"Open": [b[1] for b in bars], "Close": [b[4] for b in bars],
                             "High": [b[2] for b in bars], "Low": [b[3] for b in bars]})
    else:
        plt.plot(xs, [b[4] for b in bars], marker="braille")
    plt.xticks([])
    return plt.build()
