"""The acting user's orders, open and past, with the selected one cancellable."""
from decimal import Decimal

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
        rows = {str(o["id"]): self._cells(o, view.tick) for o in view.orders}
        self._rows = sync_rows(table, COLUMNS, rows, self._rows)
        n_open = sum(o["status"] in OPEN for o in view.orders)
        self.set_title(f"Orders of {view.user} ({n_open} open)")

    @staticmethod
    def _cells(o: dict, tick: str) -> tuple:
        return (str(o["id"]), o["side"], o["type"], o["price"] or "-", o["qty"], o["filled"],
                o["status"], o["reason"] or "", average(o["avg_price"], tick), o["client_id"])

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


def average(price: str | None, tick: str) -> str:
    """An average fill price to two places past the tick: 94999516666.666666667 does not
    fit its column, and a cut-off number reads as a different number."""
    if not price:
        return "-"
    places = max(0, -Decimal(tick or "1").normalize().as_tuple().exponent) + 2
    return format(Decimal(price).quantize(Decimal(1).scaleb(-places)).normalize(), "f")
