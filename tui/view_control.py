"""Showing views: taking each view (from the follower or with a command's answer) onto
the main screen, and the status bar.

`ViewControl` is a small controller the app owns (composition, not a mixin, like
tui/desk_control.py): its constructor is handed everything it uses (the app, to batch
redraws; the app state; the exchange facade, for its database url; the clock; whether
the exchange is a server's and whether the clock shows; the desk controller; and the
main screen as a callable), so it reads no attribute of its host that it was not given.
"""
from collections.abc import Callable
from datetime import datetime, timezone

from textual.app import App
from textual.css.query import NoMatches

from .desk_control import DeskControl
from .facade import ViewReady
from .state import AppState
from .widgets.alerts import AlertsPane
from .widgets.status_bar import StatusBar, desk_text, follow_text


def clock_text(ts: int) -> str:
    """`ts` (ns since the epoch) as HH:MM:SS, UTC."""
    return datetime.fromtimestamp(ts / 1e9, timezone.utc).strftime("%H:%M:%S")


class ViewControl:
    """Views onto the main screen, newest only, and the status bar beneath them."""

    def __init__(self, app: App, state: AppState, facade, clock: Callable[[], int], *,
                 remote: bool, show_clock: bool, desk: DeskControl,
                 main: Callable[[], object]) -> None:
        """`app` batches redraws; `state` holds the view, alerts and status figures;
        `facade` (tui/facade.py) has the database's url; `clock()` is ns since the epoch;
        `remote` says the exchange is a server's (its journal is not ours); `show_clock`
        puts the time in the status bar; `desk` draws the desk; `main()` is the main
        screen (None before it opens)."""
        self.app, self.state, self.facade, self.clock = app, state, facade, clock
        self.remote, self.show_clock, self.desk, self._main = remote, show_clock, desk, main
        self._shown_serial = 0                    # the newest view taken so far
        self._unshown_alerts: list = []           # arrived while the main screen was covered

    def show(self, message: ViewReady) -> None:
        """Take a view, from the follower or with a command's answer: the two are built on
        different threads, so one built before the view on screen is dropped."""
        if message.serial < self._shown_serial:    # built before the view on screen
            return
        self._shown_serial = message.serial
        before = self.state.view
        if before is not None and message.view.seq > before.seq:   # news since it opened
            self.state.follow_ms = max(0, self.clock() - message.view.seq_ts) / 1e6
        self.state.view = message.view
        self.state.add_alerts(message.alerts)
        self._unshown_alerts += message.alerts
        self.draw()
        if before is None and self.state.desk is not None:
            self.desk.draw()        # a desk read came first: its prices need the view's figures

    def on_top(self) -> bool:
        """Whether a new view would be seen now: the main screen is on top (or no view
        has come yet). While a dialog covers it, the follower builds none (issue 15: a
        poll's view is a few ms of the interpreter a keystroke in the dialog waits for);
        MainScreen wakes the follower when it is on top again."""
        main = self._main()
        return self.state.view is None or main is None or self.app.screen is main

    def draw(self) -> None:
        """Draw the newest view, and the alerts not yet in the pane, if the main screen is
        on top. Under a dialog (or another screen) nothing is drawn: a change under a
        dialog makes Textual compose the whole dimmed main screen again (75-300 ms under
        load, issue 15; tui/screens/dialog.py), and nobody reads the panes under it. What
        arrives meanwhile waits here; MainScreen calls this again when it is on top."""
        main = self._main()
        if main is None or not main.is_attached or self.state.view is None:
            return                                    # not yet, or shutting down
        if self.app.screen is not main:               # covered: drawn when it comes back
            return
        alerts, self._unshown_alerts = self._unshown_alerts, []
        try:
            with self.app.batch_update():
                main.render_view(self.state.view)
                if alerts:
                    main.query_one(AlertsPane).add_alerts(alerts, clock_text)
                self.status()
        except NoMatches:          # the app is closing and its widgets are already gone
            return

    def status(self) -> None:
        """Redraw the status bar from the view on screen (nothing before the first)."""
        v, main = self.state.view, self._main()
        if v is None or main is None or not main.is_attached:
            return
        try:
            bar = main.query_one(StatusBar)
        except NoMatches:          # the app is closing and its widgets are already gone
            return
        bar.show(
            symbol=v.symbol, session=v.session, user=v.user, database=self.facade.api.url,
            sim=self.state.sim_state,
            seq=v.seq if not self.remote else "-",     # a server's journal is not ours
            follow=follow_text(self.state.follow_ms),
            desk=desk_text(self.desk.shown_rows()) if self.state.desk else "",
            clock=clock_text(self.clock()) + " UTC" if self.show_clock else "")
