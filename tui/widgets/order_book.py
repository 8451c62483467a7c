"""The depth ladder: asks above, spread and mid, bids below, own orders marked."""
from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Static

from ..snapshot import Level, MarketView
from .pane import Pane

BAR = 12


class OrderBook(Pane):
    TITLE = "Order book"
    BINDINGS = [
        Binding("plus,equals", "group(2)", "Group ×2", id="book.group_more"),
        Binding("minus", "group(0)", "Group ÷2", id="book.group_less"),
    ]

    class LevelChosen(Message):
        """A price level was clicked or chosen with Enter: fill a ticket with it."""

        def __init__(self, book: "OrderBook", side: str, price: str) -> None:
            super().__init__()
            self.book = book
            self.side = side       # the side of the level; a ticket takes the opposite
            self.price = price

        @property
        def control(self) -> "OrderBook":
            return self.book

    class GroupChanged(Message):
        def __init__(self, factor: int) -> None:
            super().__init__()
            self.factor = factor

    def compose(self):
        yield DataTable(id="book-table", cursor_type="row", zebra_stripes=False)
        yield Static(id="book-summary")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(DataTable)
        table.add_column("●", width=1, key="own")
        table.add_column("price", width=12, key="price")
        table.add_column("size", width=10, key="size")
        table.add_column("total", width=10, key="cum")
        table.add_column("depth", width=BAR, key="bar")
        self._rows: list[tuple[str, str]] = []

    def update_view(self, view: MarketView) -> None:
        table = self.query_one(DataTable)
        asks = list(reversed(view.asks))
        rows = [("sell", lv) for lv in asks] + [("buy", lv) for lv in view.bids]
        keys = [(side, lv.price) for side, lv in rows]
        if keys != self._rows:
            # keep the cursor on the level it was on; at first, on the best ask (the touch)
            was = self._rows[table.cursor_row] if self._rows and table.cursor_row < len(
                self._rows) else None
            table.clear()
            for side, lv in rows:
                table.add_row(*self._cells(side, lv), key=f"{side}:{lv.price}")
            self._rows = keys
            if rows:
                row = keys.index(was) if was in keys else max(0, len(asks) - 1)
                table.move_cursor(row=row, animate=False)
        else:
            for side, lv in rows:
                key = f"{side}:{lv.price}"
                for col, value in zip(("own", "price", "size", "cum", "bar"), self._cells(side, lv)):
                    table.update_cell(key, col, value)
        group = f"  group {view.group}×tick" if view.group > 1 else ""
        spread = f"spread {view.spread}  mid {view.mid}" if view.spread else "no two-sided market"
        self.query_one("#book-summary", Static).update(f"{spread}  last {view.last or '-'}{group}")
        self.border_title = f"Order book {view.symbol}"

    def _cells(self, side: str, lv: Level):
        style = "bid" if side == "buy" else "ask"
        width = max(1, round(lv.fill * BAR)) if lv.qty != "0" else 0
        return (Text("●" if lv.own else "", style="bold"),
                Text(lv.price, style=f"{_colour(self, style)} bold", justify="right"),
                Text(lv.qty, justify="right"), Text(lv.cum, justify="right"),
                Text("█" * width, style=_colour(self, style)))

    @on(DataTable.RowSelected, "#book-table")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        side, price = str(event.row_key.value).split(":", 1)
        self.post_message(self.LevelChosen(self, side, price))

    def action_group(self, factor: int) -> None:
        self.post_message(self.GroupChanged(factor))


def _colour(widget, name: str) -> str:
    """Bid and ask colours come from the theme's variables."""
    return widget.app.theme_variables.get(name, "green" if name == "bid" else "red")
