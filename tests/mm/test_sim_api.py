"""The simulator through the database API and the real `souq sim` command."""
import json

import orjson

from simkit import ODD
from souq.db.api import Api
from souq.db.check import check_database
from souq.mm.demo import demo_commands
from souq.mm.sim import ApiDriver, SimParams, run_fast

KEYS = {"orders_sent", "accepted", "rejected", "trades", "last_prices", "seed", "sim_seconds",
        "wall_seconds", "orders_per_second"}


def api_run(api, seed, duration=3.0, **params):
    driver = ApiDriver(api, SimParams(**{"rate": 800, **params}), seed)
    ticks = []
    summary = run_fast(driver, duration, on_tick=ticks.append)
    return summary, b"\n".join(orjson.dumps(c) for t in ticks for c in t.commands)


def test_through_the_api_deterministic_and_sound(tmp_path, demo_api):
    summary, commands = api_run(demo_api, seed=11)
    twin = Api(str(tmp_path / "twin.db"))
    twin.execute_many(demo_commands())
    twin_summary, twin_commands = api_run(twin, seed=11)
    assert commands == twin_commands
    assert summary.trades > 50 and summary == twin_summary
    assert demo_api.wallets() == twin.wallets()
    twin.close()
    assert check_database(demo_api.store) == []


def test_a_second_run_on_the_same_database_reuses_no_ids(demo_api):
    demo_api.execute(ODD)
    first, _ = api_run(demo_api, seed=1, duration=1.0)
    second, _ = api_run(demo_api, seed=1, duration=1.0)
    journal = demo_api.read(lambda conn: conn.exec_driver_sql(
        "select reason from journal where reason is not null").fetchall())
    assert not [r for (r,) in journal if "duplicate" in r or "insufficient" in r]
    assert second.sent > 0 and check_database(demo_api.store) == []


def test_souq_sim_fast_json(souq):
    r = souq.run("sim", "--rate", "200", "--duration", "2", "--fast", "--json", "--seed", "4")
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    out = json.loads(r.stdout)
    assert set(out) == KEYS
    assert out["seed"] == 4 and out["sim_seconds"] == 2.0
    assert 250 < out["orders_sent"] < 550
    assert out["accepted"] + out["rejected"] == out["orders_sent"]
    assert set(out["last_prices"]) == {"BTC-IRR", "USDT-IRR", "ETH-USDT"}
    assert all(isinstance(v, str) for v in out["last_prices"].values())
    assert "ok:" in souq.ok("check")


def test_souq_sim_summary_line_and_failures(souq):
    text = souq.ok("sim", "--rate", "100", "--duration", "0.5", "--symbol", "ETH-USDT")
    assert text.count("\n") == 1 and "orders sent" in text and "ETH-USDT" in text
    souq.fail_all([
        (("sim", "--symbol", "NOPE", "--fast"), None, "unknown symbol 'NOPE'"),
        (("sim", "--rate", "-5", "--fast"), None, "rate must be from 0 to 100000"),
        (("sim", "--duration", "0"), None, "duration must be positive and at most"),
        (("sim", "--fast"), "sim-noise-1", "only an admin may run the simulator"),
    ])
