"""Bring a DataTable to new rows with as little work as the change needs."""
from textual.widgets import DataTable


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
