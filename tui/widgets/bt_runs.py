"""Stored backtest runs, newest first: Enter opens one's report, Space marks up to two
for a side-by-side comparison."""
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from ..backtest_facade import RUNS_PNL_WIDTH

# widths plus a cell's two padding columns fill the 56 inside the runs box; a number is
# never cut (the facade writes PnL to fit, see RUNS_PNL_WIDTH), a long name may be
COLUMNS = (("mark", "", 1), ("id", "Run", 3), ("config", "Config", 12),
           ("source", "Source", 12), ("seed", "Seed", 4), ("pnl", "PnL", RUNS_PNL_WIDTH))


class RunsTable(DataTable):
    BINDINGS = [Binding("space", "mark", "Mark to compare", id="bt.mark")]

    class Marked(Message):
        """The marked runs changed (at most two, oldest mark first)."""

        def __init__(self, table: "RunsTable", marked: tuple[int, ...]) -> None:
            super().__init__()
            self.table, self.marked = table, marked

        @property
        def control(self) -> "RunsTable":
            return self.table

    def __init__(self, **kw) -> None:
        super().__init__(cursor_type="row", **kw)
        self.marked: list[int] = []
        self.ids: list[int] = []

    def on_mount(self) -> None:
        for key, label, width in COLUMNS:
            self.add_column(label, key=key, width=width)

    def show(self, runs: list[dict]) -> None:
        """Rows keyed by run id; the cursor stays on its run, or goes to a new one."""
        ids = [r["id"] for r in runs]
        if ids == self.ids:
            return
        current = self.ids[self.cursor_row] if self.ids and self.cursor_row < len(self.ids) \
            else None
        old, self.ids = self.ids, ids
        self.marked = [m for m in self.marked if m in ids]
        self.clear()
        for r in runs:
            source = r["data"] or r["scenario"]
            self.add_row(self._mark(r["id"]), str(r["id"]), r["config"], source,
                         str(r["seed"]), Text(r["pnl_text"], justify="right"),
                         key=str(r["id"]))
        if current in ids and ids[0] in old:
            self.move_cursor(row=ids.index(current))      # else: the new run, on top

    def selected(self) -> int | None:
        return self.ids[self.cursor_row] if self.ids else None

    def action_mark(self) -> None:
        run = self.selected()
        if run is None:
            return
        if run in self.marked:
            self.marked.remove(run)
        else:
            self.marked = (self.marked + [run])[-2:]
        for i in self.ids:
            self.update_cell(str(i), "mark", self._mark(i))
        self.post_message(self.Marked(self, tuple(self.marked)))

    def _mark(self, run: int) -> str:
        return "AB"[self.marked.index(run)] if run in self.marked else ""
