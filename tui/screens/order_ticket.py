"""The order ticket: side, type, price, quantity, stop and time in force.

Up/Down step the price by ticks and the quantity by steps; Enter sends; Esc closes.
The ticket stays open, with what was typed, until the exchange accepts the order.
"""
from decimal import Decimal, InvalidOperation

from textual import on
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static

from souq.engine.edge import plain_ascii
from souq.engine.model import TIFS
from souq.mm import display as D
from souq.engine.numbers import BadNumber, parse_price

from ..order_defaults import default_qty
from ..snapshot import ScreenView
from .dialog import Dialog
from .main import NARROW, SHORT

TYPES = ("limit", "market", "stop_limit", "stop_market")


SHORT_TICKET = 34        # below this many rows the fields lose their borders (compact)


class OrderTicket(Dialog):
    BINDINGS = [
        Binding("escape", "close", "Close", id="ticket.close"),
        Binding("up", "step(1)", "Up a tick/step", show=False, id="ticket.up"),
        Binding("down", "step(-1)", "Down a tick/step", show=False, id="ticket.down"),
        Binding("ctrl+t", "flip_side", "Buy/sell", id="ticket.side"),
    ]

    class Send(Message):
        def __init__(self, ticket: "OrderTicket", command: dict) -> None:
            super().__init__()
            self.ticket = ticket
            self.command = command

    def __init__(self, *, symbol: str, user: str, side: str, price: str | None, tick: str,
                 step: str, qty: str | None = None, view: ScreenView | None = None) -> None:
        super().__init__()
        self.view = view        # for the notional, the taker fee and the available balance
        self.symbol, self.user, self.side = symbol, user, side
        self.tick, self.step = Decimal(tick or "1"), Decimal(step or "1")
        self._price = price or ""
        self._qty = qty or (default_qty(view) if view is not None else format(self.step, "f"))

    def compose(self):
        with VerticalScroll(id="ticket"):   # scrolls if ever taller than the screen
            yield Static(id="ticket-title")
            with Grid(id="ticket-grid"):
                yield Label("type")
                yield Select([(t, t) for t in TYPES], value="limit", allow_blank=False,
                             id="ticket-type")
                yield Label("price")
                yield Input(self._price, id="ticket-price")
                yield Label("qty")
                yield Input(self._qty, id="ticket-qty")
                yield Label("stop")
                yield Input("", id="ticket-stop", placeholder="stop orders only")
                yield Label("tif")
                yield Select([(t, t) for t in TIFS], value="gtc", allow_blank=False,
                             id="ticket-tif")
            yield Static(id="ticket-terms")
            yield Static(id="ticket-error")
            with Horizontal(id="ticket-buttons"):
                yield Button("Send (Enter)", id="ticket-send", variant="primary")
                yield Button("Close (Esc)", id="ticket-close")

    def on_mount(self) -> None:
        self.fit(self.app.size)
        self._title()
        self._terms()
        self.query_one("#ticket-qty" if self._price else "#ticket-price", Input).focus()

    def on_resize(self) -> None:
        self.fit(self.app.size)

    def fit(self, size) -> None:
        """Where the main screen lets panes take turns (main.NARROW, main.SHORT), the
        book fills the screen: the ticket sits at its right so the prices stay in view.
        Below SHORT_TICKET rows its fields and buttons go compact (one row each, no
        borders), so the whole ticket and its buttons fit on the screen."""
        self.set_class(size.width < NARROW or size.height < SHORT, "narrow")
        short = size.height < SHORT_TICKET
        self.set_class(short, "short")
        for widget in self.query("Input, Select, Button"):
            widget.compact = short

    def _title(self) -> None:
        title = self.query_one("#ticket-title", Static)
        title.update(f"{self.side.upper()} {self.symbol} as {self.user}  (^T flips)")
        title.set_class(self.side == "buy", "buy")
        title.set_class(self.side == "sell", "sell")

    def action_flip_side(self) -> None:
        self.side = "sell" if self.side == "buy" else "buy"
        self._title()
        self._terms()

    @on(Input.Changed)
    @on(Select.Changed)
    def _terms(self) -> None:
        """Notional (price x qty), the fee at the taker rate, and what is available to pay
        with: the quote asset to buy, the base asset to sell."""
        shown = self.query("#ticket-terms")
        if self.view is None or not shown:        # closed while the change was queued
            return
        v = self.view
        asset = v.quote if self.side == "buy" else v.base
        have = next((w["available"] for w in v.wallets if w["asset"] == asset), "0")
        lines = [f"available {v.balance(asset, have)} {asset}"]
        price = self._number("#ticket-price") or _decimal(v.mid)
        qty = self._number("#ticket-qty")
        if price is not None and qty is not None:
            notional = price * qty
            fee = notional * Decimal(v.taker_fee)
            # one figure a line: a fee with decimals no longer fits beside the notional
            lines[:0] = [f"notional {v.money(v.quote, notional)} {v.quote}",
                         f"fee {v.figures.fee(v.quote, fee)} {v.quote} (taker "
                         f"{D.percent(v.taker_fee)})"]
        shown.first(Static).update("\n".join(lines))

    def _number(self, selector: str) -> Decimal | None:
        return _decimal(self.query_one(selector, Input).value.strip())

    def action_step(self, direction: int) -> None:
        focused = self.focused
        if not isinstance(focused, Input) or focused.id == "ticket-stop" and not focused.value:
            return
        unit = self.step if focused.id == "ticket-qty" else self.tick
        if not plain_ascii(focused.value):
            return                  # '١' is no number the ticket sends: left as typed
        try:
            value = Decimal(focused.value or "0") + unit * direction
        except InvalidOperation:
            return
        if value > 0:
            focused.value = format(value.normalize(), "f") if value != value.to_integral() \
                else format(value.quantize(Decimal(1)), "f")

    def command(self) -> dict:
        kind = self.query_one("#ticket-type", Select).value
        cmd = {"op": kind, "user": self.user, "symbol": self.symbol, "side": self.side,
               "qty": self.query_one("#ticket-qty", Input).value.strip()}
        price = self.query_one("#ticket-price", Input).value.strip()
        stop = self.query_one("#ticket-stop", Input).value.strip()
        if kind in ("limit", "stop_limit"):
            cmd["price"] = price
        if kind.startswith("stop"):
            cmd["stop_price"] = stop
        tif = self.query_one("#ticket-tif", Select).value
        if kind in ("limit", "stop_limit"):
            cmd["tif"] = tif
        return cmd

    @on(Input.Submitted)
    @on(Button.Pressed, "#ticket-send")
    def _send(self) -> None:
        """Send, unless a number typed is not one: that is refused here, in the ticket,
        with the field named, and never reaches the exchange."""
        cmd = self.command()
        error = self.query_one("#ticket-error", Static)
        try:
            parse_price(cmd["qty"], "quantity")
            for key in ("price", "stop_price"):
                if key in cmd:
                    parse_price(cmd[key], key.replace("_", " "))
        except BadNumber as exc:
            error.update(str(exc))
            return
        if error.content:           # a layout of the ticket only to clear an empty line
            error.update("")
        self.post_message(self.Send(self, cmd))

    @on(Button.Pressed, "#ticket-close")
    def action_close(self) -> None:
        self.dismiss(None)


def _decimal(text: str | None) -> Decimal | None:
    """A positive finite number typed in ASCII digits (as the edge reads them), or None."""
    if text and not plain_ascii(text):
        return None
    try:
        d = Decimal(text) if text else None
    except InvalidOperation:
        return None
    return d if d is not None and d.is_finite() and d > 0 else None
