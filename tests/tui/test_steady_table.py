"""SteadyTable (the table of the Orders, Strategy and Wallets panes) draws exactly what
DataTable draws, segment by segment, styles and the mouse's row and column included,
through rows added above, rebuilt, updated in place, cursor moves, focus and a theme
change; and it draws again through Rich only the cells that changed."""
import asyncio

import textual.widgets._data_table as data_table
from textual.app import App
from textual.coordinate import Coordinate
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
                sizes = [t.virtual_size for t in tables]     # its scrollbars' measure
                steps.append((label, *pictures, *sizes))

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

            def hover(t: DataTable, row_index: int) -> None:
                t._set_hover_cursor(True)
                t.hover_coordinate = Coordinate(row_index, 1)
            await both("mouse over a row", lambda t: hover(t, 1))
            rows = {"8": row(8), **rows}
            await both("row 8 above, the mouse still there", lambda t: fill(t, rows))
            await both("mouse off", lambda t: t._set_hover_cursor(False))
            await both("zebra", lambda t: setattr(t, "zebra_stripes", True))
            rows = {"9": row(9), **rows}
            await both("row 9 above striped rows", lambda t: fill(t, rows))
            await both("cell cursor", lambda t: setattr(t, "cursor_type", "cell"))
            await both("cell cursor moved", lambda t: t.move_cursor(row=1, column=2))
            await both("column cursor", lambda t: setattr(t, "cursor_type", "column"))
            rows = {"10": row(10), **rows}
            await both("row 10 above, column cursor", lambda t: fill(t, rows))
            await both("no cursor", lambda t: setattr(t, "show_cursor", False))
            await both("row cursor, scrolled", lambda t: (setattr(t, "show_cursor", True),
                                                          setattr(t, "cursor_type", "row"),
                                                          t.move_cursor(row=6)))
            app.theme = "textual-light"
            await both("theme", lambda t: None)
    asyncio.run(main())
    for label, stock, steady, stock_size, steady_size in steps:
        assert steady == stock, label
        assert steady_size == stock_size, label


async def one_row_above(app, pilot, count: int, before) -> DataTable:
    """The app's steady table with COLUMNS, filled with rows count..1; then `before()` (a
    counter's reset) and the same rows again under a new row count + 1: one new row above
    the others. Returns the table."""
    table = app.query_one("#steady", DataTable)
    for name, width in COLUMNS:
        table.add_column(name, width=width, key=name)
    rows = {str(i): row(i) for i in range(count, 0, -1)}
    fill(table, rows)
    await pilot.pause()
    before()
    fill(table, {str(count + 1): row(count + 1), **rows})
    await pilot.pause()
    return table


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
            await one_row_above(app, pilot, 3, drawn_cells.clear)
            return len(drawn_cells)
    data_table.Styled = Counting
    try:
        count = asyncio.run(main())
    finally:
        data_table.Styled = original
    # the new row's cells, and the cursor's row (it stays at row 0, now the new order);
    # the header and the rows moved down come from what was drawn before
    assert 0 < count <= 2 * len(COLUMNS)


def test_a_line_moved_down_is_not_put_together_again(monkeypatch):
    """Lines are kept like cells: after a new row above the others, DataTable puts
    together only the new row's line and the two whose cursor state changed (the cursor
    stays at row 0); the header and the other rows moved down are the lines drawn
    before, renumbered for the mouse."""
    assembled = []
    assemble = DataTable._render_line_in_row

    def counted(self, row_key, *args, **kw):
        assembled.append(row_key.value)
        return assemble(self, row_key, *args, **kw)
    monkeypatch.setattr(DataTable, "_render_line_in_row", counted)

    async def main():
        app = Twins()
        async with app.run_test(size=(60, 20)) as pilot:
            table = await one_row_above(app, pilot, 5, assembled.clear)
            moved = table.render_line(3)             # row "4", now at row index 2
            return list(assembled), moved
    again, moved = asyncio.run(main())
    assert sorted(again) == ["5", "6"]     # the new row at the cursor; "5" left the cursor
    rows_of = {s.style.meta.get("row") for s in moved if s.style and s.style._meta}
    assert rows_of == {2}


def test_rows_are_measured_only_when_a_column_takes_its_width_from_them(monkeypatch):
    """Fixed-width columns (souq's panes): no cell of a new row is measured; a column of
    automatic width still is (DataTable's own way), and widens to its widest cell."""
    measured = []
    measure = data_table.measure

    def counted(*args, **kw):
        measured.append(1)
        return measure(*args, **kw)
    monkeypatch.setattr(data_table, "measure", counted)

    async def main():
        app = Twins()
        async with app.run_test(size=(60, 20)) as pilot:
            fixed, auto = app.query_one("#steady", DataTable), app.query_one("#stock", DataTable)
            for name, width in COLUMNS:
                fixed.add_column(name, width=width, key=name)
            await pilot.pause()
            measured.clear()
            fill(fixed, {str(i): row(i) for i in range(5, 0, -1)})
            await pilot.pause()
            seen = {"fixed": len(measured), "fixed_size": fixed.virtual_size}
            app.screen.remove_children([auto])
            steady = SteadyTable(id="auto")
            await app.mount(steady)
            steady.add_column("time", key="time")          # width from its cells
            await pilot.pause()
            measured.clear()
            fill(steady, {"1": ("12:00:01 long",)})
            await pilot.pause()
            seen["auto"] = len(measured)
            seen["auto_width"] = steady.columns["time"].content_width
            return seen
    seen = asyncio.run(main())
    assert seen["fixed"] == 0
    assert seen["fixed_size"].width == sum(w + 2 for _, w in COLUMNS)    # 1 cell padding a side
    assert seen["fixed_size"].height == 5 + 1                             # rows and header
    assert seen["auto"] > 0 and seen["auto_width"] == len("12:00:01 long")
