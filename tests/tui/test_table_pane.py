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


ETH = {"name": "ETH-USDT", "tick_size": "0.01", "qty_step": "0.0001", "base": "ETH",
       "quote": "USDT"}


def order(i: int, status: str = "active", filled: str = "0") -> dict:
    return {"id": i, "client_id": f"#{i}", "side": "buy", "price": "3500.10", "qty": "0.5",
            "filled": filled, "status": status, "avg_price": None, "reason": None,
            "symbol": "ETH-USDT", "type": "limit", "placed_ts": 1_700_000_000_000_000_000 + i}


class OrdersOnly(App):
    def compose(self):
        yield OrdersPane(id="orders")


def test_an_orders_cells_are_made_again_only_when_what_they_show_changed(monkeypatch):
    """Each view carries every order (up to 200): cells are made for a new or changed
    order, and for all of them again when the digit grouping changes; what is shown is
    what making them all afresh shows."""
    from souq.mm import display
    from souq.mm.display import Figures
    from souq.tui.snapshot import ScreenView
    made = []
    cells = OrdersPane._cells

    def counted(o, view):
        made.append(o["id"])
        return cells(o, view)
    monkeypatch.setattr(OrdersPane, "_cells", staticmethod(counted))

    def view(*orders) -> ScreenView:
        return ScreenView(1, "ETH-USDT", "alice", ("alice",), orders=orders,
                          figures=Figures([ETH]))
    seen = {}

    async def main():
        app = OrdersOnly()
        async with app.run_test() as pilot:
            pane = app.query_one(OrdersPane)
            steps = [("first", view(order(3), order(2), order(1))),
                     ("one filled, one new", view(order(4), order(3), order(2, "filled", "0.5"),
                                                  order(1))),
                     ("the same", view(order(4), order(3), order(2, "filled", "0.5"),
                                       order(1)))]
            for label, v in steps:
                made.clear()
                pane.update_view(v)
                await pilot.pause()
                seen[label] = (sorted(made), dict(pane.rows),
                               {str(o["id"]): cells(o, v) for o in v.orders})
            before = next(k for k, v in display.STYLES.items() if v == display._separator)
            display.set_grouping("space")
            try:
                made.clear()
                pane.update_view(view(order(4), order(3)))
                seen["grouping"] = sorted(made)
            finally:
                display.set_grouping(before)
    asyncio.run(main())
    assert seen["first"][0] == [1, 2, 3]
    assert seen["one filled, one new"][0] == [2, 4]
    assert seen["the same"][0] == []
    for label in ("first", "one filled, one new", "the same"):
        assert seen[label][1] == seen[label][2], label
    assert seen["grouping"] == [3, 4]


def test_a_line_of_text_set_with_every_view_repaints_only_a_change():
    from textual.widgets import Static
    from souq.tui.widgets.pane import SteadyStatic
    updates = []

    class Line(SteadyStatic):
        def update(self, *args, **kw):
            updates.append(args[0])
            super().update(*args, **kw)

    class OneLine(App):
        def compose(self):
            yield Line()

    async def main():
        app = OneLine()
        async with app.run_test() as pilot:
            line = app.query_one(Line)
            for text in ("a", "a", "b", "b", ""):
                line.show(text)
            await pilot.pause()
            return str(line.render()), isinstance(line, Static)
    shown, static = asyncio.run(main())
    assert updates == ["a", "b", ""] and shown == "" and static
