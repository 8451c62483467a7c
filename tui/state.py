"""App state held outside widgets: what the user is looking at and acting as."""
from dataclasses import dataclass, field

from souq.mm.alerts import Alert

from .desk_facade import DeskView
from .snapshot import ScreenView


@dataclass
class AppState:
    symbol: str
    user: str
    theme: str = "souq-dark"
    view: ScreenView | None = None
    alerts: list[Alert] = field(default_factory=list)
    sim_state: str = "off"        # off | running | paused
    pane: str = "book"            # the pane shown alone on a narrow terminal
    desk_pane: str = "inventory"  # inventory | maker: the desk row's right slot, wide
    max_alerts: int = 500
    desk: DeskView | None = None  # the strategy configurations, their runs and figures
    strategy: str | None = None   # the configuration selected in the Strategy pane
    follow_ms: float | None = None  # journal commit to screen, of the newest entry shown
    starting: set[str] = field(default_factory=set)   # strategies asked to start, not yet up

    def add_alerts(self, alerts: list[Alert]) -> None:
        self.alerts.extend(alerts)
        del self.alerts[:-self.max_alerts]
