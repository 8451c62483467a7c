"""One line: symbol, session, acting user, simulator, journal point, follow latency, the
strategies' count and health, database, clock.

Follow latency is the time from a journal entry's commit (its ts) to the screen showing
the view built at it, measured for entries committed after the workstation opened (what
was there before is not latency). On a narrow terminal the least needed parts give way
(database first, then session, simulator, journal), so the figures stay readable whole.
"""
from textual.widgets import Static

from souq.mm import display

# parts in the order they give way when the line is too long
GIVE_WAY = ("database", "session", "sim", "journal", "clock")


def follow_text(ms: float | None) -> str:
    """`follow 12 ms`, `follow 2.4 s` above 10 s, `follow –` before anything was measured."""
    if ms is None:
        return f"follow {display.MISSING}"
    if ms >= 10_000:
        return f"follow {display.number(ms / 1000, 1)} s"
    return f"follow {display.number(ms, 0)} ms"


def desk_text(rows) -> str:
    """The strategies' count and health: how many run, are paused or stopping, and how many
    of the configurations' newest runs died or were killed (needing a look)."""
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.state] = counts.get(r.state, 0) + 1
    parts = [f"{counts.get('running', 0)} running"]
    parts += [f"{counts[s]} {s}" for s in ("starting", "paused", "stopping", "dead", "killed")
              if counts.get(s)]
    health = "ok" if not (counts.get("dead") or counts.get("killed")) else "check"
    return f"mm {', '.join(parts)} ({health})"


class StatusBar(Static):
    _text = ""

    def show(self, *, symbol: str, session: str, user: str, database: str, sim: str,
             clock: str, seq: int, follow: str = "", desk: str = "") -> None:
        parts = {"symbol": symbol, "session": f"session {session}", "user": f"user {user}",
                 "sim": f"sim {sim}", "journal": f"journal {seq}", "follow": follow,
                 "desk": desk, "database": f"db {database}", "clock": clock}
        width = self.size.width
        for drop in GIVE_WAY:
            if width <= 0 or len(_line(parts)) <= width:
                break
            parts[drop] = ""
        text = _line(parts)
        if text != self._text:          # called on every follow tick; redraw only a change
            self._text = text
            self.update(text, layout=False)     # one line, always: no layout pass


def _line(parts: dict) -> str:
    return " " + "  ".join(p for p in parts.values() if p)
