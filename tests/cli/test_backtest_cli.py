"""`souq backtest` and `souq runs` through the real console script: a stored scenario run,
its export, list/show/compare/delete, and one-line errors that store nothing."""
import csv
import re
import json

import pytest

from souq.mm.display import number

pytestmark = pytest.mark.slow


@pytest.fixture
def souq(desk_souq):
    return desk_souq


def test_backtest_stores_exports_and_the_runs_commands_read_it(souq, tmp_path):
    args = ("backtest", "fixed-btc", "--scenario", "normal", "--duration", "5", "--seed", "2")
    first = souq.json(*args, "--export", tmp_path / "x")
    second = souq.json(*args, "--set", "order_amount=0.003", "--latency", "20")
    assert (first["run"], second["run"]) == (1, 2)
    assert first["events"] > 0 and first["reason"] == "backtest over"
    rows = souq.json("runs", "list")
    assert [(r["id"], r["overrides"], r["latency_ns"]) for r in rows] == [
        (2, {"order_amount": "0.003"}, 20_000_000), (1, {}, 0)]
    shown = souq.json("runs", "show", "1")
    assert shown["figures"] == first["figures"] and shown["seed"] == 2
    assert shown["code_version"].startswith("0.1.0")
    cmp = {r["key"]: (r["a"], r["b"]) for r in souq.json("runs", "compare", "1", "2")}
    assert cmp["latency_ns"] == (0, 20_000_000) and cmp["seed"] == (2, 2)
    # the export written at run time and one from the store are the same files' content
    souq.ok("runs", "export", "1", tmp_path / "y")
    for name in ("equity.csv", "fills.csv", "orders.csv"):
        assert (tmp_path / "x" / name).read_text() == (tmp_path / "y" / name).read_text()
    with open(tmp_path / "y" / "equity.csv") as f:
        eq = list(csv.reader(f))
    assert eq[0] == ["time", "equity", "inventory", "mark"] and len(eq) == 1 + 6
    ran = json.loads((tmp_path / "y" / "run.json").read_text())
    assert ran["run"]["id"] == 1 and ran["spec"]["seed"] == 2
    # the same run again: byte-identical result
    again = souq.json(*args)
    assert again["figures"] == first["figures"]
    # issue 12 item 9: people read tables and dotted keys, never dicts or "None"
    listing = souq.ok("runs", "list")
    shown_text, compared = souq.ok("runs", "show", "1"), souq.ok("runs", "compare", "1", "2")
    for text in (listing, shown_text, compared):
        assert "{" not in text and "None" not in text and "'" not in text
    # money at IRR's precision (no places), grouped; --json keeps the exact figure
    total = number(first["figures"]["pnl"]["total"], 0)
    assert any(line.split("│")[1:8] and [c.strip() for c in line.split("│")[1:8]] == [
        "1", "fixed-btc v1", "scenario normal", "2", "pessimistic 0/0ms symbol",
        f"{first['fills']:,}", f"{total} IRR"]
        for line in listing.splitlines())
    assert f"figures.pnl.total: {total} IRR\n" in shown_text       # with its unit and "scenario: normal" in shown_text
    assert "data: -" in shown_text
    # every figure's digits grouped, the periods a year and the ratios' horizon included
    figures = [ln for ln in shown_text.splitlines() if ln.startswith("figures.")]
    assert "figures.periods_per_year: 31,536,000" in figures
    assert [ln for ln in figures if re.search(r"(?<![\d.])\d{4}", ln.split(": ", 1)[1])] == []
    assert "deleted run 3" in souq.ok("runs", "delete", "3")
    assert [r["id"] for r in souq.json("runs", "list")] == [2, 1]


def test_bad_input_is_one_line_and_stores_nothing(souq):
    bt = ("backtest", "fixed-btc")
    souq.fail_all([
        (("backtest", "nope", "--scenario", "normal"), None, "no configuration 'nope'"),
        (bt, None, "exactly one of --data NAME or --scenario NAME"),
        ((*bt, "--scenario", "normal", "--data", "d"), None, "exactly one of"),
        ((*bt, "--scenario", "normal", "--set", "oops"), None, "'oops' is not key=value"),
        ((*bt, "--scenario", "normal", "--set", "nope=1"), None, "unknown parameter 'nope'"),
        ((*bt, "--scenario", "nope"), None, "unknown scenario 'nope'"),
        ((*bt, "--data", "d", "--from", "5", "--to", "3"), None, "end must come after"),
        ((*bt, "--scenario", "normal", "--latency", "x"), None, "--latency"),
        ((*bt, "--scenario", "normal", "--duration", "0"), None, "--duration"),
        (("runs", "show", "9"), None, "no stored run 9"),
        (("runs", "delete", "9"), None, "no stored run 9"),
        (("runs", "compare", "1", "9"), None, "no stored run"),
    ])
    assert souq.json("runs", "list") == []


def test_model_flags_are_recorded_with_the_run_and_bad_ones_store_nothing(souq, tmp_path):
    bt = ("backtest", "fixed-btc", "--scenario", "normal", "--duration", "2")
    souq.fail_all([
        ((*bt, "--queue-model", "nope"), None,
         "--queue-model: queue model 'nope': use pessimistic, probabilistic"),
        ((*bt, "--fee-model", "flat_bps:x"), None, "use symbol, zero or flat_bps:B"),
        ((*bt, "--entry-latency", "-1"), None, "--entry-latency"),
        ((*bt, "--response-latency", "99999999"), None, "--response-latency"),
    ])
    assert souq.json("runs", "list") == []
    souq.json(*bt, "--queue-model", "probabilistic:2", "--latency", "5",
              "--response-latency", "30", "--fee-model", "flat_bps:1.5",
              "--export", tmp_path / "m")
    spec = json.loads((tmp_path / "m" / "run.json").read_text())["spec"]
    assert spec["models"] == {"queue": "probabilistic:2", "latency": "constant",
                              "entry_ns": 5_000_000, "response_ns": 30_000_000,
                              "fees": "flat_bps:1.5"}
    assert spec["latency_ns"] == 5_000_000
    assert [r["latency_ns"] for r in souq.json("runs", "list")] == [5_000_000]
    assert souq.json("runs", "show", "1")["models"] == spec["models"]
    assert "models.queue: probabilistic:2" in souq.ok("runs", "show", "1")
    souq.json(*bt)
    cmp = {r["key"]: (r["a"], r["b"]) for r in souq.json("runs", "compare", "1", "2")}
    assert cmp["models"] == (spec["models"], {
        "queue": "pessimistic", "latency": "constant", "entry_ns": 0, "response_ns": 0,
        "fees": "symbol"})
    # the listing shows which models each run used, from the run's own column
    assert [r["models"] for r in souq.json("runs", "list")] == [cmp["models"][1], spec["models"]]
    rows = [line for line in souq.ok("runs", "list").splitlines() if "fixed-btc" in line]
    assert len(rows) == 2
    assert "pessimistic 0/0ms symbol" in rows[0]
    assert "probabilistic:2 5/30ms flat_bps:1.5" in rows[1]
    # and so does the report, as text and as JSON
    assert ("- Models: queue probabilistic:2, latency 5 ms entry / 30 ms response, fees "
            "flat_bps:1.5\n") in souq.ok("report", "1")
    assert json.loads(souq.ok("report", "1", "--format", "json"))["run"]["models"] == spec["models"]
    assert ("- Models: queue pessimistic, latency 0 ms entry / 0 ms response, fees symbol\n"
            in souq.ok("report", "2"))
