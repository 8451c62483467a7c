"""Balance, hold and available per asset of the acting user."""
from textual.widgets import DataTable

from ..snapshot import MarketView
from .pane import Pane


class WalletsPane(Pane):
    TITLE = "Wallets"

    def compose(self):
        yield DataTable(id="wallets-table", cursor_type="none", show_cursor=False)

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(DataTable)
        for name, width in (("asset", 5), ("balance", 14), ("hold", 12), ("available", 14)):
            table.add_column(name, width=width, key=name)
        self._rows: dict[str, tuple] = {}

    def update_view(self, view: MarketView) -> None:
        table = self.query_one(DataTable)
        rows = {w["asset"]: (w["asset"], w["balance"], w["hold"], w["available"])
                for w in view.wallets}
        if list(rows) != list(self._rows):
            table.clear()
            for key, cells in rows.items():
                table.add_row(*cells, key=key)
        else:
            for key, cells in rows.items():
                if self._rows[key] != cells:
                    for name, value in zip(("asset", "balance", "hold", "available"), cells):
                        table.update_cell(key, name, value)
        self._rows = rows
        self.border_title = f"Wallets of {view.user}"
