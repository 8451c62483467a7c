"""mm/desk/configs.py, launch.py and status.py: the rules of named strategy
configurations, their life cycle, starting and stopping runners, and their standing."""
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

import toy_template  # noqa: F401  (registers the `toy` template)
from souq.db import desk as D
from souq.db.api import Api
from souq.mm.desk import configs as C
from souq.mm.desk import launch
from souq.mm.desk.configs import ConfigError
from souq.mm.desk.status import status

FAKE = [sys.executable, str(Path(__file__).parents[1] / "fake_runner.py")]


@pytest.fixture
def api(tmp_path):
    """The demo exchange (with the toy template's ready configuration `toy`, at paper)."""
    from souq.mm.desk.demo_configs import build
    api = Api(str(tmp_path / "desk.db"), clock=iter(range(10**18, 2 * 10**18, 10**9)).__next__)
    assert all(o.reason is None for o in build(api).outcomes)
    yield api
    api.close()


def tables(api):
    """Everything the desk keeps, to show a refused request changed nothing."""
    return (api.read(lambda c: [r for n in ("toy", "t1") for r in D.versions(c, n)]),
            api.read(D.runs), api.store.ex.seq)


def new(api, name="t1", **kw):
    return C.create(api, name, "toy", "BTC-IRR", "maker1", {"spread_bps": "12", **kw})


# ------------------------------------------------------------------ create and change
def test_create_writes_version_1_as_a_draft_with_every_parameter(api):
    cfg = new(api, order_size="0.002")
    assert (cfg["name"], cfg["version"], cfg["template"], cfg["symbol"], cfg["user"],
            cfg["stage"]) == ("t1", 1, "toy", "BTC-IRR", "maker1", "draft")
    defaults = {p.name: p.default for p in toy_template.Toy.spec()}
    assert cfg["params"] == {**defaults, "spread_bps": "12", "order_size": "0.002"}


@pytest.mark.parametrize("args, message", [
    (("t1", "nope", "BTC-IRR", "maker1", {}), "unknown strategy template 'nope'; known: "),
    (("t1", "toy", "XRP-IRR", "maker1", {}), "unknown symbol 'XRP-IRR'"),
    (("t1", "toy", "BTC-IRR", "nobody", {}), "unknown user 'nobody'"),
    (("t1", "toy", "BTC-IRR", "alice", {}),
     "user 'alice' is a trader, not a market_maker; a strategy trades as a market-maker user"),
    (("t1", "toy", "BTC-IRR", "maker1", {"colour": "red"}), "unknown parameter 'colour'"),
    (("t1", "toy", "BTC-IRR", "maker1", {"levels": "6"}), "levels: 6 is above the maximum 5"),
    (("t1", "toy", "BTC-IRR", "maker1", {"order_size": "0"}),
     "order_size: 0 is below the minimum 0.0001"),
    (("t1", "toy", "BTC-IRR", "maker1", {"skew_mode": "up"}),
     "skew_mode: 'up' is not one of price, size, both, none"),
    (("toy", "toy", "BTC-IRR", "maker1", {}), "configuration 'toy' already exists"),
    (("bad name", "toy", "BTC-IRR", "maker1", {}), "configuration name 'bad name' must be"),
    (("", "toy", "BTC-IRR", "maker1", {}), "configuration name '' must be"),
])
def test_create_refuses_bad_requests_and_writes_nothing(api, args, message):
    before = tables(api)
    with pytest.raises(ConfigError if "template" not in message else ValueError) as exc:
        C.create(api, *args)
    assert str(exc.value).startswith(message)
    assert tables(api) == before


def test_a_market_maker_configures_only_itself_and_sees_only_its_own(api):
    maker = Api(api.url, actor="maker1")
    assert new(maker)["user"] == "maker1"
    with pytest.raises(ConfigError, match="maker1 may only configure strategies that trade "
                                          "as maker1"):
        C.create(maker, "t2", "toy", "BTC-IRR", "maker2", {})
    assert [c["name"] for c in C.listing(maker)] == ["t1"]
    everyone = C.listing(api)
    assert {"t1", "toy"} <= {c["name"] for c in everyone}
    assert len({c["user"] for c in everyone}) > 1       # the admin sees every user's
    theirs = ("configuration 'toy' belongs to mm-toy, not maker1; only its owner or an "
              "admin may use it")
    for call in (lambda: C.get(maker, "toy"), lambda: C.change(maker, "toy", {"levels": "2"})):
        with pytest.raises(ConfigError) as err:
            call()
        assert str(err.value) == theirs
    maker.close()


def test_change_writes_the_next_version_keeping_the_stage(api):
    new(api)
    C.stage(api, "t1", "backtested")
    before, after = C.change(api, "t1", {"levels": "3", "spread_bps": "12"})
    assert (before["version"], after["version"], after["stage"]) == (1, 2, "backtested")
    assert {k: v for k, v in after["params"].items() if before["params"][k] != v} == {
        "levels": "3"}
    assert C.get(api, "t1", 1)["params"]["levels"] == "1"      # versions are never edited
    assert [(h["version"], h["changed"]) for h in C.history(api, "t1")] == [
        (1, {}), (2, {"levels": "3"})]


def test_change_to_the_same_values_writes_nothing(api):
    new(api)
    before, after = C.change(api, "t1", {"spread_bps": "12"})
    assert (before["version"], after) == (1, None)
    assert len(api.read(D.versions, "t1")) == 1


@pytest.mark.parametrize("values, message", [
    ({"levels": "2", "spread_bps": "0"}, "spread_bps: 0 is below the minimum 1"),
    ({"levels": "2", "nope": "1"}, "unknown parameter 'nope'"),
    ({"max_open_orders": "1.5"}, "max_open_orders: '1.5' is not a whole number"),
    ({"max_inventory": "-1"}, "max_inventory: -1 is below the minimum 0"),
    ({"max_inventory": "1e3"}, "max_inventory: '1e3' uses exponent notation"),
    ({}, "nothing to set; give key=value pairs"),
])
def test_a_bad_change_is_refused_whole(api, values, message):
    new(api)
    before = tables(api)
    with pytest.raises(ConfigError) as exc:
        C.change(api, "t1", values)
    assert str(exc.value).startswith(message)
    assert tables(api) == before


def test_a_negative_target_inventory_is_a_valid_quantity(api):
    new(api)
    _, after = C.change(api, "t1", {"target_inventory": "-0.5"})
    assert after["params"]["target_inventory"] == "-0.5"


def test_missing_configuration_and_version(api):
    for call in (lambda: C.get(api, "zz"), lambda: C.change(api, "zz", {"levels": "2"}),
                 lambda: C.stage(api, "zz", "paper"), lambda: C.history(api, "zz")):
        with pytest.raises(ConfigError, match="no configuration 'zz'"):
            call()
    with pytest.raises(ConfigError, match="configuration 'toy' has no version 7"):
        C.get(api, "toy", 7)


# ------------------------------------------------------------------ life cycle
def test_every_stage_transition_is_allowed_exactly_as_documented(api):
    allowed = set()
    for a in C.STAGES:
        for b in C.STAGES:
            if a == b:
                continue
            name = f"{a}-{b}"
            C.create(api, name, "toy", "BTC-IRR", "maker1", {})
            D.set_stage(api.db, name, 1, a)
            try:
                old, cfg = C.stage(api, name, b)
            except ConfigError as exc:
                assert str(exc) == (f"{name} cannot go from {a} to {b}; from {a}: "
                                    f"{', '.join(C.TRANSITIONS[a])}")
                assert C.get(api, name)["stage"] == a
            else:
                assert (old, cfg["stage"], C.get(api, name)["stage"]) == (a, b, b)
                allowed.add((a, b))
    assert allowed == {
        ("draft", "backtested"), ("backtested", "paper"), ("paper", "live"),
        ("backtested", "draft"), ("paper", "draft"), ("paper", "backtested"),
        ("live", "draft"), ("live", "backtested"), ("live", "paper"),
        ("draft", "retired"), ("backtested", "retired"), ("paper", "retired"),
        ("live", "retired"), ("retired", "draft")}


def test_stage_refusals(api):
    new(api)
    with pytest.raises(ConfigError, match="unknown stage 'done'; stages: draft, backtested, "
                                          "paper, live, retired"):
        C.stage(api, "t1", "done")
    with pytest.raises(ConfigError, match="t1 version 1 is already draft"):
        C.stage(api, "t1", "draft")
    C.stage(api, "t1", "retired")
    with pytest.raises(ConfigError, match="t1 is retired; bring it back first"):
        C.change(api, "t1", {"levels": "2"})


def test_the_life_cycle_rule_for_every_place_to_run():
    """Only paper and live run against the exchange (live or beside the simulator, both
    on the exchange's database); a retired one runs nowhere there; backtests run at any
    stage."""
    cfg = {"name": "x"}
    for at in ("paper", "live"):
        C.may_run({**cfg, "stage": at}, "exchange")
        C.startable({**cfg, "stage": at}, sim=True)
    for at in ("draft", "backtested"):
        with pytest.raises(ConfigError, match=f"x is at stage {at}: only paper and live "
                                              "configurations run against the exchange"):
            C.may_run({**cfg, "stage": at}, "exchange")
        with pytest.raises(ConfigError, match=f"x is at stage {at}"):
            C.startable({**cfg, "stage": at}, sim=True)
    with pytest.raises(ConfigError, match="x is retired and runs nowhere"):
        C.may_run({**cfg, "stage": "retired"}, "exchange")
    for at in C.STAGES:
        C.may_run({**cfg, "stage": at}, "backtest")


def test_value_range_texts():
    by = {p.name: p for p in toy_template.Toy.spec()}
    assert [C.value_range(by[n]) for n in ("levels", "order_size", "skew_mode", "add_fees",
                                           "price_ceiling", "fair_symbol")] == [
        "1..5", "0.0001..1000000000000000", "price|size|both|none", "true|false",
        "0..1000000000000000 or none", "any"]


# ------------------------------------------------------------------ runs
HANG = 300.0     # seconds: a runner that never answers, never a slow start


def exited(pid: int) -> None:
    """Wait until process `pid` is gone."""
    deadline = time.monotonic() + HANG
    while launch.alive(pid):
        assert time.monotonic() < deadline, f"process {pid} still runs"
        time.sleep(0.05)


def test_start_waits_for_the_runner_and_stop_waits_for_it_to_stop(api):
    row = launch.start(api, "toy", FAKE + [api.url], sim=True, timeout=HANG)
    assert (row["name"], row["state"], row["mode"], row["version"]) == (
        "toy", "running", "sim", 1)
    assert launch.alive(row["pid"])
    with pytest.raises(ConfigError, match=f"toy is already running as run {row['id']} "
                                          f"\\(process {row['pid']}\\); stop it first"):
        launch.start(api, "toy", FAKE + [api.url], timeout=HANG)
    with pytest.raises(ConfigError, match="toy is running; stop it before retiring it"):
        C.stage(api, "toy", "retired")
    done = launch.stop(api, "toy", timeout=HANG)
    assert (done["id"], done["state"], done["reason"]) == (row["id"], "stopped",
                                                           "asked to stop")
    with pytest.raises(ConfigError, match="toy is not running"):
        launch.stop(api, "toy")


def test_start_reports_a_runner_that_fails(api, monkeypatch):
    monkeypatch.setenv("FAKE_RUNNER", "fail")
    with pytest.raises(ConfigError, match="the runner for toy exited with code 2 before it "
                                          "started: error: fake runner refused toy"):
        launch.start(api, "toy", FAKE + [api.url], timeout=HANG)
    assert api.read(D.runs) == []


def test_start_gives_up_on_a_silent_runner_and_ends_it(api, monkeypatch):
    monkeypatch.setenv("FAKE_RUNNER", "mute")
    spawned = []
    real = subprocess.Popen
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: spawned.append(real(*a, **k))
                        or spawned[-1])
    with pytest.raises(launch.Timeout, match="the runner for toy did not report running "
                                             "within 0.5 s; it was stopped"):
        launch.start(api, "toy", FAKE + [api.url], timeout=0.5)
    assert spawned[0].poll() is not None


def test_stop_times_out_on_a_runner_that_does_not_listen(api, monkeypatch):
    monkeypatch.setenv("FAKE_RUNNER", "deaf")
    row = launch.start(api, "toy", FAKE + [api.url], timeout=HANG)
    with pytest.raises(launch.Timeout, match=f"run {row['id']} of toy did not stop within "
                                             f"0.3 s \\(state stopping\\)"):
        launch.stop(api, "toy", timeout=0.3)
    subprocess.run(["kill", str(row["pid"])], check=True)   # the process this test started
    exited(row["pid"])
    done = launch.stop(api, "toy", timeout=HANG)
    assert (done["state"], done["reason"]) == ("dead",
                                               f"dead: runner process {row['pid']} is gone")


def test_a_run_whose_process_is_gone_does_not_block_a_new_start(api, monkeypatch):
    monkeypatch.setenv("FAKE_RUNNER", "die")
    first = launch.start(api, "toy", FAKE + [api.url], timeout=HANG)
    exited(first["pid"])
    monkeypatch.setenv("FAKE_RUNNER", "ok")
    second = launch.start(api, "toy", FAKE + [api.url], timeout=HANG)
    row = api.read(D.run, first["id"])
    assert (row["state"], row["reason"]) == ("dead", f"dead: runner process {first['pid']} is gone")
    assert launch.stop(api, "toy", timeout=HANG)["id"] == second["id"]


# ------------------------------------------------------------------ status
def test_status_counts_the_position_from_the_runs_start(api):
    assert status(api, "toy")[0]["state"] == "never run"
    mm = Api(api.url, actor="mm-toy", clock=api.clock)
    alice = Api(api.url, actor="alice", clock=api.clock)
    # a trade before the run (taking the ladder's best ask): not the run's
    assert mm.execute({"op": "market", "user": "mm-toy", "symbol": "BTC-IRR", "side": "buy",
                       "qty": "0.001"}).accepted
    api.store.refresh()
    run_id = D.start_run(api.db, "toy", 1, "paper", api.clock(), api.store.ex.seq, "0", "0")
    for side, price, qty in (("sell", "95000400000", "0.001"), ("buy", "94999600000", "0.003")):
        assert mm.execute({"op": "limit", "user": "mm-toy", "symbol": "BTC-IRR", "side": side,
                           "price": price, "qty": qty, "id": f"q-{side}"}).accepted
    for side, qty in (("buy", "0.001"), ("sell", "0.002")):
        assert alice.execute({"op": "market", "user": "alice", "symbol": "BTC-IRR",
                              "side": side, "qty": qty}).accepted
    entry = status(api, "toy")[0]
    assert entry["state"] == "running" and entry["run"]["id"] == run_id
    # sold 0.001 at 95,000,400,000, bought 0.002 at 94,999,600,000: 0.001 closed for
    # 800,000 x 0.001 = 800, 0.001 long marked at the others' mid (our own bid left out:
    # (94,999,500,000 + 95,001,000,000) / 2 = 95,000,250,000): 650; maker fees 0.1 % of
    # 95,000,400 and of 189,999,200, exact
    # (IRR has no precision set, so nothing is rounded): 95,000.4 + 189,999.2
    assert entry["position"] == {
        "trades": 2, "inventory": "0.001", "mid": "95000250000",
        "realised": "800", "unrealised": "650", "fees": "284999.6", "pnl": "-283549.6"}
    assert entry["report"]["pnl"]["total"] == "-283549.6"
    mm.close(), alice.close()
