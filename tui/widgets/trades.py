"""The tape: newest trade first, coloured by the aggressor's side."""
from rich.text import Text
from textual.widgets import DataTable

from ..snapshot import MarketView
from .order_book import _colour
from .pane import Pane


class TradesTape(Pane):
    TITLE = "Trades"

    def compose(self):
        yield DataTable(id="trades-table", cursor_type="none", show_cursor=False)

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(DataTable)
        table.add_column("#", width=6, key="id")
        table.add_column("price", width=14, key="price")
        table.add_column("qty", width=10, key="qty")
        table.add_column("side", width=4, key="side")
        self._shown: list[int] = []

    def update_view(self, view: MarketView) -> None:
        table = self.query_one(DataTable)
        ids = [t["id"] for t in view.trades[:100]]
        if ids == self._shown:
            return
        table.clear()
        for t in view.trades[:100]:
            style = _colour(self, "bid" if t["taker_side"] == "buy" else "ask")
            table.add_row(str(t["id"]), Text(t["price"], style=style, justify="right"),
                          Text(t["qty"], justify="right"),
                          Text("buy" if t["taker_side"] == "buy" else "sell", style=style),
                          key=str(t["id"]))
        self._shown = ids
