"""One line: symbol, session, acting user, database, simulator, clock."""
from textual.widgets import Static


class StatusBar(Static):
    _text = ""

    def show(self, *, symbol: str, session: str, user: str, database: str, sim: str,
             clock: str, seq: int) -> None:
        text = (f" {symbol}  session {session}  user {user}  sim {sim}  "
                f"journal {seq}  db {database}  {clock}")
        if text != self._text:          # called on every follow tick; redraw only a change
            self._text = text
            self.update(text)
