"""Issue 10 item 6: the files souq writes (runner logs, reports, exports, replay outputs)
never follow a symbolic link, never overwrite another user's file, never create missing
folders and never take an empty path."""
import os
import stat

import pytest

from souq.db.outfiles import open_output, output_dir, write_output


@pytest.fixture
def victim(tmp_path):
    """A file the attacker wants truncated, and the link planted to it."""
    target = tmp_path / "victim.txt"
    target.write_text("precious\n")
    return target


@pytest.mark.slow
def test_cli_refuses_links_empty_paths_and_missing_folders(desk_souq, tmp_path, victim):
    souq = desk_souq
    assert souq.ok("backtest", "fixed-btc", "--scenario", "normal", "--duration", "2"
                   ).startswith("run 1:")
    link = tmp_path / "report.md"
    link.symlink_to(victim)
    log = souq.db.parent / "souq-mm-fixed-btc.log"     # mm start's predictable log
    log.symlink_to(victim)
    stream = tmp_path / "empty.jsonl"
    stream.write_text("")
    souq.fail_all([
        (["report", "1", "--out", str(link)], None, "is a symbolic link"),
        (["mm", "start", "fixed-btc"], None, "runner log"),
        (["replay", str(stream), "--trades-out", str(link)], None, "is a symbolic link"),
        (["runs", "export", "1", ""], None, "export folder: the path is empty"),
        (["report", "1", "--out", ""], None, "--out: the path is empty"),
        (["report", "1", "--out", str(tmp_path / "no" / "r.md")], None, "does not exist"),
        (["runs", "export", "1", str(tmp_path / "a" / "b")], None, "does not exist"),
        (["backtest", "fixed-btc", "--scenario", "normal", "--export", str(tmp_path / "x/y")],
         None, "does not exist"),
    ])
    assert victim.read_text() == "precious\n"
    assert not (tmp_path / "no").exists() and not (tmp_path / "a").exists()
    assert [r["id"] for r in souq.json("runs", "list")] == [1]    # the refused --export
    assert souq.json("mm", "status", "fixed-btc")[0]["state"] == "never run"
    out = tmp_path / "exp"
    assert souq.ok("runs", "export", "1", str(out)) == f"exported run 1 to {out}\n"
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert sorted(p.name for p in out.iterdir()) == ["equity.csv", "fills.csv", "orders.csv",
                                                     "run.json"]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in out.iterdir())


def test_own_file_is_replaced_a_link_or_a_hard_link_is_not(tmp_path, victim):
    mine = tmp_path / "mine.txt"
    mine.write_text("old text that is longer\n")
    write_output(mine, "--out", "new\n")
    assert mine.read_text() == "new\n"
    (tmp_path / "soft").symlink_to(victim)
    os.link(victim, tmp_path / "hard")
    for name, why in (("soft", "is a symbolic link"), ("hard", "has other hard links")):
        with pytest.raises(ValueError, match=why):
            open_output(tmp_path / name, "--out")
    assert victim.read_text() == "precious\n"


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to hand a file to another user")
def test_another_users_file_or_folder_is_not_touched(tmp_path):
    theirs = tmp_path / "theirs.txt"
    theirs.write_text("theirs\n")
    folder = tmp_path / "their-folder"
    folder.mkdir()
    for p in (theirs, folder):
        os.chown(p, 65534, 65534)
    with pytest.raises(ValueError, match="belongs to another user"):
        open_output(theirs, "--out")
    with pytest.raises(ValueError, match="belongs to another user"):
        output_dir(folder, "export folder")
    assert theirs.read_text() == "theirs\n"


def test_export_folder_may_not_be_a_link(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "alias").symlink_to(real)
    with pytest.raises(ValueError, match="is a symbolic link"):
        output_dir(tmp_path / "alias", "export folder")
    with pytest.raises(ValueError, match="the path is empty"):
        output_dir("", "export folder")
