"""Reading the journal: online (a follower that resumes where it stopped) and offline
(`scan` over any range). Both feed the same entries, in the same order, to the same
Surveillance, so for the same entries they raise the same alerts.

The follower commits, per batch, the alerts (opening or extending cases) together with
its cursor (the last entry whose alerts are stored), and every `checkpoint` entries a
snapshot of its detectors' state. After a crash or a stop it restores the snapshot and
replays the entries from there to the cursor, dropping the alerts they raise (stored
already): the detectors are deterministic, so nothing is missed and nothing repeated.
Memory is bounded by the batch size and the detectors' windows, not by the journal."""
import re
import time
from dataclasses import dataclass, field

from souq.db import surveil as D
from souq.db.collector import paused_gc
from souq.db.desk import log_alert

from .access import LoginEvent
from .alert import CRITICAL, Alert
from .entries import build
from .monitor import LINK, SET, Surveillance

BATCH = 2000
#: a cursor's name: as a strategy configuration's (mm/desk/configs.py NAME)
CURSOR_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z", re.ASCII)
SOURCE = "surveillance"     # the alert log's source for new critical alerts


def configured(conn, before: int) -> Surveillance:
    """A fresh Surveillance with every setting and link journalled up to `before`."""
    s = Surveillance()
    for action, subject in D.audits_before(conn, before, (SET, LINK)):
        s.configure(action, subject)
    s.seq = before
    return s


def entries(conn, after: int, upto: int | None, batch: int = BATCH):
    """Entries after `after` up to `upto`, in order, read `batch` at a time; the garbage
    collector is held while each batch is read and its entries consumed (paused_gc)."""
    while True:
        with paused_gc():
            rows, trades = D.journal_batch(conn, after, upto, batch)
            for row in rows:
                yield build(row, trades)
        if len(rows) < batch:
            return
        after = rows[-1][0]


def scan(engine, start: int = 1, end: int | None = None, batch: int = BATCH) -> list[Alert]:
    """The alerts over journal entries start..end (inclusive; end None: to the last)."""
    with engine.connect() as conn:
        s = configured(conn, start - 1)
        out = []
        for e in entries(conn, start - 1, end, batch):
            out += s.feed(e)
        return out


@dataclass
class Progress:
    entries: int = 0
    alerts: list = field(default_factory=list)
    cases: list = field(default_factory=list)


class Follower:
    """The online follower, named so several can keep separate cursors."""

    def __init__(self, engine, name: str = "follower", batch: int = BATCH, clock=time.time_ns,
                 checkpoint: int = 50_000) -> None:
        if not CURSOR_NAME.match(name or ""):
            # `souq surveil --once --name ''` stored a cursor named '' and scanned the
            # whole journal again under it
            raise ValueError(f"cursor name {name!r} must be 1-64 letters, digits, '.', '-' "
                             "or '_', starting with a letter or digit")
        self.engine = engine
        self.name = name
        self.batch = batch
        self.clock = clock
        self.checkpoint = checkpoint
        with engine.connect() as conn:
            cur = D.load_cursor(conn, name)
            if cur is None:
                self.s, self.login_id, self.stored = configured(conn, 0), 0, 0
                self.saved_at = 0
            else:
                self.s, self.login_id = Surveillance.restore(cur["state"]), cur["login_id"]
                self.s.seq = cur["state_seq"]
                self.stored = cur["seq"]          # alerts up to here are stored already
                self.saved_at = self.s.seq
                # replay from the checkpoint to the cursor: those alerts are stored already
                for e in entries(conn, self.s.seq, self.stored, batch):
                    self.s.feed(e)
                self.s.seq = max(self.s.seq, self.stored)

    @property
    def seq(self) -> int:
        """The last journal entry whose alerts are stored."""
        return max(self.s.seq, self.stored)

    def poll(self, upto: int | None = None) -> Progress:
        """Process one batch of new journal entries (and gateway logins) and commit."""
        p = Progress()
        with paused_gc():
            with self.engine.connect() as conn:
                rows, trades = D.journal_batch(conn, self.s.seq, upto, self.batch)
                logins = D.gateway_logins(conn, self.login_id)
            for row in rows:
                raised = self.s.feed(build(row, trades))
                if row[0] > self.stored:
                    p.alerts += raised
        for ev in logins:
            p.alerts += self.s.login(LoginEvent(ev["id"], ev["ts"], ev["client"], ev["address"],
                                                bool(ev["ok"]), ev.get("user")))
            self.login_id = ev["id"]
        p.entries = len(rows)
        if rows or logins:
            due = self.saved_at == 0 or self.s.seq - self.saved_at >= self.checkpoint
            self.stored = max(self.stored, self.s.seq)
            p.cases = D.save_progress(self.engine, self.name, self.stored, self.login_id,
                                      [a.to_dict() for a in p.alerts], self.clock(),
                                      self.s.snapshot() if due else None, self.s.seq)
            if due:
                self.saved_at = self.s.seq
            for a, case_id in zip(p.alerts, p.cases):
                if a.severity == CRITICAL:
                    log_alert(self.engine, a.last_ts, SOURCE, CRITICAL, a.rule,
                              f"case {case_id}: {a.text}")
        return p

    def run(self, *, should_stop, sleep=time.sleep, idle: float = 0.2, on_progress=None,
            upto: int | None = None) -> None:
        """Poll until should_stop(); sleep `idle` seconds when the journal is quiet."""
        while not should_stop():
            p = self.poll(upto)
            if on_progress is not None:
                on_progress(p)
            if p.entries < self.batch:
                if upto is not None and self.s.seq >= upto:
                    return
                sleep(idle)
