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


class ReportView(Pane):
    TITLE = "Report"

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.report: Report | None = None

    def compose(self):
        yield Static("Run a backtest, or press Enter on a stored run.", id="bt-about")
        with Horizontal(id="bt-body"):
            yield DataTable(id="bt-figures", cursor_type="row", zebra_stripes=False)
            with Vertical(id="bt-charts"):
                for key in CHARTS:
                    yield Static(id=f"bt-{key}", classes="bt-chart")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#bt-figures", DataTable)
        table.add_column("Figure", key="label", width=31)
        table.add_column("Value", key="value", width=26)

    def show(self, report: Report) -> None:
        self.report = report
        r = report.run
        source = f"data {r['data']}" if r["data"] else f"scenario {r['scenario']}"
        self.border_title = f"Report: run {r['id']}"
        self.query_one("#bt-about", Static).update(
            f"{r['config']} v{r['version']} on {source}, seed {r['seed']}: {r['events']} "
            f"market events, {r['orders']} orders, {r['fills']} fills")
        table = self.query_one("#bt-figures", DataTable)
        table.clear()
        section = None
        for i, (sec, label, value) in enumerate(report.lines):
            if sec != section:
                section = sec
                table.add_row(Text(sec, style="bold"), "", key=f"section-{sec}")
            table.add_row(label, Text(value, justify="right"), key=f"line-{i}")
        self.draw()

    def on_resize(self) -> None:
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
