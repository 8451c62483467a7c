"""The gateway's committer hands its SQLite checkpoints to a db.walkeeper.WalKeeper: its
own commits run none, the keeper runs them, and closing stops the keeper."""
from souq.gateway.committer import Committer


def test_the_committer_runs_no_checkpoint_itself(tmp_path):
    c = Committer(f"sqlite:///{tmp_path / 'c.db'}")
    keeper = c.walkeeper
    thread = keeper._thread
    try:
        cur = c.store._writer().cursor()
        assert cur.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        assert thread.is_alive()
    finally:
        c.close()
    assert not thread.is_alive()


def test_an_in_memory_database_has_no_keeper():
    c = Committer("sqlite://")
    try:
        assert c.walkeeper is None
    finally:
        c.close()
