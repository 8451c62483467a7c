"""`souq surveil` and `souq cases` through real subprocesses: the review desk end to end,
its audit trail in the journal, and every kind of bad input refused with one line and
nothing changed."""
import json
import sqlite3

import pytest

from souq.db.api import Api


def _wash(db, extra_open_order=True):
    """alice and bob (linked by the CLI first) trade 4 times with each other; alice also
    keeps a resting bid that a --cancel must take off the book."""
    api = Api(str(db))
    for i in range(4):
        for obj in ({"op": "limit", "id": f"s{i}", "user": "alice", "symbol": "BTC-IRR",
                     "side": "sell", "price": "100000000", "qty": "0.1"},
                    {"op": "limit", "id": f"b{i}", "user": "bob", "symbol": "BTC-IRR",
                     "side": "buy", "price": "100000000", "qty": "0.1", "tif": "ioc"}):
            assert api.execute(obj).reason is None
    if extra_open_order:
        assert api.execute({"op": "limit", "id": "rest", "user": "alice", "symbol": "BTC-IRR",
                            "side": "buy", "price": "99000000", "qty": "0.1"}).reason is None
    api.close()


def _journal(db) -> list[tuple]:
    with sqlite3.connect(db) as c:
        return c.execute("select seq, actor, op, body, status from journal order by seq").fetchall()


@pytest.fixture
def washed(market):
    market.ok("surveil", "link", "alice", "bob", "--note", "same family office")
    _wash(market.db)
    out = market.ok("surveil", "--once")
    assert "case 1: wash_trading [critical] alice,bob BTC-IRR" in out
    return market


def test_case_life_cycle_is_journalled(washed):
    m = washed
    [case] = m.json("cases", "list")
    assert (case["id"], case["status"], case["rule"], case["users"], case["alerts"]) == (
        1, "open", "wash_trading", ["alice", "bob"], 1)
    shown = m.json("cases", "show", "1")
    assert [t["taker_user"] for t in shown["trades"]] == ["bob"] * 4
    assert len(shown["orders"]) == 8 and shown["alert_list"][0]["scores"]["trades"] == 4
    assert m.ok("cases", "review", "1", "--note", "looking").strip() == "case 1 under review"
    out = m.ok("cases", "confirm", "1", "--note", "washing volume", "--cancel")
    assert out.strip() == "case 1 confirmed; suspended alice, bob"
    users = {u["name"]: u["status"] for u in m.json("user", "list")}
    assert users["alice"] == users["bob"] == "suspended"
    assert m.json("orders", "--status", "open") == []
    assert m.ok("cases", "release", "1", "--note", "fined and warned").strip() == "case 1 released"
    users = {u["name"]: u["status"] for u in m.json("user", "list")}
    assert users["alice"] == users["bob"] == "active"
    history = m.json("cases", "show", "1")["history"]
    assert [(h["actor"], h["action"], h["note"]) for h in history[1:]] == [
        ("@operator", "review", "looking"), ("@operator", "confirm", "washing volume"),
        ("@operator", "release", "fined and warned")]
    audits = [(actor, json.loads(body)) for _, actor, op, body, _ in _journal(m.db) if op == "audit"]
    assert [(a, b["action"], b.get("note")) for a, b in audits] == [
        ("@operator", "surveil_link", "same family office"),
        ("@operator", "case_review", "looking"), ("@operator", "case_confirm", "washing volume"),
        ("@operator", "case_release", "fined and warned")]
    assert m.json("cases", "list", "--status", "released")[0]["id"] == 1
    assert m.json("cases", "list", "--user", "carol") == []
    assert "ok:" in m.ok("check")


def test_bad_input_changes_nothing(washed):
    m = washed
    m.ok("cases", "dismiss", "1", "--note", "family hedging, documented")
    before = (_journal(m.db), m.ok("cases", "list", "--json"), m.ok("surveil", "rules", "--json"))
    m.fail_all([
        (("surveil", "set", "nope", "x=1"), None, "unknown rule 'nope'"),
        (("surveil", "set", "spoofing", "foo=1"), None, "rule spoofing has no parameter 'foo'"),
        (("surveil", "set", "spoofing", "size_x=0.5"), None, "spoofing.size_x: 0.5 is outside 1..1,000,000"),
        (("surveil", "set", "wash_trading", "min_trades=2.5"), None, "must be a whole number"),
        (("surveil", "set", "wash_trading", "window=1e3"), None, "not a plain decimal"),
        (("surveil", "set", "spoofing", "size_x"), None, "expected RULE.key=value"),
        (("surveil", "set", "layering", "min_levels=1"), None, "layering.min_levels: 1 is outside 2..1,000"),
        (("surveil", "set", "structuring", "asset=irr"), None, "'irr' is not an asset name"),
        (("surveil", "set", "spoofing", "max_fill=1.5"), None, "spoofing.max_fill: 1.5 is outside 0..1"),
        (("cases", "dismiss", "99", "--note", "x"), None, "unknown case 99"),
        (("cases", "review", "1", "--note", "x"), None, "case 1 is dismissed; review needs it open"),
        (("cases", "dismiss", "1", "--note", "x"), None, "case 1 is dismissed; dismiss needs it open or under review"),
        (("cases", "show", "99"), None, "unknown case 99"),
        (("cases", "review", "99", "--note", "x"), None, "unknown case 99"),
        (("cases", "confirm", "1", "--note", "x"), None, "case 1 is dismissed; confirm needs it open or under review"),
        (("cases", "release", "1", "--note", "x"), None, "release needs it confirmed"),
        (("cases", "review", "1", "--note", " "), None, "review needs --note"),
        (("cases", "list", "--status", "closed"), None, "unknown status 'closed'"),
        (("surveil", "scan", "--from", "0"), None, "--from must be at least 1"),
        (("surveil", "link", "alice", "zed"), None, "unknown user 'zed'"),
        (("surveil", "eval", "--scenario", "calm"), None, "unknown scenario 'calm'"),
        (("surveil", "eval", "--bad", "nobody"), None, "unknown bad actor 'nobody'"),
        (("surveil", "set", "abnormal_volume", "volume_x=0.5"), None,
         "abnormal_volume.volume_x: 0.5 is outside 1..1,000,000,000"),
        (("surveil", "set", "abnormal_volume", "min_share=2"), None,
         "abnormal_volume.min_share: 2 is outside 0..1"),
        (("surveil", "set", "abnormal_volume", "bucket=0"), None,
         "abnormal_volume.bucket: 0 is outside 0.1..86,400"),
        (("surveil", "set", "spoofing", "size_x="), None, "spoofing.size_x: '' is not a number"),
        (("surveil", "set", "spoofing", "size_x=nan"), None, "not a plain decimal number"),
        # ASCII digits only (engine.edge.plain_ascii): Decimal() read these as 10 and 10,
        # and the value was journalled as typed
        (("surveil", "set", "spoofing", "size_x=\u0661\u0660"), None,
         "spoofing.size_x: '\u0661\u0660' is not a number"),
        (("surveil", "set", "spoofing", "size_x=1_0"), None, "spoofing.size_x: '1_0' is not a number"),
        (("surveil", "scan", "--from", "5", "--to", "2"), None, "--to at least --from (got 5..2)"),
        (("surveil", "link", "alice", "alice"), None, "link two different accounts"),
        (("cases", "confirm", "99", "--note", "x", "--suspend"), None, "unknown case 99"),
        (("cases", "release", "99", "--note", "x"), None, "unknown case 99"),
        (("cases", "show", "abc"), None, "'abc' is not a valid int"),
        (("cases", "confirm", "1", "--note", "x", "--suspend", "--cancel"), None,
         "case 1 is dismissed; confirm needs it open or under review"),
        (("sim", "--fast", "--duration", "1", "--bad", "all"), "alice", "only an admin may"),
        *((args, "alice", "only an admin may use surveillance; alice is") for args in (
            ("surveil", "--once"), ("surveil", "scan"), ("surveil", "rules"),
            ("surveil", "set", "spoofing", "size_x=7"), ("surveil", "link", "alice", "bob"),
            ("surveil", "eval"), ("cases", "list"), ("cases", "show", "1"),
            ("cases", "review", "1", "--note", "x"), ("cases", "release", "1", "--note", "x"),
            ("cases", "dismiss", "1", "--note", "x"), ("cases", "confirm", "1", "--note", "x"))),
    ])
    after = (_journal(m.db), m.ok("cases", "list", "--json"), m.ok("surveil", "rules", "--json"))
    assert after == before


def test_a_cursor_name_must_be_a_name(washed):
    """`surveil --once --name ''` stored a cursor named '' (and scanned the journal again
    under it): a name is refused as a configuration's is, and no cursor is stored."""
    def cursors():
        with sqlite3.connect(washed.db) as c:
            return c.execute("select name from surv_cursor order by name").fetchall()
    before = cursors()
    washed.fail_all([
        (("surveil", "--once", "--name", ""), None, "error: cursor name '' must be 1-64 "
                                                    "letters, digits, '.', '-' or '_'"),
        (("surveil", "--once", "--name", " x"), None, "error: cursor name ' x' must be"),
        (("surveil", "--once", "--name", "x" * 65), None, "must be 1-64 letters"),
    ])
    assert cursors() == before
    washed.ok("surveil", "--once", "--name", "second.1")
    assert ("second.1",) in cursors()


def test_setting_a_rule_is_journalled_and_applied(market):
    market.ok("surveil", "link", "alice", "bob")
    assert market.ok("surveil", "set", "wash_trading", "min_trades=5").startswith(
        "wash_trading.min_trades = 5 (seq")
    assert market.json("surveil", "rules")["wash_trading"]["params"]["min_trades"]["value"] == 5
    _wash(market.db, extra_open_order=False)
    assert market.json("surveil", "scan") == []          # 4 trades < 5
    # a setting applies from its journal entry on: the trades before it keep their verdict
    market.ok("surveil", "set", "wash_trading", "min_trades=4")
    assert market.json("surveil", "scan") == []
    assert len(market.json("surveil", "scan", "--to", "20")) == 0


def test_fast_sim_journals_simulated_time_so_only_bad_actors_alert(souq):
    """`souq sim --fast` journals each tick at its simulated time (a 60 s run spans 60 s of
    journal time however fast it ran), so surveillance judges its windows as it would a
    real-time run's: honest traders raise nothing (before, --fast packed their 60 s of
    flow into a few wall seconds and each looked like a rapid-fire bot), and exactly the
    planted actors with an episode played out are flagged, each by its own rule. (Seed 3
    plays six of the seven actors; `souq surveil eval` gives the recall over many, where a
    spoof of 12x the typical order, under the rule's 15x, is missed.) A second run on the
    same database starts after the first one's journal time, never before it, and its
    bad actors reuse the users the first made."""
    run = souq.json("sim", "--fast", "--bad", "all", "--seed", "3", "--duration", "60",
                    "--bad-rate", "3")
    with sqlite3.connect(souq.db) as c:
        first, last = c.execute("select min(ts), max(ts) from journal where actor = '@operator' "
                                "and op = 'limit' and body like '%\"user\":\"sim-%'").fetchone()
    assert last - first >= 59 * 10**9 and (last - first) % 50_000_000 == 0    # 50 ms ticks
    alerts = souq.json("surveil", "scan")
    played = [lab for lab in run["bad_actors"]
              if any(end <= 60 * 10**9 for _, end in lab["episodes"])]
    assert sorted(lab["actor"] for lab in played) == [
        "layer", "rapid", "ring", "spoof", "structurer", "wash"]
    flagged = {u for a in alerts for u in a["users"]}
    assert flagged == {u for lab in played for u in lab["users"]}
    rules = {u: lab["rules"] for lab in run["bad_actors"] for u in lab["users"]}
    assert all(a["rule"] in rules[u] for a in alerts for u in a["users"])

    souq.json("sim", "--fast", "--bad", "all", "--seed", "4", "--duration", "30",
              "--bad-rate", "3")
    with sqlite3.connect(souq.db) as c:
        back = c.execute("select count(*) from journal a join journal b on b.seq = a.seq + 1 "
                         "where b.ts < a.ts").fetchone()[0]
    assert back == 0
    assert {u for a in souq.json("surveil", "scan") for u in a["users"]} <= set(rules)


def test_bench_surveil_reports_both_rates(souq):
    """`souq bench --surveil` writes the seeded workload durably, follows it, and reports
    entries/s written and processed, in wall and CPU time (the speed itself is the bench's
    figure, not a test's: only the shape and the entry count are exact)."""
    figures = json.loads(souq.ok("bench", "--surveil", "-n", "500", "--users", "10"))
    assert figures["entries"] == 531          # 31 set-up commands and the 500 orders
    assert set(figures) == {"entries", "written_per_s", "written_cpu_s", "processed_per_s",
                            "processed_cpu_s", "ratio", "cpu_ratio", "alerts"}
    assert figures["processed_per_s"] > 0 and figures["cpu_ratio"] > 0
