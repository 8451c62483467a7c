"""Switching what the workstation shows: the symbol and acting-user pickers, pausing the
demo market, the Backtest and Surveillance screens, the keys help and the theme.

`Switching` is a small controller the app owns (composition, not a mixin, like
tui/desk_control.py): its constructor is handed everything it uses (the app, for screens,
toasts and the theme; the app state; the exchange facade, for its focus and database
url; the login; the clock; and the main screen, the demo market, the follower's wake-up
and the status redraw as callables), so it reads no attribute of its host that it was
not given. The app's actions pass them on.
"""
from collections.abc import Callable

from textual.app import App

from . import settings
from .backtest_facade import BacktestFacade
from .demo_market import DemoMarket
from .screens.backtest import BacktestScreen
from .screens.picker import Picker
from .screens.surveillance import SurveillanceScreen
from .state import AppState
from .widgets.keys_help import KeysHelp


class Switching:
    """Pickers, the demo market's pause, the other screens, keys help and the theme."""

    def __init__(self, app: App, state: AppState, facade, *, login: str,
                 clock: Callable[[], int], main: Callable[[], object],
                 market: Callable[[], DemoMarket | None], follow: Callable[[], None],
                 status: Callable[[], None]) -> None:
        """`app` shows screens and toasts and holds the theme; `state` holds the view, the
        focus and the theme; `facade` (tui/facade.py) has the focus the follower reads and
        the database's url; `login` is who opened the workstation; `clock()` is ns since
        the epoch; `main()` is the main screen; `market()` the demo market (None without
        one); `follow()` polls now; `status()` redraws the status bar."""
        self.app, self.state, self.facade = app, state, facade
        self.login, self.clock = login, clock
        self._main, self._market, self._follow, self._status = main, market, follow, status
        self._backtests: BacktestFacade | None = None   # opened with the first Backtest screen

    def pick_symbol(self) -> None:
        """Ask which symbol to show."""
        v = self.state.view
        if v:
            self.app.push_screen(Picker("Symbol", list(v.symbols), v.symbol), self._set_symbol)

    def _set_symbol(self, symbol: str | None) -> None:
        if symbol:
            self.state.symbol = self.facade.focus.symbol = symbol
            self.facade.focus.group = 1
            self._follow()

    def pick_user(self) -> None:
        """Ask which user to act as."""
        v = self.state.view
        if v:
            self.app.push_screen(Picker("Act as", list(v.users), v.user), self._set_user)

    def _set_user(self, user: str | None) -> None:
        if user:
            self.state.user = self.facade.focus.user = user
            self._follow()

    def toggle_sim(self) -> None:
        """Pause the demo market, or resume it; say so when there is none."""
        driver = self._market()
        if driver is None:
            self.app.notify("no demo market runs on this database", severity="warning")
            return
        if driver.paused:
            driver.resume()
            self.state.sim_state = "running"
        else:
            driver.pause()
            self.state.sim_state = "paused"
        self._status()

    def backtest(self) -> None:
        """Open the Backtest screen (unless on it)."""
        if isinstance(self.app.screen, BacktestScreen):
            return
        if self._backtests is None:
            self._backtests = BacktestFacade(self.facade.api.url, clock=self.clock)
        self.app.push_screen(BacktestScreen(self._backtests))

    def surveillance(self) -> None:
        """Open the Surveillance screen (unless on it) as the login."""
        if isinstance(self.app.screen, SurveillanceScreen):
            return
        from .surveillance_facade import SurveillanceFacade
        self.app.push_screen(SurveillanceScreen(SurveillanceFacade(
            self.facade.api.url, self.login, clock=self.clock)))

    def help(self) -> None:
        """Show or hide every key of the screen on view (tui/widgets/keys_help.py)."""
        shown = self.app.screen.query(KeysHelp)
        if shown:
            shown.remove()
        else:
            self.app.screen.mount(KeysHelp())

    def set_theme(self, name: str) -> None:
        """Switch to the theme `name` (a key of souq.themes.THEMES) and remember it."""
        self.app.theme = self.state.theme = name
        settings.save(theme=name)
        main = self._main()
        if main is not None and self.state.view is not None:   # colours drawn in workers too
            main.render_view(self.state.view)

    def close(self) -> None:
        """Close the backtests' database, if a Backtest screen opened it."""
        if self._backtests is not None:
            self._backtests.close()
