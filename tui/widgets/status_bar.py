"""One line: symbol, session, acting user, database, simulator, clock."""
from textual.widgets import Static


class StatusBar(Static):
    def show(self, *, symbol: str, session: str, user: str, database: str, sim: str,
             clock: str, seq: int) -> None:
        self.update(f" {symbol}  session {session}  user {user}  sim {sim}  "
                    f"journal {seq}  db {database}  {clock}")
