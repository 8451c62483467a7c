"""The simulator against a bare engine: deterministic, on the grid, every agent trades,
pause stops the flow, and the exchange's invariants hold after every tick."""
import ast
import re
from decimal import Decimal
from pathlib import Path

import orjson
import pytest
from simkit import ODD, build

from souq.engine.invariants import check_exchange, wallet_totals
from souq.mm.demo import SYMBOLS, demo_commands
from souq.mm.sim import ExchangeDriver, SimParams, participant_commands, run_fast, run_realtime

SEC = 1_000_000_000
PLAIN = re.compile(r"(0|[1-9]\d*)(\.\d*[1-9])?\Z")


def run(ex, seed=1, duration=20.0, **params):
    driver = ExchangeDriver(ex, SimParams(**{"rate": 500, **params}), seed)
    ticks = []
    summary = run_fast(driver, duration, on_tick=ticks.append)
    return driver, summary, ticks


def stream(ticks) -> bytes:
    return b"\n".join(orjson.dumps(c) for t in ticks for c in t.commands)


def test_same_seed_same_commands_and_wallets(demo_ex):
    twin = build(demo_commands())
    _, s1, t1 = run(demo_ex, seed=7)
    _, s2, t2 = run(twin, seed=7)
    assert stream(t1) == stream(t2)
    assert wallet_totals(demo_ex) == wallet_totals(twin)
    assert s1 == s2
    _, _, t3 = run(build(demo_commands()), seed=8)
    assert stream(t3) != stream(t1)


def test_rate_is_commands_per_second(demo_ex):
    _, summary, _ = run(demo_ex, duration=20.0, rate=500)
    assert abs(summary.sent - 10_000) < 400          # Poisson: 4 standard deviations
    assert summary.accepted + summary.rejected == summary.sent


def test_prices_and_quantities_on_the_grid_and_inside_the_band(odd_ex):
    _, _, ticks = run(odd_ex, duration=30.0, rate=800, volatility=0.05)
    specs = {s["symbol"]: s for s in SYMBOLS + [ODD]}
    seen = set()
    for t in ticks:
        for c in t.commands:
            if c["op"] == "cancel":
                continue
            s = specs[c["symbol"]]
            seen.add(c["symbol"])
            qty = Decimal(c["qty"])
            assert PLAIN.match(c["qty"]), c
            assert qty % Decimal(s["qty_step"]) == 0, c
            assert Decimal(s["min_qty"]) <= qty <= Decimal(s["max_qty"]), c
            if "price" in c:
                assert PLAIN.match(c["price"]), c
                price, ref = Decimal(c["price"]), Decimal(s["ref_price"])
                band = ref * Decimal(s["daily_limit"])
                assert price % Decimal(s["tick_size"]) == 0, c
                assert ref - band <= price <= ref + band, c
    assert seen == set(specs)
    rejected = [r for t in ticks for r in t.reasons if r is not None]
    assert all("is already" in r for r in rejected), rejected[:5]   # only late cancels


def test_every_agent_type_trades(demo_ex):
    _, _, ticks = run(demo_ex, duration=30.0)
    kinds = {}
    for t in ticks:
        for tr in t.trades:
            for user in (tr["maker_user"], tr["taker_user"]):
                if user.startswith("sim-"):
                    kind = user.split("-")[1]
                    kinds[kind] = kinds.get(kind, 0) + 1
    assert set(kinds) == {"noise", "informed", "momentum"}
    assert min(kinds.values()) >= 20, kinds


def test_pause_stops_the_flow_and_resume_restarts_it(demo_ex):
    driver = ExchangeDriver(demo_ex, SimParams(rate=1000), 3)
    driver.start(0)
    assert driver.step(SEC // 10).commands
    driver.pause()
    assert driver.paused
    seq = demo_ex.seq
    for i in range(2, 30):
        assert driver.step(i * SEC // 10).commands == []
    assert demo_ex.seq == seq
    driver.resume()
    assert not driver.paused
    sent = sum(len(driver.step(i * SEC // 10).commands) for i in range(30, 40))
    assert 800 < sent < 1200   # one second at 1000/s: no burst for the paused seconds


def test_invariants_hold_after_every_tick(odd_ex):
    driver = ExchangeDriver(odd_ex, SimParams(rate=1500, volatility=0.05), 5)
    driver.start(0)
    assert check_exchange(odd_ex) == []
    for i in range(1, 201):
        driver.step(i * SEC // 20)
        assert check_exchange(odd_ex) == [], f"tick {i}"
    assert driver.tally.trades > 100


def test_participants_are_ensured_once(demo_ex):
    driver = ExchangeDriver(demo_ex, SimParams(), 1)
    setup = driver.start(0)
    users = [c["user"] for c in setup if c["op"] == "user"]
    assert users == [f"sim-noise-{i}" for i in range(1, 9)] + ["sim-informed-1", "sim-momentum-1"]
    assert all(demo_ex.users[u].role == "trader" for u in users)
    assert participant_commands(demo_ex, driver.params, driver.view().symbols) == []
    assert ExchangeDriver(demo_ex, SimParams(), 2).start(0) == []


def test_symbols_can_be_chosen_and_unknown_ones_fail(demo_ex):
    _, _, ticks = run(demo_ex, duration=5.0, symbols=("ETH-USDT",))
    assert {c["symbol"] for t in ticks for c in t.commands if "symbol" in c} == {"ETH-USDT"}
    with pytest.raises(ValueError, match="unknown symbol 'NOPE'"):
        ExchangeDriver(demo_ex, SimParams(symbols=("NOPE",)), 1).start(0)
    with pytest.raises(ValueError, match="rate"):
        SimParams(rate=-1)


def test_zero_volatility_keeps_the_hidden_value_still(demo_ex):
    driver, _, _ = run(demo_ex, duration=5.0, volatility=0)
    assert driver.sim.fair.values == {s["symbol"]: int(Decimal(s["ref_price"]) * 10**9)
                                      for s in SYMBOLS}


def test_core_reads_no_clock_and_does_no_io():
    forbidden = {"time", "datetime", "os", "sqlite3", "sqlalchemy", "sqlmodel", "socket",
                 "pathlib", "io", "subprocess", "threading", "asyncio", "db", "textual",
                 "rich", "typer", "tui", "cli"}
    root = Path(__file__).resolve().parents[2] / "mm" / "sim"
    for path in sorted(root.glob("*.py")):
        tree = ast.parse(path.read_text())
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        assert not names & forbidden, f"{path.name} imports {sorted(names & forbidden)}"
        calls = {n.func.id for n in ast.walk(tree)
                 if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
        assert not calls & {"open", "print", "input"}, path.name


def test_realtime_loop_follows_the_clock_it_is_given(demo_ex):
    clock = [0]

    def sleep(seconds):
        clock[0] += int(seconds * SEC)

    def tick_clock():
        clock[0] += SEC // 1000    # every reading costs a millisecond
        return clock[0]

    ticks = []
    driver = ExchangeDriver(demo_ex, SimParams(rate=400), 2)
    summary = run_realtime(driver, 3.0, clock=tick_clock, sleep=sleep, on_tick=ticks.append)
    assert 50 <= len(ticks) <= 61 and ticks[-1].now == 3 * SEC
    assert summary.sim_seconds == 3.0 and 1000 < summary.sent < 1400
    stop_after = iter(range(10, -1, -1))
    few = run_realtime(ExchangeDriver(demo_ex, SimParams(), 3), None, clock=tick_clock,
                       sleep=sleep, should_stop=lambda: next(stop_after) == 0)
    assert 0 < few.sim_seconds < 1
