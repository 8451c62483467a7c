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

Each line is kept the same way, for what it shows (its row's cells, the column widths,
whether the cursor or the mouse is on it, its crop and the table's state): the Orders
table is rebuilt when an order comes (a new row above the others), and DataTable then
puts every visible line together again from its cells, about 1 ms a line (the row's
styles looked up through the DOM for each); a line kept and moved only has its mouse row
renumbered.

New rows are not measured when nothing measured would be used: DataTable measures every
cell of each row added, for the widths of auto-width columns and the row label column,
though a column given a width keeps it (`Column.get_render_width`). The Orders table is
filled again whenever an order comes or goes (tui/widgets/table_pane.py), so each order
sent by ticket measured every row in it before the frame that shows it (issue 15).
"""
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.strip import Strip
from textual.widgets import DataTable

from .size_in_place import SizeInPlace

KEEP = 4096         # cells kept; emptied whole when full (a table shows a few hundred)
KEEP_LINES = 1024   # lines kept, likewise (a table shows a few dozen)


class SteadyTable(SizeInPlace, DataTable):

    def __init__(self, *args, **kw) -> None:
        super().__init__(*args, **kw)
        self._drawn: dict[tuple, tuple[int, int, list]] = {}
        self._lines: dict[tuple, tuple[int, Strip]] = {}

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
        self._drawn, self._lines = {}, {}
        super().notify_style_update()

    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        """DataTable's line `y` cropped to x1..x2, kept for what it shows (`_line_key`);
        a kept line now on another row gets its mouse row renumbered, nothing else."""
        try:
            row_key, line_no = self._get_offsets(y)
        except LookupError:
            return super()._render_line(y, x1, x2, base_style)
        row_index = -1 if row_key is self._header_row_key else self._row_locations.get(row_key)
        if row_index is None:               # a row no longer placed: DataTable's way
            return super()._render_line(y, x1, x2, base_style)
        key = self._line_key(row_key, row_index, line_no, x1, x2, base_style)
        if key is None:
            return super()._render_line(y, x1, x2, base_style)
        kept = self._lines.get(key)
        if kept is None:
            strip = super()._render_line(y, x1, x2, base_style)
            if len(self._lines) >= KEEP_LINES:
                self._lines = {}
            self._lines[key] = (row_index, strip)
            return strip
        at_row, strip = kept
        if at_row != row_index:
            strip = renumbered(strip, row_index)
            self._lines[key] = (row_index, strip)
        return strip

    def _line_key(self, row_key, row_index: int, line_no: int, x1: int, x2: int,
                  base_style: Style) -> tuple | None:
        """What a line's drawing depends on, but its row number (DataTable's
        `_render_line_in_row` and `_render_line`): None when a cell is not text or rows
        have labels (DataTable draws it, keyed as DataTable keys it)."""
        if self._labelled_row_exists and self.show_row_labels:
            return None
        columns = self.ordered_columns
        if row_index < 0:
            cells = tuple(str(c.label) for c in columns)
            height = self.header_height
        else:
            data = self._data[row_key]
            cells = tuple(data.get(c.key) for c in columns)
            if not all(isinstance(v, str) for v in cells):
                return None
            height = self.rows[row_key].height
        kind = self.cursor_type
        cursor, hover = self.cursor_coordinate, self.hover_coordinate
        on_row = row_index if row_index else 0      # DataTable's `row_index or 0`
        return (cells, row_index < 0, tuple(c.get_render_width(self) for c in columns),
                height, line_no, x1, x2, self.size.width, base_style, kind,
                self.show_cursor, self._show_hover_cursor,
                _on(cursor, row_index, kind), _on(hover, row_index, kind),
                cursor.row == row_index, hover.row == on_row,
                row_index < self.fixed_rows, self.fixed_columns,
                self.zebra_stripes, self.zebra_stripes and row_index % 2 == 1,
                self.cell_padding,
                self.cursor_foreground_priority, self.cursor_background_priority,
                self._pseudo_class_state)

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


def _on(at, row_index: int, kind: str):
    """Where a cursor (or the mouse) at `at` marks row `row_index`, for a cursor of
    `kind` (DataTable's `_should_highlight`): the whole row, one column or none."""
    if kind == "row":
        return at.row == row_index
    if kind == "cell":
        return at.column if at.row == row_index else None
    if kind == "column":
        return at.column
    return None


_ROW_META: dict[int, Style] = {}


def renumbered(strip: Strip, row_index: int) -> Strip:
    """`strip` with the mouse's row (the `row` meta DataTable puts on a line's segments)
    changed to `row_index`; the column and every other meta kept."""
    meta = _ROW_META.get(row_index)
    if meta is None:
        if len(_ROW_META) >= KEEP:
            _ROW_META.clear()
        meta = _ROW_META[row_index] = Style.from_meta({"row": row_index})
    segments = [Segment(text, style + meta, control)
                if style is not None and style._meta and "row" in style.meta
                else Segment(text, style, control)
                for text, style, control in strip]
    return Strip(segments, strip.cell_length)
