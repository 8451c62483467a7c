"""Issue 10 items 7 and 8: the database is owner-only, a foreign database and an empty URL
are refused before anything is written."""
import os
import sqlite3
import stat

from souq_cli import Souq


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_database_and_its_wal_files_are_owner_only(tmp_path):
    souq = Souq(tmp_path / "x.db")
    souq.ok("init", "--demo")
    # a writer holds the WAL and shared-memory files open while it checks them
    conn = sqlite3.connect(souq.db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TEMP TABLE t(x)")
    conn.execute("BEGIN")
    conn.execute("SELECT count(*) FROM journal").fetchone()
    for suffix in ("", "-wal", "-shm"):
        assert mode(f"{souq.db}{suffix}") == 0o600, suffix
    conn.close()


def test_default_data_directory_is_created_0700(tmp_path):
    souq = Souq(tmp_path / "unused.db")
    env = souq.env()
    env.pop("SOUQ_DB")
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    import subprocess
    r = subprocess.run(souq.argv(["init"]), env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    folder = tmp_path / "xdg" / "souq"
    assert mode(folder) == 0o700
    assert mode(folder / "souq.db") == 0o600


def test_a_database_others_can_read_is_opened_with_a_one_line_warning(tmp_path):
    souq = Souq(tmp_path / "x.db")
    souq.ok("init")
    os.chmod(souq.db, 0o644)
    r = souq.run("symbol", "list", "--json")
    assert r.returncode == 0
    assert r.stderr == (f"warning: database {souq.db} is readable by other users (mode 644); "
                        f"chmod 600 {souq.db}\n")


def test_foreign_sqlite_file_is_refused_and_left_untouched(tmp_path):
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE customers(name TEXT)")
    conn.execute("INSERT INTO customers VALUES ('x')")
    conn.commit()
    conn.close()
    os.chmod(foreign, 0o600)
    before = foreign.read_bytes()
    souq = Souq(foreign, db_flag=True)
    souq.fails("init", match="is not a souq database (it holds customers)")
    souq.fails("symbol", "list", match="is not a souq database")
    assert foreign.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["foreign.db"]   # no -wal, -shm


def test_file_that_is_not_a_database_is_refused(tmp_path):
    junk = tmp_path / "notes.db"
    junk.write_text("shopping list\n")
    os.chmod(junk, 0o600)
    Souq(junk, db_flag=True).fails("init", match="is not a souq database")
    assert junk.read_text() == "shopping list\n"


def test_empty_url_is_refused_whether_flag_or_environment(tmp_path):
    souq = Souq(tmp_path / "x.db")
    r = souq.run("--db", "", "init")
    assert r.returncode != 0 and r.stderr.startswith("error: --db (SOUQ_DB) is empty"), r.stderr
    env = souq.env()
    env["SOUQ_DB"] = ""
    import subprocess
    r = subprocess.run(souq.argv(["init"]), env=env, capture_output=True, text=True)
    assert r.returncode != 0 and r.stderr.startswith("error: SOUQ_DB is empty"), r.stderr
    assert not souq.db.exists()


def test_database_in_a_missing_folder_is_refused_not_created(tmp_path):
    souq = Souq(tmp_path / "no" / "such" / "x.db")
    souq.fails("init", match="does not exist")
    assert not (tmp_path / "no").exists()
