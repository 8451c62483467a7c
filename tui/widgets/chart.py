"""Price line or candles above volume bars, drawn by plotext to the widget's size in the
theme's colours; or, in strategy mode, the selected strategy's inventory and PnL over its
newest run. plotext is slow, so the drawing runs in a thread worker.

The market chart shows a time window (SPANS: one minute to four hours) of the trades in
the database (tui/chart_history.py keeps the newest four hours on hand): `[` and `]` zoom
out and in, ← and → pan by half a window, End returns to the live edge. Candles are at
least as long as the window needs to fit the pane (an interval of INTERVALS)."""
from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.color import Color
from textual.message import Message
from textual.widgets import Static

from souq.engine.timeunits import SECOND

from ..chart_history import ChartHistory
from ..desk_facade import DeskView
from ..plotting import Colours, render, render_desk
from ..snapshot import ScreenView
from .pane import Pane

INTERVALS = (1, 5, 15, 60, 300, 900, 3600)   # seconds per candle
SPANS = (60, 300, 900, 3600, 4 * 3600)         # seconds of history in the window


class Canvas(Static):
    """The chart's drawing area. Its own size is what a drawing must fit, and it is known
    only once this widget is laid out: each change of it asks the pane to draw again.
    Its size comes from the pane (souq.tcss), never from what it shows, so a new drawing
    is repainted without laying out the screen again (issue 15)."""

    def show(self, content) -> None:
        self.update(content, layout=False)

    def on_resize(self) -> None:
        self.post_message(ChartPane.CanvasResized())


class ChartPane(Pane):
    TITLE = "Chart"
    can_focus = True            # its keys (k, i, m) work once the pane has focus
    BINDINGS = [
        Binding("k", "toggle_kind", "Line/candles", id="chart.kind"),
        Binding("i", "next_interval", "Interval", id="chart.interval"),
        Binding("m", "toggle_mode", "Market/strategy", id="chart.mode",
                tooltip="Chart: market or strategy inventory and PnL"),
        Binding("left_square_bracket", "zoom(1)", "Zoom out", id="chart.zoom_out"),
        Binding("right_square_bracket", "zoom(-1)", "Zoom in", id="chart.zoom_in"),
        Binding("left", "pan(-1)", "Earlier", show=False, id="chart.earlier"),
        Binding("right", "pan(1)", "Later", show=False, id="chart.later"),
        Binding("end", "live", "Live", show=False, id="chart.live"),
    ]

    class Drawn(Message):
        """A chart finished drawing in the worker; `key` says what it shows."""

        def __init__(self, pane: "ChartPane", key: tuple, text: Text, count: int = 0) -> None:
            super().__init__()
            self.pane = pane
            self.key = key
            self.text = text
            self.count = count      # trades in the window (market mode)

        @property
        def control(self) -> "ChartPane":
            return self.pane

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.kind = "line"
        self.interval = INTERVALS[0]
        self._view: ScreenView | None = None
        self.mode = "market"            # market | strategy
        self._desk: DeskView | None = None
        self._drawn = None          # the key of the newest chart asked for
        self._pending = None
        self.span = SPANS[2]            # seconds in the window
        self.back = 0                   # seconds the window ends before now (0: live)
        self.shown = 0                  # trades in the window drawn last
        self._history = None            # ChartHistory, made by the first drawing worker

    def compose(self):
        yield Canvas(id="chart-canvas")

    def update_view(self, view: ScreenView) -> None:
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

    class CanvasResized(Message):
        """The canvas has its new size (the pane's own Resize comes before it has)."""

    @on(CanvasResized)
    def _canvas_resized(self) -> None:
        self._drawn = None
        self._draw()

    def update_desk(self, view: DeskView) -> None:
        """Samples of the selected strategy arrive about once a second."""
        changed = self._desk is None or (view.focus, view.samples) != (self._desk.focus,
                                                                       self._desk.samples)
        self._desk = view
        if changed and self.mode == "strategy":
            self._draw()

    def action_toggle_mode(self) -> None:
        self.mode = "strategy" if self.mode == "market" else "market"
        self._drawn = None
        self._draw()

    def action_toggle_kind(self) -> None:
        self.kind = "candles" if self.kind == "line" else "line"
        self._drawn = None
        self._draw()

    def action_zoom(self, step: int) -> None:
        i = SPANS.index(self.span)
        self.span = SPANS[max(0, min(len(SPANS) - 1, i + step))]
        self._redraw()

    def action_pan(self, direction: int) -> None:
        self.back = max(0, self.back - direction * self.span // 2)
        self._redraw()

    def action_live(self) -> None:
        self.back = 0
        self._redraw()

    def _redraw(self) -> None:
        self._drawn = None
        self._draw()

    def candle_seconds(self, width: int) -> int:
        """The chosen interval, or the shortest of INTERVALS that fits the window into
        the pane's width (plotting shows a candle per two columns)."""
        need = self.span / max(10, width // 2)
        fits = next((i for i in INTERVALS if i >= need), INTERVALS[-1])
        return max(self.interval, fits)

    def window_text(self) -> str:
        def dur(s: int) -> str:
            return f"{s // 3600}h" if s >= 3600 and s % 3600 == 0 else \
                f"{s // 60}m" if s >= 60 else f"{s}s"
        return f"{dur(self.span)} window" + (f", {dur(self.back)} ago" if self.back else "")

    def action_next_interval(self) -> None:
        self.interval = INTERVALS[(INTERVALS.index(self.interval) + 1) % len(INTERVALS)]
        self._drawn = None
        self._draw()

    def _colours(self, canvas: Static) -> Colours:
        """Up and down from the theme's variables; the frame in its muted foreground over
        the background the canvas really has."""
        theme = self.app.theme_variables
        background = canvas.background_colors[1]
        return Colours(background.rgb, (background + Color.parse(theme["foreground-muted"])).rgb,
                       Color.parse(theme["up"]).rgb, Color.parse(theme["down"]).rgb)

    def _draw(self) -> None:
        if self.mode == "strategy":
            self._draw_desk()
            return
        view = self._view
        canvas = self.query_one("#chart-canvas", Static)
        w, h = canvas.size.width, canvas.size.height
        interval = self.candle_seconds(w)
        end = self.app.clock() - self.back * SECOND
        bucket = end // (interval * SECOND)
        colours = self._colours(canvas)
        # plotext is costly: redraw when a candle changes, not on every journal entry
        key = (view.symbol if view else None, view.trades[0]["id"] if view and view.trades
               else None, bucket, w, h, self.kind, interval, self.span, self.back, colours)
        if key == self._drawn or w < 10 or h < 5 or view is None:
            return
        self._drawn = key
        self.set_title(f"Chart {view.symbol} {self.kind} {interval}s, {self.window_text()}")
        self._plot(key, view.symbol, end - self.span * SECOND, end, self.kind, interval,
                   w, h, colours)

    def _draw_desk(self) -> None:
        desk = self._desk
        canvas = self.query_one("#chart-canvas", Canvas)
        w, h = canvas.size.width, canvas.size.height
        colours = self._colours(canvas)
        name = desk.focus if desk else None
        key = ("strategy", name, desk.samples if desk else (), w, h, colours)
        if key == self._drawn or w < 10 or h < 5:
            return
        self._drawn = key
        self.set_title(f"Chart {name or ''} inventory and PnL")
        if not desk or not desk.samples:
            canvas.show(f"{name}: no run samples yet" if name else "no strategy selected")
            return
        self._plot_desk(key, desk.samples, w, h, colours)

    @work(thread=True, exclusive=True, group="chart", exit_on_error=False)
    def _plot_desk(self, key: tuple, samples, width: int, height: int,
                   colours: Colours) -> None:
        text = Text.from_ansi(render_desk(samples, width, height, colours))
        self.post_message(self.Drawn(self, key, text))

    @work(thread=True, exclusive=True, group="chart", exit_on_error=False)
    def _plot(self, key: tuple, symbol: str, start: int, end: int, kind: str, interval: int,
              width: int, height: int, colours: Colours) -> None:
        if self._history is None:       # over --server, the facade reads it from the server
            remote = getattr(self.app.facade, "chart_history", None)
            self._history = remote() if remote else ChartHistory(self.app.facade.api.url)
        prices = self._history.window(symbol, start, end)
        text = (Text.from_ansi(render(prices, kind, interval, width, height, colours))
                if prices else Text(f"no trades in this {self.window_text()}"))
        self.post_message(self.Drawn(self, key, text, len(prices)))

    def on_unmount(self) -> None:
        if self._history is not None:
            self._history.close()

    @on(Drawn)
    def _show(self, message: Drawn) -> None:
        if message.key == self._drawn:      # an older chart finishing late stays unseen
            self.shown = message.count
            self.query_one("#chart-canvas", Canvas).show(message.text)
