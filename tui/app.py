"""`souq`: the trading workstation. Keys become commands; events become pixels."""
import os
import time

from textual import events, on, work
from textual.app import App, ScreenStackError, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from souq.db import demo as demo_db
from souq.db.collector import prompt_switching
from souq.engine.model import OPERATOR
from souq.mm import display
from souq.themes import DEFAULT, THEMES, VARIABLE_DEFAULTS

from . import opening, settings
from .demo_market import DemoMarket
from .desk_control import DeskControl
from .desk_facade import DeskDone, DeskReady
from .follower import KEY_QUIET, JournalFollower, quiet_collector
from .key_commands import binding_commands
from .order_entry import OrderEntry
from .switching import Switching
from .view_control import ViewControl, clock_text
from .facade import CommandDone, ExchangeFacade, Focus, ViewReady
from .remote_facade import RemoteFacade
from .screens.backtest import BacktestScreen
from .screens.surveillance import SurveillanceScreen
from .screens.main import MainScreen
from .screens.order_ticket import OrderTicket
from .screens.strategy_form import StrategyForm
from .state import AppState
from .widgets.order_book import OrderBook
from .widgets.orders import OrdersPane
from .widgets.quick_entry import QuickEntry
from .widgets.strategy import StrategyPane


# against a server (--server): the key's user only, and no local database to simulate on,
# backtest or survey
LOCAL_ONLY = {"pick_user", "toggle_sim", "backtest", "surveillance"}
MARKET_ACTIONS = {"ticket", "cancel_selected", "cancel_all", "pick_symbol", "pick_user",
                  "toggle_sim", "backtest", "surveillance"}


class SouqApp(App):
    CSS_PATH = "souq.tcss"
    TITLE = "souq"
    # the palette's commands are made from these (tui/key_commands.py): the tooltip is
    # the palette's title
    BINDINGS = [
        Binding("b", "ticket('buy')", "Buy", id="order.buy", tooltip="Buy: order ticket"),
        Binding("s", "ticket('sell')", "Sell", id="order.sell", tooltip="Sell: order ticket"),
        Binding("c", "cancel_selected", "Cancel", id="order.cancel",
                tooltip="Cancel the selected order"),
        Binding("C", "cancel_all", "Cancel all", id="order.cancel_all",
                tooltip="Cancel all my orders"),
        Binding("slash", "pick_symbol", "Symbol", id="app.symbol", tooltip="Switch symbol"),
        Binding("u", "pick_user", "User", id="app.user", tooltip="Switch acting user"),
        Binding("p", "toggle_sim", "Pause sim", id="sim.pause",
                tooltip="Pause or resume the demo market"),
        Binding("B", "backtest", "Backtest", id="app.backtest",
                tooltip="Backtest: run, report and compare strategy backtests"),
        Binding("S", "surveillance", "Surveillance", id="app.surveillance", show=False,
                tooltip="Surveillance: cases, evidence and decisions"),
        Binding("question_mark", "help", "Keys", id="app.help",
                tooltip="Keys: show or hide every key of this screen"),
        Binding("q", "quit", "Quit", id="app.quit",
                tooltip="Quit (asks first while strategies run)"),
    ]

    def __init__(self, url: str | None = None, *, symbol: str | None = None,
                 user: str | None = None, theme: str | None = None, clock=time.time_ns,
                 follow_every: float = 0.05, demo: bool = True, show_clock: bool = True,
                 simulate: bool = False, sim_rate: float = 200.0, sim_seed: int = 1,
                 remote=None) -> None:
        super().__init__()
        self.clock = clock
        self.demo = demo
        self.show_clock = show_clock
        saved = settings.load()
        chosen = theme or saved.get("theme") or DEFAULT
        if "grouping" in saved and "SOUQ_GROUPING" not in os.environ:
            display.set_grouping(saved["grouping"])     # digit grouping, see mm.display
        if chosen not in THEMES:
            raise ValueError(f"unknown theme {chosen!r}; choose one of {', '.join(THEMES)}")
        self.state = AppState(symbol or "", user or "", chosen)
        self.remote = remote        # a gateway.remote.RemoteApi: `souq --server URL --key ID`
        focus = Focus(self.state.symbol, self.state.user)
        self.facade = (ExchangeFacade(url, focus, clock) if remote is None
                       else RemoteFacade(remote, focus, clock))
        self.follower = JournalFollower(
            self.facade, show=self._show, every=follow_every, seen=lambda: self.views.on_top(),
            failed=lambda text: self.notify(text, severity="error"), settled=self._settled,
            busy=self._busy)
        self.simulate, self.sim_rate, self.sim_seed = simulate, sim_rate, sim_seed
        self._demo = None
        self._closing = False
        self._commands = 0                        # sent, their answers not yet taken
        self._last_key = 0.0                      # time.monotonic() of the last key
        self.login = user or OPERATOR             # who opened the workstation (--as, else the operator)
        self.desk = DeskControl(self, self.state, clock, main=self._main, status=self._status,
                                clock_text=clock_text)
        self.orders = OrderEntry(self, self.state, self.facade.focus, main=self._main,
                                 show=self._show, follow=self.follow, submit=self.submit,
                                 closing=lambda: self._closing)
        self.views = ViewControl(self, self.state, self.facade, clock, remote=remote is not None,
                                 show_clock=show_clock, desk=self.desk, main=self._main)
        self.switch = Switching(self, self.state, self.facade, login=self.login, clock=clock,
                                main=self._main, market=lambda: self._demo,
                                follow=self.follow, status=self._status)

    # ------------------------------------------------------------ start-up
    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(VARIABLE_DEFAULTS)

    def on_mount(self) -> None:
        for t in THEMES.values():
            self.register_theme(t)
        self.theme = self.state.theme
        self.push_screen(MainScreen())
        self.open_exchange()

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def open_exchange(self) -> None:
        """Load the exchange (tui/opening.py), then follow it."""
        has_market = opening.open_exchange(
            self.facade, demo=self.demo, local=self.remote is None, clock=self.clock,
            notify=lambda text: self.call_from_thread(self.notify, text, title="demo market"))
        self.call_from_thread(self._opened, self.simulate and has_market)

    def _opened(self, start_market: bool) -> None:
        self.state.symbol, self.state.user = self.facade.focus.symbol, self.facade.focus.user
        quiet_collector(first=True)
        prompt_switching()
        self.run_worker(self.follower.run, name="follow journal", group="follow",
                        exclusive=True, exit_on_error=False)
        if self.show_clock:                 # no new view when the market is quiet
            self.set_interval(1.0, self._status)
        if self.remote is None:
            self.desk.start(self.facade.api.url)
        if start_market:
            self.state.sim_state = "running"
            self._demo = DemoMarket(self.facade.api.url, self.sim_rate, self.sim_seed)
            self.demo_market()
        self.refresh_bindings()         # `p` is offered only with a demo market

    @work(thread=True, group="sim", exit_on_error=False)
    def demo_market(self) -> None:
        """The living demo market: simulated traders in a child process of their own
        (tui/demo_market.py), so the UI thread only draws. Says so if it dies."""
        market = self._demo
        market.start()
        market.proc.wait()
        why = market.failure()
        if why and not self._closing:
            self.state.sim_state = "stopped"
            self._demo = None
            self.call_from_thread(self.refresh_bindings)
            self.call_from_thread(self.notify, f"demo market stopped: {why}",
                                  severity="error")

    def _prune(self, *nodes, parent=None):
        """Textual's removal of widgets, except that a closed screen (an order ticket, a
        dialog) leaves the screen on top as it is: Textual lays that screen out again
        once the closed one's widgets are gone and composes it once more, though nothing
        on it moved (after every order sent by ticket, 11-15 ms of the UI thread's CPU
        and a second full frame right after the one that shows the order, issue 15). A
        screen that resumes at another size is laid out by Textual on resuming. Which
        widget the mouse is over is still checked, as Textual does after a removal."""
        if parent is self and nodes and all(isinstance(n, Screen) for n in nodes):
            self._update_mouse_over(self.screen)
            return super()._prune(*nodes)
        return super()._prune(*nodes, parent=parent)

    # ------------------------------------------------------------ following the journal
    def follow(self) -> None:
        """Poll now (the focus changed), rather than at the next tick (tui/follower.py)."""
        self.follower.wake()

    async def _settled(self) -> None:
        """Once the screen on top has drawn what it was given (at once when it is idle);
        awaited by the follower's task before each poll (tui/follower.py)."""
        try:
            screen = self.screen
        except ScreenStackError:    # no screen: closing, nothing to wait for
            return
        if screen.is_running:
            await screen.wait_for_refresh()

    def _show(self, message: ViewReady) -> None:
        self.views.show(message)

    def _main(self) -> MainScreen | None:
        return next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)

    def _status(self) -> None:
        self.views.status()

    # ------------------------------------------------------------ commands
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self._last_key = time.monotonic()
        await super().on_event(event)

    def _busy(self) -> bool:
        """A key was pressed less than KEY_QUIET ago, or a command is on its way: the
        follower's collection waits (tui/follower.py)."""
        return self._commands > 0 or time.monotonic() - self._last_key < KEY_QUIET

    def submit(self, command: dict) -> None:
        self._commands += 1         # on its way until its answer is taken (or it failed)
        self._submit_worker(command)

    @work(thread=True, group="submit", exit_on_error=False)
    def _submit_worker(self, command: dict) -> None:
        self.post_message(self.facade.submit(command))

    @on(CommandDone)
    def _done(self, message: CommandDone) -> None:
        self._commands = max(0, self._commands - 1)   # a test may post an answer itself
        self.orders.done(message)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            if event.worker.group == "submit":      # no answer will come
                self._commands = max(0, self._commands - 1)
            self.notify(f"{event.worker.name}: {event.worker.error}", severity="error")

    # ------------------------------------------------------------ the desk (tui/desk_control.py)
    @on(DeskReady)
    def _desk_ready(self, message: DeskReady) -> None:
        self.desk.ready(message.view)

    @on(DeskDone)
    def _desk_done(self, message: DeskDone) -> None:
        self.desk.done(message)

    @on(StrategyPane.Selected)
    def _strategy_selected(self, message: StrategyPane.Selected) -> None:
        self.desk.select(message.name)

    @on(StrategyPane.Request)
    def _strategy_request(self, message: StrategyPane.Request) -> None:
        self.desk.request(message.action, message.name)

    @on(StrategyForm.Apply)
    def _strategy_apply(self, message: StrategyForm.Apply) -> None:
        self.desk.apply(message.name, message.values)

    async def action_quit(self) -> None:
        """Quit; with strategies running, first ask whether to stop them or leave them."""
        self.desk.quit()

    # ------------------------------------------------------------ order entry (tui/order_entry.py)
    def action_ticket(self, side: str) -> None:
        self.orders.ticket(side)

    @on(OrderBook.LevelChosen)
    def _level(self, message: OrderBook.LevelChosen) -> None:
        self.orders.level(message.side, message.price)

    @on(OrderBook.GroupChanged)
    def _group(self, message: OrderBook.GroupChanged) -> None:
        self.orders.group(message.step)

    @on(OrderTicket.Send)
    def _ticket(self, message: OrderTicket.Send) -> None:
        self.submit(message.command)

    @on(QuickEntry.Submitted)
    def _entry(self, message: QuickEntry.Submitted) -> None:
        self.orders.entry(message.text)

    def action_cancel_selected(self) -> None:
        self.orders.cancel_selected()

    @on(OrdersPane.CancelRequested)
    def _cancel(self, message: OrdersPane.CancelRequested) -> None:
        self.orders.cancel(message.client_id)

    @on(OrdersPane.AllSymbolsToggled)
    def _all_orders(self, message: OrdersPane.AllSymbolsToggled) -> None:
        self.orders.all_orders()

    def action_cancel_all(self) -> None:
        self.orders.cancel_all()

    # ------------------------------------------------------------ switching (tui/switching.py)
    def action_pick_symbol(self) -> None:
        self.switch.pick_symbol()

    def action_pick_user(self) -> None:
        self.switch.pick_user()

    def action_toggle_sim(self) -> None:
        self.switch.toggle_sim()

    def check_action(self, action: str, parameters) -> bool | None:
        """The workstation's order and market keys do nothing on the Backtest screen."""
        if isinstance(self.screen, (BacktestScreen, SurveillanceScreen)) and action in MARKET_ACTIONS:
            return False
        if self.remote is not None and action in LOCAL_ONLY:
            return False
        if action == "toggle_sim" and self._demo is None:   # no demo market: nothing to pause
            return False
        return True

    def action_backtest(self) -> None:
        self.switch.backtest()

    def action_surveillance(self) -> None:
        self.switch.surveillance()

    def action_help(self) -> None:
        """Show or hide every key of the screen on view (tui/widgets/keys_help.py)."""
        self.switch.help()

    def set_theme(self, name: str) -> None:
        self.switch.set_theme(name)

    def get_system_commands(self, screen):
        yield from super().get_system_commands(screen)
        yield from binding_commands(self)
        yield from binding_commands(screen)
        yield from self.desk.commands()
        for name in THEMES:
            yield SystemCommand(f"Theme: {name}", "switch and remember the theme",
                                lambda n=name: self.set_theme(n))

    def on_unmount(self) -> None:
        self._closing = True
        if self._demo is not None:
            self._demo.stop()
        self.follower.close()
        try:                            # fold the write-ahead log back without waiting
            demo_db.checkpoint(self.facade.api.db, "PASSIVE")
        except Exception:               # noqa: BLE001 - a busy database must not stop quitting
            pass
        self.facade.close()
        self.desk.close()
        self.switch.close()
