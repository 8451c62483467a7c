"""Reserved for the market-making desk: says what it will hold, offers no fake controls."""
from textual.widgets import Static

from .pane import Pane


class StrategyPane(Pane):
    TITLE = "Strategy"

    def compose(self):
        yield Static("Market-making strategies arrive with the desk: their configurations, "
                     "live parameters, state and start/pause/stop controls will be here.",
                     id="strategy-note")
