"""SteadyTable: a DataTable that draws again only the cells whose content changed.

Textual's DataTable keys its cache of drawn cells on a counter that every change bumps
(`update_cell`, `add_row`, `clear`), so one new order or one changed balance draws every
visible cell of the table again through Rich, about 0.2 ms a cell: the Orders table was
the largest part of the frame that shows an order sent by ticket (issue 15). This one
keeps each cell drawn for what it shows (its text, width, style, cursor and hover, the
table's focus and hover state), whichever row it is in: a row moved down by a new one
above it is not drawn again, only given its new row number for the mouse (the `row`
and `column` meta of its segments, which clicks read).

Cells whose value is not text go through DataTable as before; a style or theme change
empties the cache as it empties DataTable's own.

New rows are not measured when nothing measured would be used: DataTable measures every
cell of each row added, for the widths of auto-width columns and the row label column,
though a column given a width keeps it (`Column.get_render_width`). The Orders table is
filled again whenever an order comes or goes (tui/widgets/table_pane.py), so each order
sent by ticket measured every row in it before the frame that shows it (issue 15).
"""
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.widgets import DataTable

from .size_in_place import SizeInPlace

KEEP = 4096         # cells kept; emptied whole when full (a table shows a few hundred)


class SteadyTable(SizeInPlace, DataTable):

    def __init__(self, *args, **kw) -> None:
        super().__init__(*args, **kw)
        self._drawn: dict[tuple, tuple[int, int, list]] = {}

    def _update_dimensions(self, new_rows) -> None:
        """DataTable's, without measuring the new rows' cells when every column has a
        width of its own and no new row has a label or an automatic height."""
        if any(c.auto_width for c in self.columns.values()) or any(
                row is not None and (row.label is not None or row.auto_height)
                for row in map(self.rows.get, new_rows)):
            super()._update_dimensions(new_rows)
            return
        width = sum(c.get_render_width(self) for c in self.columns.values())
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(width + self._row_label_column_width,
                                 self._total_row_height + header)

    def notify_style_update(self) -> None:
        self._drawn = {}
        super().notify_style_update()

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False):
        key = self._content_key(row_index, column_index, base_style, width, cursor, hover)
        if key is None:
            return super()._render_cell(row_index, column_index, base_style, width,
                                        cursor, hover)
        kept = self._drawn.get(key)
        if kept is None:
            lines = super()._render_cell(row_index, column_index, base_style, width,
                                         cursor, hover)
            if len(self._drawn) >= KEEP:
                self._drawn = {}
            self._drawn[key] = (row_index, column_index, lines)
            return lines
        at_row, at_column, lines = kept
        if (at_row, at_column) != (row_index, column_index):
            # the same cell, moved: only the mouse's row and column change
            meta = Style.from_meta({"row": row_index, "column": column_index})
            lines = [[Segment(text, style + meta if style is not None else meta, control)
                      for text, style, control in line] for line in lines]
            self._drawn[key] = (row_index, column_index, lines)
        return lines

    def _content_key(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool, hover: bool) -> tuple | None:
        """What the cell's drawing depends on, but its row number; None when its value is
        not text (DataTable draws it, keyed as DataTable keys it)."""
        if column_index < 0:                # row labels: not used by souq's tables
            return None
        column_key = self._column_locations.get_key(column_index)
        if row_index < 0:
            value, height = str(self.columns[column_key].label), self.header_height
        else:
            row_key = self._row_locations.get_key(row_index)
            value, height = self._data[row_key].get(column_key), self.rows[row_key].height
        if not isinstance(value, str):
            return None
        fixed = row_index >= 0 and (row_index < self.fixed_rows
                                    or column_index < self.fixed_columns)
        return (value, row_index < 0, fixed, height, width, base_style, cursor, hover,
                self.show_cursor, self._show_hover_cursor, self.cell_padding,
                self.cursor_foreground_priority, self.cursor_background_priority,
                self._pseudo_class_state)
