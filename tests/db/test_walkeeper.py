"""db.walkeeper: checkpoints beside a writer whose own commits run none keep its
write-ahead log bounded, empty it when idle, stop cleanly and lose nothing committed."""
import os
import sqlite3
import subprocess
import sys
import textwrap

from souq.db.store import Store
from souq.db.walkeeper import WalKeeper, for_url

ROW = "x" * 3000          # about a page per row


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def writer(path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")     # as the gateway's committer
    conn.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)")
    return conn


def wal_bytes(path) -> int:
    try:
        return os.path.getsize(str(path) + "-wal")
    except FileNotFoundError:
        return 0


def write_for(conn, clock, keeper, seconds: float) -> int:
    """Commit 20 rows per 10 ms of `clock` (a keeper look every 10 ms) for `seconds`;
    the largest log seen."""
    biggest = 0
    for _ in range(int(seconds * 100)):
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO t (v) VALUES (?)", [(ROW,)] * 20)
        conn.execute("COMMIT")
        clock.t += 0.01
        if keeper is not None:
            keeper.step()
        biggest = max(biggest, wal_bytes(conn.execute("PRAGMA database_list").fetchone()[2]))
    return biggest


def test_the_log_stays_bounded_under_a_long_writer(tmp_path):
    limit = 1 << 20
    clock = Clock()
    db = tmp_path / "kept.db"
    conn = writer(db)
    keeper = WalKeeper(db, limit=limit, busy_every=0.1, idle=0.5, clock=clock)
    biggest = write_for(conn, clock, keeper, 3.0)     # about 24 MB written in all
    # what 0.1 s writes (~0.8 MB) before the next look, plus one batch: each PASSIVE
    # copies every frame (the writer waits between its commits, as the gateway's
    # committer between batches), and the next commit starts the log again, so no
    # RESTART ever blocks the writer (4 of them before session 30, for the same log)
    assert biggest < 1.2 * limit
    assert keeper.checkpoints == {"PASSIVE": 28, "RESTART": 0, "TRUNCATE": 0}
    assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 6000
    keeper.stop()
    # without it the same writer's log only grows
    other = writer(tmp_path / "left.db")
    assert write_for(other, Clock(), None, 3.0) > 20 * limit


def test_a_log_that_cannot_restart_is_caught_up_each_look_then_restarted_at_its_cap(tmp_path):
    """A reader holding an old snapshot pins the log: PASSIVE cannot copy past it, nor
    can the log restart. Past `limit` the keeper looks every `interval` (catching up),
    and only past `cap` runs a RESTART (which waits for that reader, here in vain);
    once the reader is gone, one look catches up and the log starts again."""
    limit = 1 << 20
    clock = Clock()
    db = tmp_path / "pinned.db"
    conn = writer(db)
    keeper = WalKeeper(db, limit=limit, busy_every=0.5, idle=5.0, interval=0.05,
                       clock=clock, wait=0.01)
    reader = sqlite3.connect(db, isolation_level=None)
    write_for(conn, clock, None, 0.01)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM t").fetchone()          # a snapshot: frames pinned
    looks = []
    for _ in range(60):                        # 20 rows (~80 KB) a look, a look each 0.1 s
        write_for(conn, clock, None, 0.01)
        clock.t += 0.09
        looks.append((keeper.step(), wal_bytes(db) > limit, wal_bytes(db) > 2 * limit))
    # under the limit: a PASSIVE each busy_every (0.5 s)
    assert [x for x, over, _ in looks if not over] == [None] * 4 + ["PASSIVE"] + [None] * 4 \
        + ["PASSIVE"]
    # past it: once a PASSIVE saw that, one each look (0.1 s), never a RESTART
    first = next(i for i, (x, over, _) in enumerate(looks) if over and x)
    under_cap = [x for x, _, past in looks[first:] if not past]
    assert len(under_cap) >= 5 and set(under_cap) == {"PASSIVE"}
    # past the cap: a RESTART each busy_every, which waits for the reader in vain
    assert [x for x, _, past in looks if past][:12] == (["PASSIVE+RESTART"] + [None] * 5) * 2
    reader.execute("COMMIT")
    clock.t += 0.5
    write_for(conn, clock, keeper, 0.6)          # free again: caught up, restarted
    _, frames, done = keeper.checkpoint("PASSIVE")
    assert done == frames and frames * 4120 < limit      # the log in use (not the file)
    reader.close()
    keeper.stop()


def test_an_idle_database_has_its_log_emptied(tmp_path):
    clock = Clock()
    db = tmp_path / "idle.db"
    conn = writer(db)
    keeper = WalKeeper(db, clock=clock)
    write_for(conn, clock, keeper, 0.3)
    assert wal_bytes(db) > 0
    clock.t += 0.6
    assert keeper.step() == "PASSIVE+TRUNCATE"
    assert wal_bytes(db) == 0
    assert keeper.step() is None          # nothing written since: nothing to do
    conn.execute("INSERT INTO t (v) VALUES ('again')")
    assert keeper.step() is None          # busy: the first PASSIVE waits busy_every
    keeper.stop()


def test_the_thread_stops_and_closes_its_connection(tmp_path):
    db = tmp_path / "stop.db"
    writer(db).execute("INSERT INTO t (v) VALUES ('a')")
    keeper = WalKeeper(db, interval=0.01).start()
    thread = keeper._thread
    keeper.stop()
    assert not thread.is_alive()
    try:
        keeper._conn.execute("SELECT 1")
    except sqlite3.ProgrammingError:
        pass
    else:
        raise AssertionError("the keeper's connection is still open")
    keeper.stop()                          # twice is harmless


def test_nothing_committed_is_lost_when_the_writer_is_killed(tmp_path):
    db = tmp_path / "killed.db"
    code = textwrap.dedent(f"""
        import os, signal, sqlite3, time
        from souq.db.walkeeper import WalKeeper
        conn = sqlite3.connect({str(db)!r}, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA wal_autocheckpoint=0")
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        keeper = WalKeeper({str(db)!r}, interval=0.001, busy_every=0.005, limit=1 << 18).start()
        for i in range(400):
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany("INSERT INTO t (v) VALUES (?)", [({ROW!r},)] * 5)
            conn.execute("COMMIT")
        print(keeper.checkpoints["PASSIVE"], flush=True)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (v) VALUES ('uncommitted')")
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == -9, run.stderr
    assert int(run.stdout) > 0                       # checkpoints ran meanwhile
    check = sqlite3.connect(db)
    assert check.execute("SELECT count(*) FROM t").fetchone()[0] == 2000
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_only_a_sqlite_file_gets_one(tmp_path):
    assert for_url("sqlite://") is None
    assert for_url("postgresql://u@localhost/souq") is None
    keeper = for_url(f"sqlite:///{tmp_path / 'f.db'}")
    try:
        assert isinstance(keeper, WalKeeper)
    finally:
        keeper.stop()


def test_a_store_hands_its_checkpoints_off(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    try:
        cur = store._writer().cursor()
        assert cur.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 10000
        store.no_autocheckpoint()
        assert cur.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    finally:
        store.close()
