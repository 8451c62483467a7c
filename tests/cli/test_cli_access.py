"""Issue 10 item 5: every command goes through one permission table (db/access.py); an
unknown user is refused everywhere; stored runs and their reports belong to the
configuration's market-maker user (and the operator)."""
import pytest

from souq.cli.main import command
from souq.db.access import RULES

# Arguments that get each command past its usage checks, so the permission check decides.
SAMPLE = {
    "asset precision": ["IRR", "0"],
    "asset list": [],
    "order amend": ["x", "--qty", "1"],
    "key create": ["alice"],
    "key list": [],
    "key revoke": ["k"],
    "audit": [],
    "serve": [],
    "surveil scan": [],
    "surveil rules": [],
    "surveil set": ["wash", "window=60"],
    "surveil link": ["alice", "bob"],
    "surveil eval": [],
    "cases list": [],
    "cases show": ["1"],
    "cases review": ["1", "--note", "n"],
    "cases dismiss": ["1", "--note", "n"],
    "cases confirm": ["1", "--note", "n"],
    "cases release": ["1", "--note", "n"],

    "init": [], "demo": [], "deposit": ["alice", "IRR", "1"], "withdraw": ["alice", "IRR", "1"],
    "orders": [], "trades": [], "book": ["BTC-IRR"], "wallets": [], "ledger": [],
    "replay": ["-"], "check": [], "bench": [], "sim": ["--fast", "--duration", "1"],
    "analyze": ["BTC-IRR"], "stress": ["fixed-btc"],
    "backtest": ["fixed-btc", "--scenario", "normal"], "optimize": ["fixed-btc"],
    "report": ["1"], "symbol add": ["Z-IRR", "--base", "Z", "--quote", "IRR", "--tick", "1",
                                    "--step", "1"],
    "symbol list": [], "symbol show": ["BTC-IRR"], "symbol deactivate": ["BTC-IRR"],
    "symbol activate": ["BTC-IRR"], "session open": ["BTC-IRR"], "session close": ["BTC-IRR"],
    "user add": ["zed"], "user list": [], "user suspend": ["alice"],
    "user reinstate": ["alice"], "order place": ["BTC-IRR", "buy", "1", "--price", "1"],
    "order cancel": ["x"], "order cancel-all": [], "mm templates": [], "mm list": [],
    "mm show": ["fixed-btc"], "mm create": ["n", "--template", "fixed_spread", "--symbol",
                                            "BTC-IRR", "--user", "mm-fixed"],
    "mm set": ["fixed-btc", "max_inventory=2"], "mm stage": ["fixed-btc", "draft"],
    "mm start": ["fixed-btc"], "mm stop": ["fixed-btc"], "mm status": [], "mm limits": [],
    "mm run": ["fixed-btc"], "mm as-experiment": [],
    "data import": ["x.csv", "--name", "n", "--kind", "trades", "--symbol", "BTC-IRR"],
    "data list": [], "data show": ["n"], "data delete": ["n"], "runs list": [],
    "runs show": ["1"], "runs compare": ["1", "1"], "runs delete": ["1"],
    "runs export": ["1", "out"],
}


def leaves(group, prefix=""):
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):
            yield from leaves(cmd, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}"


def test_every_command_has_a_rule_in_the_one_table():
    paths = set(leaves(command(load_all=True)))
    assert paths - set(RULES) == set()
    assert set(RULES) - paths == {"workstation"}
    assert set(SAMPLE) == paths


def test_unknown_user_is_refused_by_every_command(desk_souq, monkeypatch, capsys):
    """In process (one subprocess per command costs minutes on a busy machine): the same
    guarded click tree the console script runs, every command with arguments that parse."""
    monkeypatch.setenv("SOUQ_DB", str(desk_souq.db))
    tree = command(load_all=True)
    wrong = []
    for path, args in [*SAMPLE.items(), ("", [])]:
        code = tree.main(["--as", "nobody", *path.split(), *args], standalone_mode=False)
        err = capsys.readouterr().err
        if code != 1 or err != "error: unknown user 'nobody'\n":
            wrong.append(f"{path}: exit {code}, {err!r}")
    assert not wrong, "\n".join(wrong)


@pytest.fixture
def stored_run(desk_souq, tmp_path):
    """The demo desk with one stored backtest run (run 1, of fixed-btc: mm-fixed's)."""
    out = desk_souq.ok("backtest", "fixed-btc", "--scenario", "normal", "--duration", "2")
    assert out.startswith("run 1:")
    return desk_souq


@pytest.mark.slow
def test_runs_and_reports_belong_to_the_operator_and_the_runs_owner(stored_run, tmp_path):
    souq = stored_run
    # the reproducer: an unknown user deleted run 1
    souq.fails("runs", "delete", "1", as_user="nobody", match="unknown user 'nobody'")
    other = "mm-as may not"
    souq.fail_all([
        (["runs", "show", "1"], "mm-as", other),
        (["runs", "delete", "1"], "mm-as", other),
        (["runs", "compare", "1", "1"], "mm-as", other),
        (["runs", "export", "1", str(tmp_path / "x")], "mm-as", other),
        (["report", "1"], "mm-as", other),
        (["report", "1"], "alice", "alice may not"),
        (["runs", "list"], "nobody", "unknown user"),
    ])
    assert not (tmp_path / "x").exists()
    as_other, as_owner, as_operator = souq.jsons(("runs", "list"), as_user="mm-as"), \
        souq.jsons(("runs", "list"), as_user="mm-fixed"), souq.jsons(("runs", "list"))
    assert as_other == [[]]
    assert [r["id"] for r in as_owner[0]] == [r["id"] for r in as_operator[0]] == [1]
    assert souq.json("runs", "show", "1", as_user="mm-fixed")["config"] == "fixed-btc"
    assert souq.ok("report", "1", as_user="mm-fixed").startswith("# ")
    assert souq.ok("runs", "delete", "1", as_user="mm-fixed") == "deleted run 1\n"
    souq.fails("runs", "show", "1", match="no stored run 1")
