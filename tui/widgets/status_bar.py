"""One line: symbol, session, acting user, simulator, journal, database, clock.

On a narrow terminal the database path gives way, so the clock and the rest stay visible.
"""
from textual.widgets import Static


class StatusBar(Static):
    _text = ""

    def show(self, *, symbol: str, session: str, user: str, database: str, sim: str,
             clock: str, seq: int) -> None:
        head = f" {symbol}  session {session}  user {user}  sim {sim}  journal {seq}"
        tail = f"  {clock}" if clock else ""
        db = f"  db {database}"
        if len(head) + len(db) + len(tail) > self.size.width > 0:
            db = ""
        text = head + db + tail
        if text != self._text:          # called on every follow tick; redraw only a change
            self._text = text
            self.update(text, layout=False)     # one line, always: no layout pass
