"""TablePane: a pane around one DataTable of fixed columns whose rows update in place.

The Orders, Strategy and Wallets panes each declare COLUMNS ((key, width) pairs, the key
also the header), TABLE_ID and CURSOR, and hand `show_rows` their rows as key -> cells;
this base composes the table (and what `compose_below` adds under it), adds the columns
once on mount, and brings the table to new rows with as little work as the change needs
(`sync_rows`: only changed cells when the keys are the same, in the same order). The
table is a SteadyTable (tui/widgets/steady_table.py): only changed cells are drawn again.
"""
from textual.widgets import DataTable

from .pane import Pane
from .steady_table import SteadyTable


def sync_rows(table: DataTable, columns, rows: dict[str, tuple], shown: dict[str, tuple]
              ) -> dict[str, tuple]:
    """Show `rows` (key -> cells, in order) where `shown` is on screen now. The same keys in
    the same order: only changed cells are rewritten. Otherwise the table is rebuilt and the
    cursor stays at its row number. Returns `rows`, the new `shown`."""
    if list(rows) != list(shown):
        cursor = table.cursor_row
        table.clear()
        for key, cells in rows.items():
            table.add_row(*cells, key=key)
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1), animate=False)
        return rows
    for key, cells in rows.items():
        if shown[key] != cells:
            for (name, _), value in zip(columns, cells):
                table.update_cell(key, name, value)
    return rows


class TablePane(Pane):
    """A titled pane holding one DataTable. Subclasses set COLUMNS, TABLE_ID and CURSOR
    ("row", or "none" for a table with no cursor) and call `show_rows`."""

    COLUMNS: tuple[tuple[str, int], ...] = ()
    TABLE_ID = ""
    CURSOR = "row"

    def compose(self):
        yield SteadyTable(id=self.TABLE_ID or None, cursor_type=self.CURSOR,
                          show_cursor=self.CURSOR != "none")
        yield from self.compose_below()

    def compose_below(self):
        """Widgets under the table (none here)."""
        return iter(())

    def on_mount(self) -> None:
        super().on_mount()
        table = self.table
        for name, width in self.COLUMNS:
            table.add_column(name, width=width, key=name)
        self._rows: dict[str, tuple] = {}

    @property
    def table(self) -> DataTable:
        return self.query_one(DataTable)

    @property
    def rows(self) -> dict[str, tuple]:
        """The rows on screen now: key -> cells, in order."""
        return self._rows

    def show_rows(self, rows: dict[str, tuple]) -> None:
        """Bring the table to `rows` (key -> cells, one per column, in order)."""
        self._rows = sync_rows(self.table, self.COLUMNS, rows, self._rows)

    def selected_key(self) -> str | None:
        """The key of the row under the cursor, or None with no rows."""
        keys, row = list(self._rows), self.table.cursor_row
        if row is None or not 0 <= row < len(keys):
            return None
        return keys[row]
