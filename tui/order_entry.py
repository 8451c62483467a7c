"""Order entry: the ticket (from a key or a chosen book level), the quick-entry line,
cancels (the selected order, one from the Orders pane, all after asking), the book's
price grouping and the Orders pane's all-symbols switch, and the answers to commands.

`OrderEntry` is a small controller the app owns (composition, not a mixin, like
tui/desk_control.py): its constructor is handed everything it uses (the app, for screens,
toasts and redraws; the app state; the facade's focus; the main screen, the view taker,
the follower's wake-up, the command sender and whether the app is closing, as
callables), so it reads no attribute of its host that it was not given. The app's
actions and its handlers for the book's, ticket's, entry line's, Orders pane's and
CommandDone messages pass them on.
"""
from collections.abc import Callable

from textual.app import App

from souq.mm.display import grouped_text

from .entry import EntryError, parse_entry
from .facade import CommandDone, Focus, ViewReady
from .order_defaults import price_text, reference_price
from .screens.confirm import Confirm
from .screens.order_ticket import OrderTicket
from .state import AppState
from .widgets.order_book import next_group
from .widgets.orders import OrdersPane
from .widgets.quick_entry import QuickEntry


class OrderEntry:
    """Orders, seen from the workstation: opens tickets, reads entry lines, cancels, and
    takes each command's answer."""

    def __init__(self, app: App, state: AppState, focus: Focus, *,
                 main: Callable[[], object], show: Callable[[ViewReady], None],
                 follow: Callable[[], None], submit: Callable[[dict], None],
                 closing: Callable[[], bool]) -> None:
        """`app` shows screens and toasts and batches redraws; `state` holds the view and
        the acting user; `focus` is what the follower reads (grouping, all symbols);
        `main()` is the main screen; `show(ready)` takes a view; `follow()` polls now;
        `submit(command)` sends a command dict in a worker (answered by CommandDone);
        `closing()` says the window is closing."""
        self.app, self.state, self.focus = app, state, focus
        self._main, self._show, self._follow = main, show, follow
        self._submit, self._closing = submit, closing
        self._entry_command: dict | None = None     # the quick entry's last command

    def ticket(self, side: str) -> None:
        """Open a ticket to `side` ("buy"/"sell") at the far touch, else inside the band."""
        v = self.state.view
        if v is None or not v.symbol:
            return
        best = reference_price(v, side)     # the far touch, else a price inside the band
        self.app.push_screen(OrderTicket(symbol=v.symbol, user=v.user, side=side,
                                         price=None if best is None else price_text(v, best),
                                         tick=v.tick, step=v.step, view=v))

    def level(self, side: str, price: str) -> None:
        """A book level of `side` was chosen: a ticket against it at `price` (text)."""
        v = self.state.view
        side = "sell" if side == "buy" else "buy"
        self.app.push_screen(OrderTicket(symbol=v.symbol, user=v.user, side=side,
                                         price=price, tick=v.tick, step=v.step, view=v))

    def group(self, step: int) -> None:
        """Step the book's price grouping by `step` (+1 coarser, -1 finer)."""
        self.focus.group = next_group(self.focus.group, step)
        self._follow()

    def entry(self, text: str) -> None:
        """Send the quick-entry line `text` (tui/entry.py), or say why it is not one."""
        v = self.state.view
        try:
            command = parse_entry(text, v.user, v.symbol)
        except EntryError as exc:
            self.app.notify(str(exc), title="quick entry", severity="error")
            return
        self._entry_command = command
        self._submit(command)

    def cancel_selected(self) -> None:
        """Cancel the order selected in the Orders pane, if any."""
        cid = self._main().query_one(OrdersPane).selected_client_id()
        if cid is None:
            self.app.notify("no order selected", severity="warning")
            return
        self.cancel(cid)

    def cancel(self, client_id: str) -> None:
        """Cancel the acting user's order `client_id`."""
        self._submit({"op": "cancel", "user": self.state.user, "id": client_id})

    def all_orders(self) -> None:
        """Switch the Orders pane between this symbol's orders and every symbol's."""
        self.focus.all_orders = not self.focus.all_orders
        self._follow()

    def cancel_all(self) -> None:
        """Ask, then cancel every open order of the acting user."""
        user = self.state.user

        def answered(yes: bool) -> None:
            if yes:
                self._submit({"op": "cancel_all", "user": user})
        self.app.push_screen(Confirm(f"Cancel every open order of {user}?"), answered)

    def done(self, message: CommandDone) -> None:
        """A command's answer: a rejection's reason in a toast; an acceptance closes the
        ticket (or clears the entry line it came from); either way its view is taken."""
        if self._closing() or not self.app.screen_stack:  # answered after the window closed
            return
        if message.reason:
            self.app.notify(grouped_text(message.reason),
                            title=f"{message.command.get('op')} rejected",
                            severity="error", timeout=6)
            if message.ready is not None:
                self._show(message.ready)
            return
        with self.app.batch_update():       # close the ticket and show the order: one redraw
            if isinstance(self.app.screen, OrderTicket):
                self.app.screen.dismiss(None)
            if message.command is self._entry_command:
                self._main().query_one(QuickEntry).value = ""
            if message.ready is not None:
                self._show(message.ready)
