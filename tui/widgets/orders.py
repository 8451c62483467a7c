"""The acting user's orders: open ones first (the cursor starts on the newest open one),
then the finished ones, each newest first; the selected one cancellable; `a` lists every
symbol's orders instead of the focused symbol's."""
from datetime import datetime, timezone

from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from souq.mm.display import grouped_text

from ..snapshot import ScreenView
from .pane import SteadyStatic
from .table_pane import TablePane

# status comes before avg and reason: what happened to an order must be readable first
COLUMNS = (("time", 8), ("cid", 12), ("side", 4), ("price", 14), ("qty", 8), ("filled", 8),
           ("status", 9), ("avg", 17), ("reason", 40), ("symbol", 8), ("type", 10))
CID = [name for name, _ in COLUMNS].index("cid")
OPEN = ("queued", "active", "partial")
# what an order's cells are made from (`_cells`), with the symbol's decimals and grouping
SHOWN = ("id", "placed_ts", "client_id", "side", "price", "qty", "filled", "status",
         "avg_price", "reason", "symbol", "type")


class OrdersPane(TablePane):
    TITLE = "Orders"
    COLUMNS, TABLE_ID = COLUMNS, "orders-table"
    BINDINGS = [Binding("c", "cancel_selected", "Cancel order", id="orders.cancel"),
                Binding("a", "all_symbols", "All symbols", id="orders.all_symbols")]

    class CancelRequested(Message):
        def __init__(self, pane: "OrdersPane", client_id: str) -> None:
            super().__init__()
            self.pane = pane
            self.client_id = client_id

        @property
        def control(self) -> "OrdersPane":
            return self.pane

    class AllSymbolsToggled(Message):
        """List every symbol's orders, or (again) only the focused symbol's."""

        def __init__(self, pane: "OrdersPane") -> None:
            super().__init__()
            self.pane = pane

        @property
        def control(self) -> "OrdersPane":
            return self.pane

    def compose_below(self):
        yield SteadyStatic(id="orders-detail")

    _made: dict[tuple, tuple] = {}      # what each order's cells were made from -> cells

    def update_view(self, view: ScreenView) -> None:
        first = not self.rows
        made, self._made = self._made, {}
        rows, grouping = {}, grouped_text("1000")     # the process's digit grouping now
        for o in view.orders:     # each view holds up to 200 orders; few of them changed
            shown = (*(o.get(k) for k in SHOWN), view.figures.markets.get(o["symbol"]),
                     grouping)
            cells = made.get(shown)
            if cells is None:
                cells = self._cells(o, view)
            rows[str(o["id"])] = self._made[shown] = cells
        self._orders = {str(o["id"]): o for o in view.orders}
        self._figures = view.figures
        self.show_rows(rows)
        if first and rows:                 # the newest open order, when there is one
            self.table.move_cursor(row=0, animate=False)
        n_open = sum(o["status"] in OPEN for o in view.orders)
        where = "all symbols" if view.all_orders else view.symbol
        self.set_title(f"Orders of {view.user}, {where} ({n_open} open)")
        self.show_detail()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        """The selected order in one line under the table, its reason whole: the table's
        columns cut a long reason (and at 80 columns hide it), a line does not."""
        o = getattr(self, "_orders", {}).get(self.selected_key() or "")
        detail = self.query_one("#orders-detail", SteadyStatic)
        detail.show("" if o is None else order_detail(o, self._figures))

    @staticmethod
    def _cells(o: dict, view: ScreenView) -> tuple:
        f, sym, w = view.figures, o["symbol"], dict(COLUMNS)
        at = o.get("placed_ts")
        return (datetime.fromtimestamp(at / 1e9, timezone.utc).strftime("%H:%M:%S")
                if at else "-", o["client_id"], o["side"],
                f.price(sym, o["price"], w["price"]) if o["price"] else "-",
                f.qty(sym, o["qty"], w["qty"]) if o["qty"] is not None else "-",
                f.qty(sym, o["filled"], w["filled"]),
                o["status"],
                f.avg_price(sym, o["avg_price"], w["avg"]) if o["avg_price"] else "-",
                grouped_text(o["reason"]) if o["reason"] else "", sym, o["type"])

    def selected_client_id(self) -> str | None:
        key = self.selected_key()
        return None if key is None else self.rows[key][CID]

    def action_cancel_selected(self) -> None:
        cid = self.selected_client_id()
        if cid is not None:
            self.post_message(self.CancelRequested(self, cid))

    def action_all_symbols(self) -> None:
        self.post_message(self.AllSymbolsToggled(self))


def order_detail(o: dict, f) -> str:
    """One order as a sentence: "#15 big: buy 0.1000 @ 100,000,000 BTC-IRR limit,
    rejected: price 100,001,500 is not a multiple of the tick 1,000" (filled and average
    price when it traded; a price or quantity it does not have, or that could not be
    read, left out: "#16: buy @ 100,000,000 BTC-IRR limit, rejected: qty 'abc' is not a
    plain decimal number")."""
    sym = o["symbol"]
    price = f" @ {f.price(sym, o['price'])}" if o["price"] else ""
    qty = f" {f.qty(sym, o['qty'])}" if o["qty"] is not None else ""   # unknown: as price
    name = f"#{o['id']}" + ("" if o["client_id"] == f"#{o['id']}" else f" {o['client_id']}")
    text = (f"{name}: {o['side']}{qty}{price} {sym} "
            f"{o['type']}, {o['status']}")
    if o.get("filled") and o.get("avg_price"):
        text += f", filled {f.qty(sym, o['filled'])} at {f.avg_price(sym, o['avg_price'])}"
    if o["reason"]:
        text += f": {grouped_text(o['reason'])}"
    return text
