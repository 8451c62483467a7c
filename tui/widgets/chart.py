"""Price line or candles above volume bars, drawn by plotext to the widget's size in the
theme's colours; or, in strategy mode, the selected strategy's inventory and PnL over its
newest run. plotext is slow, so the drawing runs in a thread worker."""
from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.color import Color
from textual.message import Message
from textual.widgets import Static

from ..desk_facade import DeskView
from ..plotting import Colours, render, render_desk
from ..snapshot import MarketView
from .pane import Pane

INTERVALS = (1, 5, 15, 60)   # seconds per candle


class ChartPane(Pane):
    TITLE = "Chart"
    can_focus = True            # its keys (k, i, m) work once the pane has focus
    BINDINGS = [
        Binding("k", "toggle_kind", "Line/candles", id="chart.kind"),
        Binding("i", "next_interval", "Interval", id="chart.interval"),
        Binding("m", "toggle_mode", "Market/strategy", id="chart.mode"),
    ]

    class Drawn(Message):
        """A chart finished drawing in the worker; `key` says what it shows."""

        def __init__(self, pane: "ChartPane", key: tuple, text: Text) -> None:
            super().__init__()
            self.pane = pane
            self.key = key
            self.text = text

        @property
        def control(self) -> "ChartPane":
            return self.pane

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.kind = "line"
        self.interval = INTERVALS[0]
        self._view: MarketView | None = None
        self.mode = "market"            # market | strategy
        self._desk: DeskView | None = None
        self._drawn = None          # the key of the newest chart asked for
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
        last = view.prices[-1][0] if view and view.prices else None
        bucket = None if last is None else last // (self.interval * 1_000_000_000)
        colours = self._colours(canvas)
        # plotext is costly: redraw when a candle changes, not on every journal entry
        key = (view.symbol if view else None, len(view.prices) if view else 0, bucket,
               view.prices[-1][1] if view and view.prices else None, w, h, self.kind,
               self.interval, colours)
        if key == self._drawn or w < 10 or h < 5:
            return
        self._drawn = key
        self.border_title = f"Chart {view.symbol if view else ''} {self.kind} {self.interval}s"
        if not view or not view.prices:
            canvas.update("no trades yet")
            return
        self._plot(key, view.prices, self.kind, self.interval, w, h, colours)

    def _draw_desk(self) -> None:
        desk = self._desk
        canvas = self.query_one("#chart-canvas", Static)
        w, h = canvas.size.width, canvas.size.height
        colours = self._colours(canvas)
        name = desk.focus if desk else None
        key = ("strategy", name, desk.samples if desk else (), w, h, colours)
        if key == self._drawn or w < 10 or h < 5:
            return
        self._drawn = key
        self.border_title = f"Chart {name or ''} inventory and PnL"
        if not desk or not desk.samples:
            canvas.update(f"{name}: no run samples yet" if name else "no strategy selected")
            return
        self._plot_desk(key, desk.samples, w, h, colours)

    @work(thread=True, exclusive=True, group="chart", exit_on_error=False)
    def _plot_desk(self, key: tuple, samples, width: int, height: int,
                   colours: Colours) -> None:
        text = Text.from_ansi(render_desk(samples, width, height, colours))
        self.post_message(self.Drawn(self, key, text))

    @work(thread=True, exclusive=True, group="chart", exit_on_error=False)
    def _plot(self, key: tuple, prices, kind: str, interval: int, width: int, height: int,
              colours: Colours) -> None:
        text = Text.from_ansi(render(prices, kind, interval, width, height, colours))
        self.post_message(self.Drawn(self, key, text))

    @on(Drawn)
    def _show(self, message: Drawn) -> None:
        if message.key == self._drawn:      # an older chart finishing late stays unseen
            self.query_one("#chart-canvas", Static).update(message.text)
