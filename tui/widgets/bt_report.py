"""A stored backtest's report: every figure in a table beside its equity and inventory
charts, drawn by plotext to each canvas's size in the theme's colours.

A report changes only when another run is opened, so the charts draw on the UI thread
(two plotext figures of a few hundred points) on show and on resize, not in a worker.
"""
from rich.text import Text
from textual.color import Color
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from souq.mm.reports import Report
from souq.mm.reports.text import text_chart

from .pane import Pane

CHARTS = ("equity", "inventory")
LABEL_W, VALUE_W = 31, 26       # the figures' columns where the pane has room for both
MIN_VALUE_W = 16                # "-1,234,567,890.12" minus its sign fits
GUTTER = 4 + 2                  # two columns' padding and the vertical scrollbar
SIDE_BY_SIDE = 62 + 40          # the figures' width in souq.tcss, and 40 for the charts


class ReportView(Pane):
    TITLE = "Report"

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.report: Report | None = None
        self._widths: tuple[int, int] = (LABEL_W, VALUE_W)

    def compose(self):
        yield Static("Run a backtest, or press Enter on a stored run.", id="bt-about")
        with Horizontal(id="bt-body"):
            yield DataTable(id="bt-figures", cursor_type="row", zebra_stripes=False)
            with Vertical(id="bt-charts"):
                for key in CHARTS:
                    yield Static(id=f"bt-{key}", classes="bt-chart")

    def on_mount(self) -> None:
        super().on_mount()
        self._add_columns()

    def _add_columns(self) -> None:
        table = self.query_one("#bt-figures", DataTable)
        label, value = self._widths
        table.add_column("Figure", key="label", width=label)
        table.add_column("Value", key="value", width=value)

    def fit_columns(self) -> None:
        """Charts beside the figures when the pane has room, else under them; the value
        column as wide as what is left (a value is never cut: a newcomer read "Fills 6"
        for 686 at 120x36, where the figures were wider than the pane)."""
        width = self.size.width - 2                     # inside the border
        stacked = width < SIDE_BY_SIDE
        self.set_class(stacked, "stacked")
        room = (width if stacked else LABEL_W + VALUE_W + GUTTER) - GUTTER
        label = min(LABEL_W, max(12, room - MIN_VALUE_W))
        widths = (label, max(MIN_VALUE_W, min(VALUE_W, room - label)) if stacked else VALUE_W)
        if widths != self._widths and width > 0:
            self._widths = widths
            self.query_one("#bt-figures", DataTable).clear(columns=True)
            self._add_columns()
            if self.report is not None:
                self._fill(self.report)

    def show(self, report: Report) -> None:
        self.report = report
        r = report.run
        source = f"data {r['data']}" if r["data"] else f"scenario {r['scenario']}"
        self.border_title = f"Report: run {r['id']}"
        self.query_one("#bt-about", Static).update(
            f"{r['config']} v{r['version']} on {source}, seed {r['seed']}: {r['events']} "
            f"market events, {r['orders']} orders, {r['fills']} fills")
        self._fill(report)
        self.draw()

    def _fill(self, report: Report) -> None:
        table = self.query_one("#bt-figures", DataTable)
        table.clear()
        section = None
        for i, (sec, label, value) in enumerate(report.lines):
            if sec != section:
                section = sec
                table.add_row(Text(sec, style="bold"), "", key=f"section-{sec}")
            table.add_row(label, Text(value, justify="right"), key=f"line-{i}")

    def on_resize(self) -> None:
        self.fit_columns()
        self.draw()

    def draw(self) -> None:
        if self.report is None:
            return
        theme = self.app.theme_variables
        for key in CHARTS:
            canvas = self.query_one(f"#bt-{key}", Static)
            w, h = canvas.size.width, canvas.size.height
            if w < 20 or h < 6:
                continue
            background = canvas.background_colors[1]
            colours = (background.rgb,
                       (background + Color.parse(theme["foreground-muted"])).rgb,
                       Color.parse(theme["up"]).rgb)
            canvas.update(Text.from_ansi(text_chart(self.report.chart(key), w, h, colours)))
