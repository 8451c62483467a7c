"""The desk's strategy configurations: template, symbol, user, stage, version, run state.

Keys act on the selected configuration; the pane only says what was asked (a `Request`
message up to the app, which runs it through the desk facade in a worker).
"""
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from ..desk_facade import DeskView, StrategyRow
from .table_pane import TablePane

COLUMNS = (("name", 12), ("template", 12), ("symbol", 8), ("user", 11), ("stage", 10),
           ("v", 2), ("state", 9))
# (key, action, description, binding id); the palette and the help panel read these too
ACTIONS = (
    ("enter", "edit", "Parameters", "strategy.edit"),
    ("g", "start", "Start", "strategy.start"),
    ("z", "pause", "Pause/resume", "strategy.pause"),
    ("x", "stop", "Stop", "strategy.stop"),
    ("K", "kill", "Kill", "strategy.kill"),
)


class StrategyPane(TablePane):
    TITLE = "Strategy"
    COLUMNS, TABLE_ID = COLUMNS, "strategy-table"
    BINDINGS = [Binding(key, f"request('{action}')", text, id=bid)
                for key, action, text, bid in ACTIONS]

    class Request(Message):
        """Do `action` (one of ACTIONS) to configuration `name`."""

        def __init__(self, pane: "StrategyPane", action: str, name: str) -> None:
            super().__init__()
            self.pane, self.action, self.name = pane, action, name

        @property
        def control(self) -> "StrategyPane":
            return self.pane

    class Selected(Message):
        """The cursor moved to configuration `name` (the inventory chart follows it)."""

        def __init__(self, pane: "StrategyPane", name: str) -> None:
            super().__init__()
            self.pane, self.name = pane, name

        @property
        def control(self) -> "StrategyPane":
            return self.pane

    def update_desk(self, view: DeskView) -> None:
        rows = {r.name: cells(r) for r in view.rows}
        self.show_rows(rows)
        # set_title: the desk is read every second, and setting the same title again
        # repaints the whole pane (every line of its table) for the next frame
        self.set_title(f"Strategy ({len(rows)} configured, {counts(view.rows)})")

    def selected(self) -> str | None:
        """The configuration under the cursor, or None."""
        return self.selected_key()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value is not None:
            self.post_message(self.Selected(self, event.row_key.value))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_request("edit")

    def action_request(self, action: str) -> None:
        name = self.selected()
        if name is None:
            self.notify("no strategy configuration selected", severity="warning")
            return
        self.post_message(self.Request(self, action, name))


def cells(r: StrategyRow) -> tuple:
    return (r.name, r.template, r.symbol, r.user, r.stage, str(r.version), r.state)


def counts(rows) -> str:
    """How many are running, and how many are starting, paused or stopping: the same
    states the rows show, so the title and the rows always agree."""
    n = {s: sum(r.state == s for r in rows) for s in ("running", "starting", "paused",
                                                     "stopping")}
    return ", ".join([f"{n['running']} running"] + [f"{v} {s}" for s, v in n.items()
                                                     if v and s != "running"])
