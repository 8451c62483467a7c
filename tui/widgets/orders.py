"""The acting user's orders, open and past, with the selected one cancellable."""
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from ..snapshot import MarketView
from .pane import Pane
from .table_sync import sync_rows

# status and reason come early: why an order was rejected must be readable at 160 columns
COLUMNS = (("id", 6), ("side", 4), ("type", 11), ("price", 13), ("qty", 8), ("filled", 8),
           ("status", 9), ("reason", 44), ("avg", 14), ("cid", 10))
CID = [name for name, _ in COLUMNS].index("cid")
OPEN = ("queued", "active", "partial")


class OrdersPane(Pane):
    TITLE = "Orders"
    BINDINGS = [Binding("c", "cancel_selected", "Cancel order", id="orders.cancel")]

    class CancelRequested(Message):
        def __init__(self, pane: "OrdersPane", client_id: str) -> None:
            super().__init__()
            self.pane = pane
            self.client_id = client_id

        @property
        def control(self) -> "OrdersPane":
            return self.pane

    def compose(self):
        yield DataTable(id="orders-table", cursor_type="row")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(DataTable)
        for name, width in COLUMNS:
            table.add_column(name, width=width, key=name)
        self._rows: dict[str, tuple] = {}

    def update_view(self, view: MarketView) -> None:
        table = self.query_one(DataTable)
        rows = {str(o["id"]): self._cells(o, view) for o in view.orders}
        self._rows = sync_rows(table, COLUMNS, rows, self._rows)
        n_open = sum(o["status"] in OPEN for o in view.orders)
        self.set_title(f"Orders of {view.user} ({n_open} open)")

    @staticmethod
    def _cells(o: dict, view: MarketView) -> tuple:
        f, sym, w = view.figures, o["symbol"], dict(COLUMNS)
        return (str(o["id"]), o["side"], o["type"],
                f.price(sym, o["price"], w["price"]) if o["price"] else "-",
                f.qty(sym, o["qty"], w["qty"]), f.qty(sym, o["filled"], w["filled"]),
                o["status"], o["reason"] or "",
                f.avg_price(sym, o["avg_price"], w["avg"]) if o["avg_price"] else "-",
                o["client_id"])

    def selected_client_id(self) -> str | None:
        table = self.query_one(DataTable)
        keys = list(self._rows)
        if table.cursor_row is None or not 0 <= table.cursor_row < len(keys):
            return None
        return self._rows[keys[table.cursor_row]][CID]

    def action_cancel_selected(self) -> None:
        cid = self.selected_client_id()
        if cid is not None:
            self.post_message(self.CancelRequested(self, cid))

