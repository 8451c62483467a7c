"""`souq mm templates|list|show|create|set|stage|start|stop|status` through the real script
(with the test-only `toy` template registered, see tests/toy_template.py): exact outputs,
and every bad request is one `error:` line, a non-zero exit and an unchanged database."""
import shutil
import sqlite3
from pathlib import Path

import pytest

from toy_template import Toy, ToySouq

SHARED = len(Toy.spec()) - len(Toy.PARAMS)


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory) -> Path:
    cli = ToySouq(tmp_path_factory.mktemp("demo") / "demo.db")
    cli.ok("init", "--demo")
    return cli.db


@pytest.fixture
def cli(demo_template, tmp_path) -> ToySouq:
    """A fresh copy of the demo exchange, whose `toy` configuration ships at stage paper."""
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(demo_template) + suffix)
        if src.exists():
            shutil.copy(src, str(tmp_path / "souq.db") + suffix)
    return ToySouq(tmp_path / "souq.db")


def snapshot(cli) -> tuple:
    """Every row the desk and the exchange keep that a configuration command could touch."""
    with sqlite3.connect(cli.db) as conn:
        return tuple(conn.execute(f"select * from {t} order by 1, 2").fetchall()
                     for t in ("mm_configs", "mm_runs", "users", "journal"))


CREATE = ("mm", "create", "t1", "--template", "toy", "--symbol", "BTC-IRR", "--user", "maker1")


def test_templates_list_and_parameters(cli):
    listed = cli.json("mm", "templates")
    toy = next(t for t in listed if t["name"] == "toy")
    assert toy["summary"] == "one bid and one ask spread_bps from fair"
    assert toy["params"][:3] == [
        {"name": "spread_bps", "unit": "bps", "default": "10", "range": "1..1000",
         "help": "distance of each quote from fair"},
        {"name": "order_size", "unit": "base", "default": "0.01",
         "range": "0.0001..1000000000000000", "help": "size of each quote"},
        {"name": "levels", "unit": "", "default": "1", "range": "1..5",
         "help": "quotes per side"}]
    assert len(toy["params"]) == 3 + SHARED
    assert cli.json("mm", "templates", "toy") == [toy]
    text = cli.ok("mm", "templates")
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in text.splitlines()
            if line.startswith("│")]
    assert ["toy", "one bid and one ask spread_bps from fair"] in rows
    one = cli.ok("mm", "templates", "toy").splitlines()
    assert one[0].rstrip() == "toy: one bid and one ask spread_bps from fair"
    assert [line.split("│")[1].strip() for line in one[4:4 + 3]] == [
        "spread_bps", "order_size", "levels"]
    assert "toy: one bid" in cli.ok("mm", "templates", "--params")
    cli.fails("mm", "templates", "nope", match="unknown strategy template 'nope'; known: ")


def test_create_show_set_versions_stage(cli):
    assert cli.ok(*CREATE, "spread_bps=12", "order_size=0.002") == (
        "created t1 version 1: toy on BTC-IRR as maker1, stage draft\n")
    shown = cli.json("mm", "show", "t1")
    created = shown.pop("created")
    rows = shown.pop("parameters")
    assert shown == {"name": "t1", "version": 1, "template": "toy", "symbol": "BTC-IRR",
                     "user": "maker1", "stage": "draft", "note": ""}
    assert rows[:3] == [
        {"name": "spread_bps", "value": "12", "unit": "bps", "default": "10",
         "range": "1..1000", "help": "distance of each quote from fair"},
        {"name": "order_size", "value": "0.002", "unit": "base", "default": "0.01",
         "range": "0.0001..1000000000000000", "help": "size of each quote"},
        {"name": "levels", "value": "1", "unit": "", "default": "1", "range": "1..5",
         "help": "quotes per side"}]
    assert [r["name"] for r in rows] == [p.name for p in Toy.spec()]
    table = cli.ok("mm", "show", "t1").splitlines()
    assert table[0].rstrip() == "t1 version 1: toy on BTC-IRR as maker1, stage draft"
    assert [c.strip() for c in table[2].split("┃")[1:6]] == [
        "name", "value", "unit", "default", "range"]
    assert [c.strip() for c in table[4].split("│")[1:6]] == [
        "spread_bps", "12", "bps", "10", "1..1,000"]    # grouped; --json keeps "1..1000"
    assert table[5].split("│")[5].strip() == "0.0001..1,000,000,000,000,000"

    assert cli.ok("mm", "set", "t1", "levels=3", "target_inventory=-0.5") == (
        "t1 version 2: levels 1 -> 3, target_inventory 0 -> -0.5\n")
    assert cli.ok("mm", "set", "t1", "levels=3") == "t1 unchanged at version 2\n"
    assert cli.ok("mm", "stage", "t1", "backtested") == "t1 version 2: draft -> backtested\n"
    assert cli.ok("mm", "set", "t1", "spread_bps=20") == (
        "t1 version 3: spread_bps 12 -> 20\n")
    history = cli.json("mm", "show", "t1", "--versions")
    assert [(h["version"], h["stage"], h["changed"]) for h in history] == [
        (1, "draft", {}), (2, "backtested", {"levels": "3", "target_inventory": "-0.5"}),
        (3, "backtested", {"spread_bps": "20"})]
    assert created == history[0]["created"]
    assert cli.json("mm", "show", "t1", "--version", "2")["parameters"][2]["value"] == "3"
    assert cli.ok("mm", "stage", "t1", "paper") == "t1 version 3: backtested -> paper\n"
    assert cli.ok("mm", "stage", "t1", "retired") == "t1 version 3: paper -> retired\n"

    listed = {c["name"]: c for c in cli.json("mm", "list")}
    assert listed["t1"] == {"name": "t1", "version": 3, "template": "toy",
                            "symbol": "BTC-IRR", "user": "maker1", "stage": "retired",
                            "state": "never run"}
    assert listed["toy"] == {"name": "toy", "version": 1, "template": "toy",
                             "symbol": "BTC-IRR", "user": "mm-toy", "stage": "paper",
                             "state": "never run"}
    rows = [[c.strip() for c in line.split("│")[1:-1]]
            for line in cli.ok("mm", "list").splitlines() if line.startswith("│")]
    assert ["t1", "3", "toy", "BTC-IRR", "maker1", "retired", "never run"] in rows
    status = {s["name"]: s for s in cli.json("mm", "status")}
    assert status["t1"] == {"name": "t1", "version": 3, "template": "toy",
                            "symbol": "BTC-IRR", "user": "maker1", "stage": "retired",
                            "state": "never run", "run": None}
    assert cli.json("mm", "status", "t1") == [status["t1"]]


def test_every_bad_request_is_one_line_and_changes_nothing(cli):
    cli.ok(*CREATE)
    before = snapshot(cli)
    make = ("mm", "create", "t2")
    cli.fail_all([
        ((*make, "--template", "nope", "--symbol", "BTC-IRR", "--user", "maker1"), None,
         "error: unknown strategy template 'nope'; known: "),
        ((*make, "--template", "toy", "--symbol", "XRP-IRR", "--user", "maker1"), None,
         "error: unknown symbol 'XRP-IRR'"),
        (("mm", "create", "t2", "--template", "toy", "--symbol", "BTC-IRR", "--user",
          "alice"), None, "error: user 'alice' is a trader, not a market_maker"),
        (("mm", "create", "t2", "--template", "toy", "--symbol", "BTC-IRR", "--user",
          "ghost"), None, "error: unknown user 'ghost'"),
        (CREATE, None, "error: configuration 't1' already exists"),
        ((*CREATE[:2], "t2", *CREATE[3:], "colour=red"), None,
         "error: unknown parameter 'colour'; known: "),
        ((*CREATE[:2], "t2", *CREATE[3:], "levels=9"), None,
         "error: levels: 9 is above the maximum 5"),
        ((*CREATE[:2], "t2", *CREATE[3:], "levels"), None, "error: 'levels' is not key=value"),
        (("mm", "create", "t2", "--template", "toy"), None, "error: Missing option '--symbol'"),
        (("mm", "set", "t1", "levels=2", "spread_bps=0"), None,
         "error: spread_bps: 0 is below the minimum 1"),
        (("mm", "set", "t1", "levels=2", "bogus=1"), None, "error: unknown parameter 'bogus'"),
        (("mm", "set", "t1", "max_inventory=lots"), None,
         "error: max_inventory: 'lots' is not a plain decimal number"),
        (("mm", "set", "t1", "=3"), None, "error: '=3' is not key=value"),
        (("mm", "set", "t1", "levels=2", "levels=3"), None,
         "error: levels is given twice (levels=2, levels=3); give each parameter once"),
        ((*CREATE[:2], "t2", *CREATE[3:], "levels=2", "levels=3"), None,
         "error: levels is given twice"),
        (("mm", "set", "t1"), None, "error: nothing to set; give key=value pairs"),
        (("mm", "set", "zz", "levels=2"), None, "error: no configuration 'zz'"),
        (("mm", "show", "zz"), None, "error: no configuration 'zz'"),
        (("mm", "show", "t1", "--version", "9"), None,
         "error: configuration 't1' has no version 9"),
        (("mm", "stage", "t1", "live"), None,
         "error: t1 cannot go from draft to live; from draft: backtested, retired"),
        (("mm", "stage", "t1", "done"), None, "error: unknown stage 'done'"),
        (("mm", "stage", "t1", "draft"), None, "error: t1 version 1 is already draft"),
        (("mm", "stage", "zz", "paper"), None, "error: no configuration 'zz'"),
        (("mm", "start", "t1"), None, "error: t1 is at stage draft: only paper and live "
                                      "configurations run against the exchange"),
        (("mm", "start", "t1", "--sim"), None, "error: t1 is at stage draft: only paper and "
                                               "live configurations run against the exchange"),
        (("mm", "run", "t1", "--duration", "1"), None,
         "error: t1 is at stage draft: only paper and live configurations run against the "
         "exchange (backtests run at any stage); move it on with souq mm stage t1 backtested"),
        (("mm", "start", "zz"), None, "error: no configuration 'zz'"),
        (("mm", "stop", "t1"), None, "error: t1 is not running"),
        (("mm", "stop", "zz"), None, "error: no configuration 'zz'"),
        (("mm", "status", "zz"), None, "error: no configuration 'zz'"),
        (("mm", "set", "toy", "levels=2"), "maker1", "error: configuration 'toy' belongs "
                                                     "to mm-toy, not maker1; only its owner or "
                                                     "an admin may use it"),
        (("mm", "start", "fixed-btc"), "alice", "error: configuration 'fixed-btc' belongs to "
                                                "mm-fixed, not alice; only its owner or an "
                                                "admin may use it"),
        # numbers as everywhere (no exponent), and fitting the symbol the strategy trades
        (("mm", "set", "fixed-btc", "bid_spread_bps=1e3"), None,
         "error: bid_spread_bps: '1e3' uses exponent notation; write it as a plain decimal"),
        (("mm", "set", "fixed-btc", "order_refresh_time=1E1"), None,
         "error: order_refresh_time: '1E1' uses exponent notation"),
        (("mm", "set", "fixed-btc", "order_amount=0.00001"), None,
         "error: order_amount: 0.00001 is below BTC-IRR's minimum quantity 0.0001"),
        (("mm", "set", "fixed-btc", "order_amount=0.00015"), None,
         "error: order_amount: 0.00015 is not a multiple of BTC-IRR's step 0.0001"),
        (("mm", "set", "fixed-btc", "max_inventory=1.00001"), None,
         "error: max_inventory: 1.00001 is not a multiple of BTC-IRR's step 0.0001"),
        (("mm", "set", "fixed-btc", "price_ceiling=100000000.5"), None,
         "error: price_ceiling: 100000000.5 is not a multiple of BTC-IRR's tick"),
        ((*CREATE[:2], "t2", *CREATE[3:], "order_size=0.00015"), None,
         "error: order_size: 0.00015 is not a multiple of BTC-IRR's step 0.0001"),
        (("mm", "create", "t3", "--template", "toy", "--symbol", "BTC-IRR", "--user",
          "maker2"), "maker1", "error: maker1 may only configure strategies that trade as "
                               "maker1"),
    ])
    assert snapshot(cli) == before


def test_a_market_maker_lists_only_its_own(cli):
    cli.ok(*CREATE)
    assert [c["name"] for c in cli.json("mm", "list", as_user="maker1")] == ["t1"]
    assert cli.ok("mm", "set", "t1", "levels=2", as_user="maker1") == (
        "t1 version 2: levels 1 -> 2\n")


def test_start_status_stop_with_the_real_runner(cli):
    """The real runner (`souq mm run`): a real template's demo configuration runs against
    the simulator in the background, then stops. A broken runner fails here."""
    plain = ToySouq.__mro__[1](cli.db)                     # the installed script, no toy
    name = next(c["name"] for c in plain.json("mm", "list") if c["template"] != "toy")
    out = plain.ok("mm", "start", name, "--sim")
    # a demo configuration is at stage paper: never called "live"
    assert out.startswith(f"started {name}: run 1 (version 1, paper run beside the "
                          "simulator, process ")
    row = next(ln for ln in plain.ok("mm", "status", name).splitlines() if name in ln)
    assert "paper, sim" in row and "live" not in row
    plain.fails("mm", "start", name, "--sim",
                match=f"{name} is already running as run 1")
    [entry] = plain.json("mm", "status", name)
    assert (entry["state"], entry["run"]["id"]) == ("running", 1)
    assert plain.ok("mm", "stop", name).startswith(f"stopped {name}: run 1 stopped")
    plain.fails("mm", "stop", name, match=f"{name} is not running")


def test_desk_wide_limits(cli):
    assert cli.ok("mm", "limits") == "no desk-wide limits\n"
    assert cli.ok("mm", "limits", "BTC", "max_inventory=0.5") == (
        "desk limit BTC: max_inventory 0.5\n")
    assert cli.json("mm", "limits") == [
        {"asset": "BTC", "max_inventory": "0.5", "net_inventory": "0"}]
    with sqlite3.connect(cli.db) as conn:
        before = conn.execute("select * from desk_limits").fetchall()
    cli.fails("mm", "limits", "DOGE", "max_inventory=1",
              match="no symbol trades 'DOGE' as its base asset; known: BTC, ETH, USDT")
    cli.fails("mm", "limits", "BTC", "max_inventory=-1",
              match="max_inventory must not be negative, got '-1'")
    cli.fails("mm", "limits", "BTC", "size=1",
              match="give the limit as max_inventory=QTY (or max_inventory=none)")
    cli.fails("mm", "limits", "BTC", "max_inventory=1", as_user="maker1",
              match="only an admin may set desk limits; maker1 is not one")
    with sqlite3.connect(cli.db) as conn:
        assert conn.execute("select * from desk_limits").fetchall() == before
    assert cli.ok("mm", "limits", "BTC", "max_inventory=none") == (
        "desk limit BTC: max_inventory none\n")
    assert cli.ok("mm", "limits") == "no desk-wide limits\n"
