"""The one object that owns the exchange on the UI side.

Blocking work (following the journal, submitting commands, building views) runs in
thread workers and only *posts messages* back; widgets never call the exchange.
"""
import threading
import time
from dataclasses import dataclass

from textual.message import Message

from souq.db import queries as Q
from souq.db.api import Api, Result
from souq.mm.alerts import Alert, entry_alerts, journal_alerts

from .snapshot import ScreenView, Tape, build_view


class ViewReady(Message):
    """A fresh ScreenView, built at one journal point."""

    def __init__(self, view: ScreenView, alerts: list[Alert], serial: int = 0) -> None:
        super().__init__()
        self.view = view
        self.alerts = alerts
        self.serial = serial      # views are numbered as built: an older one never wins


class CommandDone(Message):
    """The exchange answered a command (accepted or rejected)."""

    def __init__(self, command: dict, result: Result | None, error: str | None,
                 ready: ViewReady | None = None) -> None:
        super().__init__()
        self.command = command
        self.result = result
        self.error = error        # a command that never reached the exchange (bad shape)
        self.ready = ready        # the view right after the command, built on the same thread

    @property
    def reason(self) -> str | None:
        return self.error or (self.result.reason if self.result else None)


@dataclass
class Focus:
    """What the views are about; changed by the app, read by the workers."""
    symbol: str
    user: str
    depth: int = 20
    group: int = 1
    all_orders: bool = False      # the Orders pane lists every symbol's orders


class ExchangeFacade:
    def __init__(self, url: str | None, focus: Focus, clock=time.time_ns) -> None:
        self.api = Api(url, focus.user, clock=clock)
        self.focus = focus
        self._lock = threading.Lock()   # the store's engine is not shared between threads
        self._commands = 0                 # commands waiting for the lock or under way
        self._count = threading.Lock()     # guards _commands
        self._alert_seq = None
        self._told: list = []              # entries applied since the last view (open)
        self._told_seq: int | None = None  # all entries up to this seq are in _told or older
        self._serial = 0
        self._built: tuple | None = None   # (journal seq, focus) of the last view built
        self._tape = Tape()

    # ----------------------------------------------------------- called from workers
    def open(self) -> None:
        with self._lock:
            ex = self.api.exchange()     # loads the exchange from the database
            # what the store applies is handed over, not read back for each view
            self.api.add_trade_listener(self._tape.take)
            self.api.add_entry_listener(self._take_entries)
            self._told_seq = ex.seq

    def _take_entries(self, entries: list) -> None:
        """Journal entries the store applied (db.store.Entry, oldest first), kept for the
        next view's alerts; a gap (the store reloaded after a failed write, and some
        were never handed over) sends that view back to reading the journal."""
        if self._told_seq is not None and entries[0].seq == self._told_seq + 1:
            self._told += entries
            self._told_seq = entries[-1].seq
        else:
            self._told, self._told_seq = [], None

    def follow(self, force: bool = True, view: bool = True) -> ViewReady | None:
        """Apply what others committed, then build the view for the current focus.

        Unless forced, None when neither the journal nor the focus moved since the last
        view: an idle poll costs one indexed query, not a view; None, without a look at
        the journal, when a command is under way or waits for the lock: the command
        catches up on the journal itself and its answer carries a view built after it
        (`submit`), so it waits for no poll's replay it did not need, nor for a view
        nobody would see (issue 15); and None after the replay when `view` is False (the
        main screen is covered: nobody would see it either)."""
        if not force and self._commands:
            return None
        with self._lock:
            self.api.refresh()
            if not force and (self._commands or not view or self._built == self._point()):
                return None
            return self._view()

    def _point(self) -> tuple:
        f = self.focus
        return (self.api.exchange().seq, f.symbol, f.user, f.depth, f.group, f.all_orders)

    def _view(self) -> ViewReady:
        """Build the view at the store's journal point; the caller holds the lock."""
        point = self._point()
        with self.api.db.connect() as conn:
            view = build_view(self.api.exchange(), conn, self.focus.symbol, self.focus.user,
                              self.focus.depth, self.focus.group, self._tape,
                              self.focus.all_orders)
            alerts = self._new_alerts(conn, view)
        self._built = point
        self._serial += 1
        return ViewReady(view, alerts, self._serial)

    def _new_alerts(self, conn, view: ScreenView) -> list[Alert]:
        """Alerts of the entries after the last view's. While the store hands every entry
        over (`_told` then holds all those after `_alert_seq`, up to `_told_seq`), from
        those; else read from the journal (at most 500 entries a view)."""
        told, self._told = self._told, []
        if self._alert_seq is None:          # alerts start from when the session opened
            self._alert_seq = view.seq
            return []
        own = {o["id"] for o in view.orders}
        if self._told_seq == view.seq:
            entries = [e for e in told if e.seq > self._alert_seq]
            self._alert_seq = max(self._alert_seq, view.seq)   # a journal read may be ahead
            return entry_alerts(entries, view.user, own)
        rows = Q.journal_since(conn, self._alert_seq)
        if rows:
            self._alert_seq = rows[-1]["seq"]
        # caught up: what the store hands over from here on is enough again
        self._told_seq = view.seq if self._alert_seq >= view.seq else None
        return journal_alerts(rows, view.user, own)

    def submit(self, command: dict) -> CommandDone:
        """Run one command as the acting user; never raises for a refused command.

        The answer carries the view right after the command, so what was done shows in
        the same redraw that closes the ticket, without waiting for the next poll."""
        with self._count:
            self._commands += 1
        try:
            with self._lock:
                self.api.actor = self.focus.user
                try:                         # refused at the edge like the CLI's (db.api.admit)
                    result = self.api.submit(command)
                except ValueError as exc:    # a wrong shape, number, id: name the problem
                    return CommandDone(command, None, str(exc))
                ready = self._view()
        finally:
            with self._count:
                self._commands -= 1
        return CommandDone(command, result, None, ready)

    def close(self) -> None:
        with self._lock:
            self.api.close()
