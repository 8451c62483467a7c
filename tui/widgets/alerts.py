"""Alerts, newest last: time, severity (coloured, in its own column) and the text, which
wraps at word boundaries under itself (a hanging indent), so a long alert is read whole
in a narrow pane. On start the recent history from the database comes first, under a
rule saying so."""
from rich.table import Table
from rich.text import Text
from textual.widgets import RichLog

from souq.mm.alerts import Alert
from souq.mm.display import grouped_text

from .pane import Pane
from .size_in_place import SizeInPlace

TIME, SEVERITY = 8, 8


class AlertLog(SizeInPlace, RichLog):
    """The alerts' log: a line written repaints it, with no layout of the screen."""


class AlertsPane(Pane):
    TITLE = "Alerts"

    def compose(self):
        # min_width 1: the log renders at the pane's width (its default, 78 columns, cut
        # the words past a narrower pane's edge)
        yield AlertLog(id="alerts-log", max_lines=500, wrap=True, markup=False, min_width=1)

    def add_alerts(self, alerts: list[Alert], clock_text, *, history: bool = False) -> None:
        """Write `alerts`; `history`: logged before this session, under a rule."""
        log = self.query_one(RichLog)
        if history and alerts:
            log.write(Text(f"── {len(alerts)} earlier ──", style="dim"))
        for a in alerts:
            log.write(row(a, clock_text, self.app.theme_variables))
        if history and alerts:
            log.write(Text("── this session ──", style="dim"))


def row(a: Alert, clock_text, theme: dict) -> Table:
    """One alert as a grid: time and severity fixed, the text wrapping in its column."""
    colour = theme.get(f"alert-{a.severity}", "white")
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=TIME, no_wrap=True, style="dim")
    grid.add_column(width=SEVERITY, no_wrap=True, style=f"bold {colour}")
    grid.add_column(ratio=1, overflow="fold")
    grid.add_row(clock_text(a.ts), a.severity, grouped_text(a.text))   # reasons' numbers
    return grid
