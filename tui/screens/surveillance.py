"""The Surveillance screen (S, or the palette): the cases table, the chosen case's alerts
with their evidence (the orders and trades involved, the scores) and history, and the
review desk's actions. A decision needs a note (typed in the note line, kept in the
journal); confirming with a suspension asks first. Esc returns to the workstation.

Database work runs in thread workers through SurveillanceFacade; workers post messages
and the handlers redraw."""
from textual import on, work
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from ..surveillance_facade import SurveillanceFacade
from .confirm import Confirm

# (label, width): fixed, so the table reads the same whenever its rows arrive (widths
# fitted to the first rows seen cut later ones: 'alice,bo', 'BTC-IR')
COLUMNS = (("id", 4), ("status", 12), ("severity", 8), ("rule", 16), ("accounts", 18),
           ("symbol", 9), ("alerts", 6))


class NoteLine(Input):
    """The note line: while it has focus the letters are text, so the footer says what
    Enter and Esc do here instead of the screen's letter keys."""
    BINDINGS = [Binding("enter", "submit", "Keep note", id="surv.note_keep"),
                Binding("escape", "leave", "Leave note", id="surv.note_leave")]

    def action_leave(self) -> None:
        self.screen.query_one("#surv-cases").focus()


class SurveillanceScreen(Screen):
    CSS_PATH = "../surveillance.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="surv.back"),
        Binding("r", "decide('review')", "Review", id="surv.review"),
        Binding("d", "decide('dismiss')", "Dismiss", id="surv.dismiss"),
        Binding("f", "decide('confirm')", "Confirm", id="surv.confirm"),
        Binding("F", "suspend", "Confirm+suspend", id="surv.suspend"),
        Binding("x", "decide('release')", "Release", id="surv.release"),
        Binding("n", "note", "Note", id="surv.note"),
    ]

    class Loaded(Message):
        def __init__(self, cases: list[dict], status: str | None = None) -> None:
            super().__init__()
            self.cases, self.status = cases, status

    class Shown(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, facade: SurveillanceFacade) -> None:
        super().__init__()
        self.facade = facade
        self.cases: list[dict] = []

    def compose(self):
        yield DataTable(id="surv-cases", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="surv-evidence"):
            yield Static("", id="surv-detail")
        yield NoteLine(placeholder="note: why (n to type, kept in the journal)", id="surv-note")
        yield Static("", id="surv-status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#surv-cases", DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        table.focus()
        self.load()

    def on_unmount(self) -> None:
        self.facade.close()

    # ------------------------------------------------------------ workers
    @work(thread=True, exclusive=True, group="surv-load")
    def load(self, status: str | None = None) -> None:
        try:
            cases = self.facade.cases()
        except ValueError as exc:       # AccessDenied, CaseError
            cases, status = [], f"refused: {exc}"
        self.post_message(self.Loaded(cases, status))

    @work(thread=True, exclusive=True, group="surv-show")
    def show_case(self, case_id: int) -> None:
        found = self.facade.case(case_id)
        self.post_message(self.Shown(evidence(*found) if found else f"case {case_id} is gone"))

    @work(thread=True, group="surv-act")
    def act(self, case_id: int, action: str, note: str, suspend: bool = False) -> None:
        try:
            c = self.facade.act(case_id, action, note, suspend=suspend, cancel=suspend)
            done = f"case {case_id} {c['status'].replace('_', ' ')}"
            if c["suspended"] and action == "confirm":
                done += f"; suspended {', '.join(c['suspended'])}"
        except ValueError as exc:
            done = f"refused: {exc}"
        self.load(done)

    # ------------------------------------------------------------ handlers
    def on_surveillance_screen_loaded(self, message: Loaded) -> None:
        self.cases = message.cases
        table = self.query_one("#surv-cases", DataTable)
        row = table.cursor_row
        table.clear()
        for c in message.cases:
            table.add_row(str(c["id"]), c["status"].replace("_", " "), c["severity"], c["rule"],
                          ",".join(c["users"]), c["symbol"] or "-", str(c["alerts"]),
                          key=str(c["id"]))
        if message.cases:
            table.move_cursor(row=min(row, len(message.cases) - 1))
        else:
            self.query_one("#surv-detail", Static).update("no cases")
        self.status(message.status or f"{len(message.cases)} cases")

    def on_surveillance_screen_shown(self, message: Shown) -> None:
        self.query_one("#surv-detail", Static).update(message.text)

    @on(DataTable.RowHighlighted, "#surv-cases")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value is not None:
            self.show_case(int(event.row_key.value))

    def selected(self) -> int | None:
        table = self.query_one("#surv-cases", DataTable)
        if not self.cases or table.cursor_row is None:
            return None
        return self.cases[min(table.cursor_row, len(self.cases) - 1)]["id"]

    def status(self, text: str) -> None:
        self.query_one("#surv-status", Static).update(text)

    def note(self) -> str:
        return self.query_one("#surv-note", Input).value.strip()

    # ------------------------------------------------------------ actions
    def action_back(self) -> None:
        if self.focused is self.query_one("#surv-note"):
            self.query_one("#surv-cases").focus()
            return
        self.app.pop_screen()

    def action_note(self) -> None:
        self.query_one("#surv-note", Input).focus()

    @on(Input.Submitted, "#surv-note")
    def _noted(self) -> None:
        self.query_one("#surv-cases").focus()

    def action_decide(self, action: str) -> None:
        case_id = self.selected()
        if case_id is None:
            self.status("no case chosen")
        elif not self.note():
            self.status(f"{action} needs a note: press n, type why, Enter")
        else:
            self.act(case_id, action, self._take_note())

    def _take_note(self) -> str:
        """The note, emptied from the note line: each decision needs its own reason (a
        note left there would be journalled as the reason of the next case's decision)."""
        note = self.note()
        self.query_one("#surv-note", Input).value = ""
        return note

    def action_suspend(self) -> None:
        case_id = self.selected()
        if case_id is None or not self.note():
            self.action_decide("confirm")
            return
        users = ", ".join(next(c["users"] for c in self.cases if c["id"] == case_id))
        note = self.note()

        def answered(yes: bool | None) -> None:
            if yes:
                self._take_note()
                self.act(case_id, "confirm", note, True)
            else:
                self.status("not confirmed")
        self.app.push_screen(Confirm(f"Confirm case {case_id}, suspend {users} and cancel "
                                     f"their orders?"), answered)

    def check_action(self, action: str, parameters) -> bool | None:
        """Letters typed into the note line are text, not actions."""
        if action in ("decide", "suspend", "note") and self.focused is self.query_one("#surv-note"):
            return False
        return True


def evidence(c: dict, orders: list[dict], trades: list[dict]) -> str:
    """A case as text: what, who, its alerts with scores, the orders and trades, history."""
    lines = [f"case {c['id']}: {c['rule']} on {', '.join(c['users'])} in {c['symbol'] or '-'}"
             f" ({c['status'].replace('_', ' ')}, {c['severity']})"]
    for a in c["alert_list"]:
        scores = ", ".join(f"{k} {v}" for k, v in a["scores"].items())
        lines.append(f"alert {a['id']} seq {a['first_seq']}-{a['last_seq']}: {a['text']} [{scores}]")
    for o in orders:
        lines.append(f"order {o['id']} {o['user']} {o['side']} {o['qty']} @ {o['price']} "
                     f"{o['status']}")
    for t in trades:
        lines.append(f"trade {t['id']} {t['qty']} @ {t['price']} seller "
                     f"{t['maker_user'] if t['taker_side'] == 'buy' else t['taker_user']} buyer "
                     f"{t['taker_user'] if t['taker_side'] == 'buy' else t['maker_user']}")
    for h in c["history"]:
        lines.append(f"{h['action']} by {h['actor']} (seq {h['seq']}): {h['note']}")
    return "\n".join(lines)
