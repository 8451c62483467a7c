"""TablePane, the base of the Orders, Strategy and Wallets panes: columns added once from
COLUMNS, rows updated in place (the cursor stays), a rebuild only when the keys change,
the key under the cursor."""
import asyncio

from textual.app import App
from textual.widgets import DataTable

from souq.tui.widgets.orders import OrdersPane
from souq.tui.widgets.strategy import StrategyPane
from souq.tui.widgets.table_pane import TablePane
from souq.tui.widgets.wallets import WalletsPane


class Fruit(TablePane):
    TITLE = "Fruit"
    COLUMNS, TABLE_ID = (("name", 8), ("qty", 4)), "fruit-table"


class OneTable(App):
    def compose(self):
        yield Fruit()


def test_rows_update_in_place_and_rebuild_only_when_keys_change():
    seen = {}

    async def main():
        app = OneTable()
        async with app.run_test() as pilot:
            pane = app.query_one(Fruit)
            table = app.query_one("#fruit-table", DataTable)
            seen["columns"] = [(c.key.value, c.width) for c in table.columns.values()]
            seen["empty"] = pane.selected_key()
            pane.show_rows({"a": ("apple", "1"), "b": ("banana", "2")})
            table.move_cursor(row=1)
            await pilot.pause()
            pane.show_rows({"a": ("apple", "1"), "b": ("banana", "3")})    # same keys
            await pilot.pause()
            seen["in_place"] = (pane.selected_key(), table.get_cell("b", "qty"))
            pane.show_rows({"c": ("cherry", "9")})                         # new keys
            await pilot.pause()
            seen["rebuilt"] = (table.row_count, pane.selected_key())
    asyncio.run(main())
    assert seen["columns"] == [("name", 8), ("qty", 4)]
    assert seen["empty"] is None
    assert seen["in_place"] == ("b", "3")
    assert seen["rebuilt"] == (1, "c")


def test_the_table_panes_share_the_base():
    for pane, table_id in ((OrdersPane, "orders-table"), (StrategyPane, "strategy-table"),
                           (WalletsPane, "wallets-table")):
        assert issubclass(pane, TablePane) and pane.TABLE_ID == table_id
        assert "compose" not in vars(pane) and "on_mount" not in vars(pane)
