"""The app's side of the desk: a refresh about once a second, and the strategy actions
(parameters, start, pause/resume, stop, kill) run through the desk facade in workers.

`DeskControl` is a small controller the app owns (composition, not a mixin): its
constructor is handed everything it uses (the app, for workers, toasts, screens and
messages; the app state; the main screen, the status redraw and the clock text as
callables), so it reads no attribute of its host that it was not given. The app's
handlers for DeskReady, DeskDone and the Strategy pane's and form's messages pass them on.
"""
from collections.abc import Callable
from dataclasses import replace
from functools import partial

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.css.query import NoMatches

from souq.mm.desk.configs import ConfigError

from .key_commands import KEY_HELP, binding_title, binding_with_id
from .widgets.keys_help import key_display
from .desk_facade import DeskDone, DeskFacade, DeskReady, DeskView
from .screens.quit import QuitDesk
from .screens.strategy_form import StrategyForm
from .state import AppState
from .widgets.alerts import AlertsPane
from .widgets.chart import ChartPane
from .widgets.inventory import InventoryPane
from .widgets.maker import MakerPane
from .widgets.trades import TradesTape
from .widgets.strategy import ACTIONS, StrategyPane

REFRESH_EVERY = 1.0          # seconds between desk reads
FILL_LINES = 2               # fills named in one toast
ACTIVE = ("running", "paused", "stopping")
VERBS = {"edit": "parameters", "start": "start", "pause": "pause or resume",
         "stop": "stop", "kill": "kill (cancel all its orders now and stop)"}


class DeskControl:
    """The desk, seen from the workstation: reads it, draws it, runs strategy actions."""

    def __init__(self, app: App, state: AppState, clock, *, main: Callable[[], object],
                 status: Callable[[], None], clock_text: Callable[[int], str]) -> None:
        """`app` runs the workers and shows toasts and screens; `state` holds the desk
        view; `main()` is the main screen (None before it opens); `status()` redraws the
        status bar; `clock_text(ns)` writes a time; `clock()` is ns since the epoch."""
        self.app, self.state, self.clock = app, state, clock
        self._main, self._status, self.clock_text = main, status, clock_text
        self.desk: DeskFacade | None = None
        self.quit_note = ""         # what quitting did to the running strategies
        self._busy = False          # a desk read is under way
        self._again = False         # an action finished while a read was under way
        self._fills_title = ""      # the title of the last fills toast: the next replaces it
        self._stale = False         # a desk read came while the main screen was covered
        self._unshown_alerts: list = []     # desk alerts not yet in the pane

    def start(self, url: str) -> None:
        """Open the desk of the database at `url` and read it about once a second."""
        self.desk = DeskFacade(url, clock=self.clock)
        self.app.set_interval(REFRESH_EVERY, self.refresh)
        self.refresh()

    def refresh(self, again: bool = False) -> None:
        """Read the desk in a worker; with `again`, once more after a read under way now
        (which may have started before an action and would show the state before it)."""
        if self.desk is None:
            return
        if self._busy:
            self._again = self._again or again
            return
        self._busy = True
        self.app.run_worker(partial(self._read, self.state.strategy), thread=True,
                            group="desk", exit_on_error=False)

    def _read(self, focus: str | None) -> None:
        try:
            self.app.post_message(DeskReady(self.desk.view(focus)))
        finally:
            self._busy = False

    def shown_rows(self) -> tuple:
        """The desk's rows, a strategy asked to start and not yet up shown as `starting`."""
        view = self.state.desk
        if view is None:
            return ()
        return tuple(replace(r, state="starting")
                     if r.name in self.state.starting and r.state not in ACTIVE else r
                     for r in view.rows)

    def ready(self, view: DeskView) -> None:
        """A desk read arrived (DeskReady): keep it, draw it, say its fills and alerts."""
        self.state.desk = view
        self.state.starting -= {r.name for r in view.rows if r.state in ACTIVE}
        if self._again:
            self._again = False
            self.refresh()
        if self.state.strategy is None:
            self.state.strategy = view.focus
        alerts = list(view.alerts)
        if view.history:
            self._show_history(view.history)
        if not self.draw(alerts):
            return
        self._status()
        self._notify_fills(view)
        for a in alerts:           # risk and strategy alerts also interrupt, loudly if critical
            if a.severity != "info":
                critical = a.severity == "critical"
                self.app.notify(a.text, severity="error" if critical else "warning",
                                timeout=8 if critical else 4)

    def _show_history(self, history) -> None:
        """Alerts logged before the workstation opened: in the pane, never as toasts."""
        main = self._main()
        if main is not None and main.is_attached:
            main.query_one(AlertsPane).add_alerts(list(history), self.clock_text,
                                                  history=True)

    def draw(self, alerts=()) -> bool:
        """Show the desk (with the strategies asked to start) and `alerts` new with it;
        False when there is nothing to draw on (not open yet, or closing).

        While another screen covers the main screen (an order ticket, a form, the
        palette) the panes are not drawn, as views are not (tui/view_control.py): the
        desk's panes took 2-5 ms of the UI thread a second under the order ticket, for a
        picture nobody sees (the dialog replays the one it kept, tui/screens/dialog.py).
        The alerts are kept at once; the panes are drawn by `resume` when it is on top."""
        main = self._main()
        if main is None or not main.is_attached or self.state.desk is None:
            return False
        if alerts:
            self.state.add_alerts(alerts)
            self._unshown_alerts += alerts
        if self.app.screen is not main:     # covered: drawn when it is on top again
            self._stale = True
            return True
        self._stale = False
        alerts, self._unshown_alerts = self._unshown_alerts, []
        view = replace(self.state.desk, rows=self.shown_rows())
        try:
            with self.app.batch_update():
                for pane in (StrategyPane, InventoryPane, ChartPane):
                    main.query_one(pane).update_desk(view)
                figures = self.state.view.figures if self.state.view else None
                main.query_one(MakerPane).update_desk(view, figures, self.state.strategy)
                main.query_one(TradesTape).set_strategies(r.user for r in view.rows)
                if alerts:
                    main.query_one(AlertsPane).add_alerts(alerts, self.clock_text)
        except NoMatches:          # closing
            return False
        return True

    def resume(self) -> None:
        """The main screen is on top again: draw the desk if a read came while covered."""
        if self._stale:
            self.draw()

    def _notify_fills(self, view) -> None:
        """One short toast for the fills of one desk read (at most one a second), in place
        of the last one, so a burst of fills never stacks toasts over the maker view (the
        fills themselves are listed there): one fill says who, which way, how much, where
        and the fee; several say how many, the newest FILL_LINES of them and the rest."""
        if not view.fills:
            return
        app = self.app
        for old in [n for n in app._notifications
                    if self._fills_title and n.title == self._fills_title]:
            app._unnotify(old, refresh=False)   # Textual keeps no public handle on a toast
        lines = [self._fill_text(view, name, f, len(view.fills) > 1)
                 for name, f in view.fills[-FILL_LINES:]]
        if len(view.fills) > FILL_LINES:
            lines.append(f"and {len(view.fills) - FILL_LINES} more")
        names = ", ".join(dict.fromkeys(name for name, _ in view.fills))
        self._fills_title = (f"{names} filled" if len(view.fills) == 1
                             else f"{names}: {len(view.fills)} fills")
        app.notify("\n".join(lines), title=self._fills_title, timeout=3)

    def _fill_text(self, view, name: str, f, named: bool) -> str:
        figures = self.state.view.figures if self.state.view else None
        maker = view.maker(name)
        row = view.row(name)
        sym = maker.symbol if maker else ""
        price = figures.price(sym, f.price) if figures else f.price
        qty = figures.qty(sym, f.qty) if figures else f.qty
        fee = figures.fee(row.quote, f.fee) if figures and row else f.fee
        verb = "bought" if f.side == "buy" else "sold"
        if named:               # one line each in a group (fees are in the maker view)
            return f"{name} {verb} {qty} @ {price}"
        return (f"{verb} {qty} {row.base if row else ''} @ {price}, fee {fee} "
                f"{row.quote if row else ''}")

    # ------------------------------------------------------------ actions
    def select(self, name: str) -> None:
        """The Strategy pane's cursor moved to `name`: the desk read follows it."""
        if name != self.state.strategy:
            self.state.strategy = name
            self.refresh()

    def apply(self, name: str, values: dict) -> None:
        """The parameter form asked to change `name`'s parameters to `values`."""
        self._run("change", name, values)

    def request(self, action: str, name: str) -> None:
        """Do `action` (one of widgets.strategy.ACTIONS) to configuration `name`, as a key
        of the Strategy pane or a palette command asked."""
        if self.desk is None:
            return
        if action == "pause":
            row = self.state.desk.row(name) if self.state.desk else None
            action = "running" if row is not None and row.state == "paused" else "paused"
        if action == "start":          # progress at once: the row says so before the runner
            self.state.starting.add(name)
            self.draw()
            self._status()
        self._run(action, name)

    def _run(self, action: str, name: str, values: dict | None = None) -> None:
        self.app.run_worker(partial(self._act, action, name, values), thread=True,
                            group="desk-action", exit_on_error=False)

    def _act(self, action: str, name: str, values: dict | None) -> None:
        d = self.desk
        try:
            if action == "edit":
                cfg, rows = d.parameters(name)
                done = DeskDone("edit", name, result=(cfg, rows))
            elif action == "change":
                done = d.change(name, values)
            elif action in ("paused", "running"):
                done = d.set_state(name, action)
            else:
                done = {"start": d.start, "stop": d.stop, "kill": d.kill}[action](name)
        except (ConfigError, ValueError, KeyError) as exc:
            done = DeskDone(action, name, error=str(exc).strip("'\""))
        self.app.post_message(done)

    def done(self, message: DeskDone) -> None:
        """A strategy action finished (DeskDone): say so, open or close the form."""
        app = self.app
        form = app.screen if isinstance(app.screen, StrategyForm) else None
        if message.error:
            self.state.starting.discard(message.name)
            self.draw()
            app.notify(message.error, title=f"{message.name}: {message.action} refused",
                        severity="error", timeout=6)
            if form is not None and message.action == "change":
                form.refused(message.error)
        elif message.action == "edit":
            app.push_screen(StrategyForm(*message.result))
        else:
            if form is not None and message.action == "change":
                form.dismiss(None)
            app.notify(message.text, title="strategy")
        self.refresh(again=True)

    # ------------------------------------------------------------ palette
    def commands(self):
        """Every strategy action by name, for each configuration on the desk."""
        view = self.state.desk
        for row in view.rows if view else ():
            for key, action, _text, _id in ACTIONS:
                shown = key_display(self.app, Binding(key, action))
                yield SystemCommand(f"Strategy {row.name}: {VERBS[action]}",
                                    f"{KEY_HELP.format(key=shown)} in the Strategy pane "
                                    f"({row.state})",
                                    lambda a=action, n=row.name: self.request(a, n))
        mode = binding_with_id(ChartPane, "chart.mode")
        yield SystemCommand(binding_title(mode),
                            f"{KEY_HELP.format(key=key_display(self.app, mode))} in the Chart pane",
                            lambda: self._main().query_one(ChartPane).action_toggle_mode())

    # ------------------------------------------------------------ quitting
    def active_strategies(self) -> list[tuple[str, str]]:
        """(name, state) of every configuration whose run is active."""
        return [(r.name, r.state) for r in self.shown_rows() if r.state in ACTIVE]

    def quit(self) -> None:
        """Quit; with strategies running, first ask whether to stop them or leave them."""
        running = self.active_strategies()
        if not running or self.desk is None:
            self.app.exit()
            return

        def answered(choice: str | None) -> None:
            if choice == "stop":
                self._stop_and_quit([name for name, _ in running])
            elif choice == "leave":
                self._quit_saying(f"left running: {', '.join(n for n, _ in running)}")
        self.app.push_screen(QuitDesk(running), answered)

    def _stop_and_quit(self, names: list[str]) -> None:
        def stop() -> None:
            self.desk.ask_stop(names)
            self.app.call_from_thread(self._quit_saying, f"asked to stop: {', '.join(names)}")
        self.app.run_worker(stop, thread=True, group="quit", exit_on_error=False)

    def _quit_saying(self, note: str) -> None:
        """Quit, printing `note` (what became of the strategies) on the terminal after."""
        self.quit_note = note
        self.app.exit(message=note)

    def close(self) -> None:
        if self.desk is not None:
            self.desk.close()
