"""Alerts, newest last, coloured by severity."""
from rich.text import Text
from textual.widgets import RichLog

from mm.alerts import Alert

from .pane import Pane


class AlertsPane(Pane):
    TITLE = "Alerts"

    def compose(self):
        yield RichLog(id="alerts-log", max_lines=500, wrap=True, markup=False)

    def add_alerts(self, alerts: list[Alert], clock_text) -> None:
        log = self.query_one(RichLog)
        for a in alerts:
            colour = self.app.theme_variables.get(f"alert-{a.severity}", "white")
            log.write(Text.assemble((clock_text(a.ts) + " ", "dim"),
                                    (f"{a.severity:<8}", f"bold {colour}"), a.text))
