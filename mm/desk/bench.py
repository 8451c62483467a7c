"""`souq bench --mm`: how fast the desk reacts, and how many strategies one core carries.

A seeded simulator changes the books through the database, one small batch per event; then
every strategy steps in turn (one process, one core): it catches up on the journal, reads
its book, decides, reconciles and commits its commands. The latency of a strategy is the
time from the event's commit to its own commands' commit, so with k strategies the last
one waits for the k-1 before it: the figure that degrades as k grows.
"""
import statistics
import tempfile
import time
from pathlib import Path

from souq.db import desk
from souq.db.api import Api
from souq.mm.demo import demo_commands
from souq.mm.sim import ApiDriver, SimParams

from .api_runner import ApiRunner

SYMBOLS = ("BTC-IRR", "USDT-IRR", "ETH-USDT")
SIZES = {"BTC-IRR": "0.001", "USDT-IRR": "10", "ETH-USDT": "0.01"}
TARGET_MEDIAN_MS, TARGET_P99_MS = 1.0, 10.0


def _setup(url: str, k: int) -> list[str]:
    api = Api(url)
    cmds = demo_commands()
    names = []
    for i in range(k):
        user = f"mmbench{i}"
        cmds += [{"op": "user", "user": user, "role": "market_maker"}]
        cmds += [{"op": "deposit", "user": user, "asset": a, "amount": amt}
                 for a, amt in (("BTC", "100"), ("IRR", "100000000000000"),
                                ("USDT", "10000000"), ("ETH", "1000"))]
    assert all(o.reason is None for o in api.execute_many(cmds).outcomes)
    for i in range(k):
        sym = SYMBOLS[i % len(SYMBOLS)]
        name = f"bench{i}"
        desk.save_config(api.db, name, "fixed_spread", sym, f"mmbench{i}", {
            "order_amount": SIZES[sym], "bid_spread_bps": "2", "ask_spread_bps": "2",
            "order_refresh_time": "0", "max_inventory": "1000000", "max_order_size": "1000",
            "stale_after": "0"}, 0, stage="paper")
        names.append(name)
    api.close()
    return names


def measure(k: int, events: int, seed: int = 1, rate: float = 400.0) -> dict:
    """Latencies (ms) of k strategies over `events` book changes."""
    with tempfile.TemporaryDirectory() as tmp:
        url = str(Path(tmp) / "bench.db")
        names = _setup(url, k)
        flow = ApiDriver(Api(url), SimParams(rate=rate, symbols=SYMBOLS), seed)
        # one exchange in memory for the whole process
        runners = [ApiRunner(url, n, mode="sim", shared=flow.api) for n in names]
        flow.start(0)
        now = time.time_ns()
        for r in runners:
            r.start(now)
            r.step(now)                      # first quotes: not a reaction, not measured
        lat, quiet, sim_ns = [], 0, 0
        for _ in range(events):
            sim_ns += 50_000_000
            flow.step(sim_ns)                # the book change, committed
            t0 = time.perf_counter_ns()
            for r in runners:
                rep = r.step(time.time_ns())
                if rep.commands:             # it requoted: its commands are committed
                    lat.append((time.perf_counter_ns() - t0) / 1e6)
                else:
                    quiet += 1
        for r in runners:
            r.stop(time.time_ns(), "bench over")
            r.close()
        flow.api.close()
    lat.sort()
    figures = {"strategies": k, "events": events, "requotes": len(lat), "quiet_steps": quiet}
    if not lat:                          # nothing moved enough to requote
        return figures | {"median_ms": None, "p99_ms": None, "max_ms": None}
    return figures | {"median_ms": round(statistics.median(lat), 3),
                      "p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))], 3),
                      "max_ms": round(lat[-1], 3)}


def run_mm_bench(events: int = 300, counts=(1, 2, 3, 4, 6, 8, 12, 16), step=None) -> dict:
    rows = []
    for k in counts:
        if step:
            step(f"{k} strategies")
        rows.append(measure(k, events))
    ok = [r["strategies"] for r in rows if r["median_ms"] is not None
          and r["median_ms"] < TARGET_MEDIAN_MS and r["p99_ms"] < TARGET_P99_MS]
    one = rows[0]
    return {"book_change_to_commands": {"median_ms": one["median_ms"], "p99_ms": one["p99_ms"],
                                        "target_median_ms": TARGET_MEDIAN_MS,
                                        "target_p99_ms": TARGET_P99_MS},
            "by_strategies": rows,
            "most_strategies_within_targets": max(ok) if ok else 0,
            "note": "one process, one core: a strategy's latency includes every strategy "
                    "that stepped before it on the same book change"}
