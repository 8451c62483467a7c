"""The tape: newest trade first, coloured by the aggressor's side.

Drawn as one Rich table per change, only as many rows as fit: under a busy market that
is far cheaper than re-filling a DataTable or rendering rows nobody can see.
"""
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from ..snapshot import MarketView
from .order_book import _colour
from .pane import Pane

ROWS = 100


class TradesTape(Pane):
    TITLE = "Trades"

    def compose(self):
        yield Static(id="trades-body")

    def on_mount(self) -> None:
        super().on_mount()
        self._shown: tuple = ()
        self._view: MarketView | None = None

    def on_resize(self) -> None:
        self._shown = ()
        if self._view is not None:
            self.update_view(self._view)

    def update_view(self, view: MarketView) -> None:
        self._view = view
        rows = max(1, min(ROWS, self.content_size.height - 1))   # one line for the header
        shown = tuple(t["id"] for t in view.trades[:rows])
        if shown == self._shown:
            return
        self._shown = shown
        bid, ask = _colour(self, "bid"), _colour(self, "ask")
        table = Table(box=None, pad_edge=False, expand=True, header_style="bold")
        table.add_column("#", justify="right", width=6)
        table.add_column("price", justify="right", min_width=12)
        table.add_column("qty", justify="right", min_width=8)
        table.add_column("side", width=4)
        for t in view.trades[:rows]:
            style = bid if t["taker_side"] == "buy" else ask
            table.add_row(str(t["id"]), Text(t["price"], style=style), t["qty"],
                          Text(t["taker_side"], style=style))
        self.query_one("#trades-body", Static).update(table)
