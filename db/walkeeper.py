"""Checkpoints off the commit path: a thread with its own connection folds a SQLite
database's write-ahead log back into the database file, so a busy writer's commits never
run one.

Left to SQLite (`wal_autocheckpoint`, db/connection.py), the commit that takes the log
past 10,000 pages runs the checkpoint itself before it returns: it syncs the ~40 MB of log
written since the last one, copies the pages into the database file and syncs that. On
this machine that commit took 110 ms (strace of `souq bench --api`, 2026-12-03: fdatasync
of the log 75 ms, of the database 25 ms), and every order waiting on it waited as long.
A writer that hands its checkpoints to a WalKeeper turns them off on its own connection
(db.store.Store.no_autocheckpoint) and the keeper, every `interval` seconds:
- while others commit: a PASSIVE checkpoint at most every `busy_every` s (it copies what
  it can and never waits for, nor blocks, the writer or readers); and once the log in use
  holds more than `limit` bytes, a RESTART one, so the next commit starts the log again
  from its beginning (under unbroken load a PASSIVE one never catches up with the writer
  at a moment the log could restart). That one does block the writer, for as long as the
  few frames after the last PASSIVE one and its syncs take (31 ms once under `souq bench
  --api` at load 4.6), and waits at most `wait` s for readers; so `limit` is as large as
  the log's cap (`journal_size_limit`, 64 MB): one such stall per ~13,000 orders there;
- once nobody committed for `idle` s: PASSIVE then TRUNCATE, which empties the log file.
So the log stays under about `limit` plus what is written in `busy_every` s, and an idle
database has an empty one (issue 15). Committed transactions are in the log before the
keeper sees them; a checkpoint only copies them, so stopping it (or kill -9) loses nothing.

SQLite files only: nothing else has such a log (see `for_url`).
Rules: https://www.sqlite.org/wal.html (checkpoint starvation, journal reset) and
https://www.sqlite.org/pragma.html#pragma_wal_checkpoint (the modes).
"""
import sqlite3
import threading
import time
from pathlib import Path


class WalKeeper:
    """Checkpoints the log of the SQLite file `path` from a thread of its own (`start`,
    `stop`); `step` is one look, for tests. Sizes in bytes, times in seconds."""

    def __init__(self, path: Path | str, *, interval: float = 0.1, busy_every: float = 1.0,
                 idle: float = 0.5, limit: int = 64 << 20, wait: float = 0.05,
                 clock=time.monotonic) -> None:
        self.path = str(path)
        self.interval, self.busy_every, self.idle = interval, busy_every, idle
        self.limit, self.clock = limit, clock
        # isolation_level None: no transaction of our own is ever left open, so the log
        # can restart; the short busy timeout bounds how long RESTART/TRUNCATE wait
        self._conn = sqlite3.connect(self.path, timeout=wait, isolation_level=None,
                                     check_same_thread=False)
        self._page = self._conn.execute("PRAGMA page_size").fetchone()[0]
        self._version = self._data_version()
        self._last_write = self._last_passive = clock()
        self._dirty = True           # the log may hold frames from before we started
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.checkpoints = {"PASSIVE": 0, "RESTART": 0, "TRUNCATE": 0}

    def start(self) -> "WalKeeper":
        self._thread = threading.Thread(target=self._run, name="souq-walkeeper", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread (after the look under way) and close the connection."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._conn.close()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.step()
            except sqlite3.Error:      # e.g. the file went away under a test: try again
                pass

    def _data_version(self) -> int:
        # changes whenever another connection commits (https://www.sqlite.org/pragma.html)
        return self._conn.execute("PRAGMA data_version").fetchone()[0]

    def checkpoint(self, mode: str) -> tuple[int, int, int]:
        """PRAGMA wal_checkpoint(mode): (1 when it could not finish for a lock, frames in
        the log, frames checkpointed)."""
        assert mode in self.checkpoints
        row = self._conn.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
        self.checkpoints[mode] += 1
        return row

    def step(self) -> str | None:
        """One look: the checkpoint mode(s) run, joined by '+', or None."""
        now = self.clock()
        version = self._data_version()
        if version != self._version:
            self._version, self._last_write, self._dirty = version, now, True
        if not self._dirty:
            return None
        if now - self._last_write >= self.idle:
            self.checkpoint("PASSIVE")
            busy, _, _ = self.checkpoint("TRUNCATE")
            self._last_passive = now
            self._dirty = bool(busy)
            self._version = self._data_version()     # our own checkpoint is no write
            return "PASSIVE+TRUNCATE"
        if now - self._last_passive < self.busy_every:
            return None
        self._last_passive = now
        _, frames, _ = self.checkpoint("PASSIVE")
        if frames * (self._page + 24) <= self.limit:
            return "PASSIVE"
        self.checkpoint("RESTART")
        return "PASSIVE+RESTART"


def for_url(url: str, **kw) -> WalKeeper | None:
    """A started WalKeeper for a SQLite file URL; None for any other database (PostgreSQL
    has no such log) or an in-memory one."""
    from .dbfile import sqlite_path
    from .urls import normalise_url
    path = sqlite_path(normalise_url(url)) if url.startswith("sqlite") else None
    return None if path is None else WalKeeper(path, **kw).start()
