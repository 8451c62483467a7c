"""SteadyTable (the table of the Orders, Strategy and Wallets panes) draws exactly what
DataTable draws, segment by segment, styles and the mouse's row and column included,
through rows added above, rebuilt, updated in place, cursor moves, focus and a theme
change; and it draws again through Rich only the cells that changed."""
import asyncio

import textual.widgets._data_table as data_table
from textual.app import App
from textual.widgets import DataTable

from souq.tui.widgets.steady_table import SteadyTable

COLUMNS = (("time", 8), ("side", 4), ("price", 12), ("status", 9))


class Twins(App):
    CSS = "DataTable { height: 8; }"
    AUTO_FOCUS = None           # neither table has focus unless a step gives it

    def compose(self):
        yield DataTable(id="stock", cursor_type="row")
        yield SteadyTable(id="steady", cursor_type="row")


def row(i: int, status: str = "active") -> tuple:
    return (f"12:00:{i:02d}", "buy" if i % 2 else "sell", f"{95_000 + i:,}", status)


def fill(table: DataTable, rows: dict) -> None:
    table.clear()
    for key, cells in rows.items():
        table.add_row(*cells, key=key)


def drawn(table: DataTable) -> list:
    """Every line of the table as (text, style, control) segments, meta included."""
    return [[(s.text, s.style, s.control) for s in table.render_line(y)]
            for y in range(table.size.height)]


def test_the_steady_table_draws_what_the_data_table_draws():
    steps = []

    async def main():
        app = Twins()
        async with app.run_test(size=(60, 20)) as pilot:
            tables = [app.query_one("#stock", DataTable), app.query_one("#steady", DataTable)]
            for t in tables:
                for name, width in COLUMNS:
                    t.add_column(name, width=width, key=name)

            async def both(label: str, change, each: bool = False) -> None:
                """`change` both tables, then draw both; with `each`, change and draw
                one table at a time (focus is one widget's at a time)."""
                pictures = []
                for t in tables:
                    change(t)
                    if each:
                        await pilot.pause()
                        pictures.append(drawn(t))
                if not each:
                    await pilot.pause()
                    pictures = [drawn(t) for t in tables]
                steps.append((label, *pictures))

            rows = {str(i): row(i) for i in range(5, 0, -1)}
            await both("first rows", lambda t: fill(t, rows))
            for new in (6, 7):                  # a new order above the others, as on a ticket
                rows = {str(new): row(new), **rows}
                await both(f"row {new} above", lambda t: fill(t, rows))
            await both("in place", lambda t: t.update_cell("6", "status", "filled"))
            await both("cursor down", lambda t: t.move_cursor(row=2))
            await both("focus", lambda t: t.focus(), each=True)
            app.screen.set_focus(None)
            await both("blur", lambda t: None)
            rows = {k: v for k, v in rows.items() if k != "7"}
            await both("row gone", lambda t: fill(t, rows))
            app.theme = "textual-light"
            await both("theme", lambda t: None)
    asyncio.run(main())
    for label, stock, steady in steps:
        assert steady == stock, label


def test_a_row_moved_down_is_not_drawn_again():
    drawn_cells = []
    original = data_table.Styled

    class Counting(original):
        def __init__(self, *args, **kw):
            drawn_cells.append(1)
            super().__init__(*args, **kw)

    async def main():
        app = Twins()
        async with app.run_test(size=(60, 20)) as pilot:
            table = app.query_one("#steady", DataTable)
            for name, width in COLUMNS:
                table.add_column(name, width=width, key=name)
            rows = {str(i): row(i) for i in range(3, 0, -1)}
            fill(table, rows)
            await pilot.pause()
            drawn_cells.clear()
            fill(table, {"4": row(4), **rows})       # one new row above three
            await pilot.pause()
            return len(drawn_cells)
    data_table.Styled = Counting
    try:
        count = asyncio.run(main())
    finally:
        data_table.Styled = original
    # the new row's cells, and the cursor's row (it stays at row 0, now the new order);
    # the header and the rows moved down come from what was drawn before
    assert 0 < count <= 2 * len(COLUMNS)
