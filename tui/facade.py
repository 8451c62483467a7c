"""The one object that owns the exchange on the UI side.

Blocking work (following the journal, submitting commands, building views) runs in
thread workers and only *posts messages* back; widgets never call the exchange.
"""
import threading
import time
from dataclasses import dataclass

from textual.message import Message

from db import queries as Q
from db.api import Api, Result
from mm.alerts import Alert, journal_alerts

from .snapshot import MarketView, build_view


class ViewReady(Message):
    """A fresh MarketView, built at one journal point."""

    def __init__(self, view: MarketView, alerts: list[Alert]) -> None:
        super().__init__()
        self.view = view
        self.alerts = alerts


class CommandDone(Message):
    """The exchange answered a command (accepted or rejected)."""

    def __init__(self, command: dict, result: Result | None, error: str | None) -> None:
        super().__init__()
        self.command = command
        self.result = result
        self.error = error        # a command that never reached the exchange (bad shape)

    @property
    def reason(self) -> str | None:
        return self.error or (self.result.reason if self.result else None)


@dataclass
class Focus:
    """What the views are about; changed by the app, read by the workers."""
    symbol: str
    user: str
    depth: int = 20
    group: int = 1


class ExchangeFacade:
    def __init__(self, url: str | None, focus: Focus, clock=time.time_ns) -> None:
        self.api = Api(url, focus.user, clock=clock)
        self.focus = focus
        self._lock = threading.Lock()   # the store's engine is not shared between threads
        self._alert_seq = None

    # ----------------------------------------------------------- called from workers
    def open(self) -> None:
        with self._lock:
            _ = self.api.store      # loads the exchange from the database

    def follow(self) -> tuple[MarketView, list[Alert]]:
        """Apply what others committed, then build the view for the current focus."""
        with self._lock:
            store = self.api.store
            store.refresh()
            with store.engine.connect() as conn:
                view = build_view(store, conn, self.focus.symbol, self.focus.user,
                                  self.focus.depth, self.focus.group)
                alerts = self._new_alerts(conn, view)
        return view, alerts

    def _new_alerts(self, conn, view: MarketView) -> list[Alert]:
        if self._alert_seq is None:          # alerts start from when the session opened
            self._alert_seq = view.seq
            return []
        rows = Q.journal_since(conn, self._alert_seq)
        if rows:
            self._alert_seq = rows[-1]["seq"]
        own = {o["id"] for o in view.orders}
        return journal_alerts(rows, view.user, own)

    def submit(self, command: dict) -> CommandDone:
        """Run one command as the acting user; never raises for a refused command."""
        try:
            with self._lock:
                self.api.actor = self.focus.user
                result = self.api.execute(command)
        except ValueError as exc:        # a command of the wrong shape: name the problem
            return CommandDone(command, None, str(exc))
        return CommandDone(command, result, None)

    def close(self) -> None:
        with self._lock:
            self.api.close()
