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
- while others commit: a PASSIVE checkpoint at most every `busy_every` s. It copies what
  it can and never waits for, nor blocks, the writer or readers; when it copied every
  frame, the writer's next transaction starts the log again from its beginning (SQLite
  does that itself when no reader still reads the log). Past `limit` bytes with frames
  left over, it looks every `interval` s instead, so each PASSIVE has only the frames
  of one interval to copy and one of them can finish between two commits;
- only past `cap` bytes (2 x `limit`): a RESTART, which waits for the writer and blocks
  it while it copies the frames since the last PASSIVE and syncs (31 ms once under `souq
  bench --api` at load 4.6), and waits at most `wait` s for readers. Under unbroken load
  PASSIVE alone may never catch the writer at a moment the log could restart (SQLite's
  "checkpoint starvation"), so this bounds the log. Until session 30 a RESTART ran
  whenever a PASSIVE found more than `limit` bytes in the log, even when it had copied
  them all and the next commit would restart the log anyway: 4 RESTARTs in 28 looks in
  tests/db/test_walkeeper.py's writer, none now;
- once nobody committed for `idle` s: PASSIVE then TRUNCATE, which empties the log file.
So the log stays under about `cap` plus what is written in `busy_every` s, and an idle
database has an empty one (issue 15). Committed transactions are in the log before the
keeper sees them; a checkpoint only copies them, so stopping it (or kill -9) loses nothing.
`checkpoint_file` is the same checkpoint for one call (db.demo: the workstation's demo
database when it closes or is reset).

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
                 idle: float = 0.5, limit: int = 64 << 20, cap: int | None = None,
                 wait: float = 0.05, clock=time.monotonic) -> None:
        self.path = str(path)
        self.interval, self.busy_every, self.idle = interval, busy_every, idle
        self.limit, self.clock = limit, clock
        self.cap = 2 * limit if cap is None else cap
        self._behind = False         # past `limit` with frames left: look every interval
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
        row = wal_checkpoint(self._conn, mode)
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
            self._dirty, self._behind = bool(busy), False
            self._version = self._data_version()     # our own checkpoint is no write
            return "PASSIVE+TRUNCATE"
        if now - self._last_passive < (self.interval if self._behind else self.busy_every):
            return None
        self._last_passive = now
        _, frames, done = self.checkpoint("PASSIVE")
        size = frames * (self._page + 24)
        if size <= self.cap:
            self._behind = size > self.limit and done < frames
            return "PASSIVE"
        self.checkpoint("RESTART")
        self._behind = False
        return "PASSIVE+RESTART"


MODES = ("PASSIVE", "RESTART", "TRUNCATE")


def wal_checkpoint(conn: sqlite3.Connection, mode: str) -> tuple[int, int, int]:
    """PRAGMA wal_checkpoint(mode) on a sqlite3 connection: (1 when it could not finish
    for a lock, frames in the log, frames checkpointed). The one checkpoint statement of
    souq (the keeper's looks, `checkpoint_file`)."""
    if mode not in MODES:
        raise ValueError(f"checkpoint mode {mode!r} is not one of {', '.join(MODES)}")
    return conn.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()


def checkpoint_file(path: Path | str, mode: str = "TRUNCATE",
                    wait: float = 30.0) -> tuple[int, int, int]:
    """One checkpoint of the SQLite file `path` on a connection of its own, waiting at most
    `wait` s for a lock (TRUNCATE and RESTART wait for readers): wal_checkpoint's
    answer."""
    conn = sqlite3.connect(str(path), timeout=wait, isolation_level=None)
    try:
        return wal_checkpoint(conn, mode)
    finally:
        conn.close()


def for_url(url: str, **kw) -> WalKeeper | None:
    """A started WalKeeper for a SQLite file URL; None for any other database (PostgreSQL
    has no such log) or an in-memory one."""
    from .dbfile import sqlite_path
    from .urls import normalise_url
    path = sqlite_path(normalise_url(url)) if url.startswith("sqlite") else None
    return None if path is None else WalKeeper(path, **kw).start()
