"""`souq bench`: throughput, rebuild time and memory on the seeded mixed workload.

Commands are parsed before the clock starts: the figures measure the exchange (matching,
escrow, ledger, journal and projections), not JSON decoding.
"""
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from engine.exchange import Exchange
from engine.stream import parse_command
from engine.workload import orders, resting, setup

from .store import Store, prepare


def _prepared(objs):
    return [prepare(o, "@operator", extended=False) for o in objs]


def in_memory(commands: int, users: int, seed: int) -> dict:
    ex = Exchange()
    for o in setup(users):
        ex.apply(parse_command(o))
    cmds = [parse_command(o) for o in orders(commands, users, seed)]
    ex.drain()
    gc.collect()
    apply = ex.apply
    start = time.perf_counter()
    for i, c in enumerate(cmds):
        apply(c)
        if not i & 1023:
            ex.drain()
    seconds = time.perf_counter() - start
    return {"commands": commands, "seconds": round(seconds, 3),
            "commands_per_s": round(commands / seconds), "trades": ex.trade_seq}


def durable(path: Path, commands: int, users: int, seed: int, batch: int) -> dict:
    store = Store(f"sqlite:///{path}")
    store.submit(_prepared(setup(users)), 0)
    items = _prepared(orders(commands, users, seed))
    gc.collect()
    start = time.perf_counter()
    for i in range(0, len(items), batch):
        store.submit(items[i:i + batch], time.time_ns())
    seconds = time.perf_counter() - start
    trades = store.ex.trade_seq
    store.close()
    return {"commands": commands, "batch": batch, "seconds": round(seconds, 3),
            "commands_per_s": round(commands / seconds), "trades": trades}


def rebuild_run(path: Path, entries: int, users: int, seed: int, step) -> dict:
    """Write a database of `entries` journal entries, then time a cold start-up."""
    store = Store(f"sqlite:///{path}")
    head = setup(users)
    store.submit(_prepared(head), 0)
    left = entries - len(head)
    chunk = 100_000
    done = 0
    while done < left:
        n = min(chunk, left - done)
        items = _prepared(orders(n, users, seed + done, prefix=f"c{done}-"))
        for i in range(0, n, 1000):
            store.submit(items[i:i + 1000], time.time_ns())
        done += n
        step(f"rebuild: wrote {done + len(head):,} entries")
    store.close()
    start = time.perf_counter()
    cold = Store(f"sqlite:///{path}", create=False)
    seconds = time.perf_counter() - start
    s = cold.ex.symbols["BTC-IRR"]
    resting_orders = sum(l.count for l in s.bids.values()) + sum(l.count for l in s.asks.values())
    n = cold.journal_length()
    cold.close()
    return {"journal_entries": n, "seconds": round(seconds, 3), "resting_orders": resting_orders,
            "db_mb": round(path.stat().st_size / 2**20, 1)}


def memory_probe(count: int, users: int) -> dict:
    """Run in a fresh interpreter: resident memory added by `count` resting orders."""
    ex = Exchange()
    for o in setup(users):
        ex.apply(parse_command(o))
    ex.drain()
    gc.collect()
    before = _rss()
    for i, o in enumerate(resting(count, users)):
        ex.apply(parse_command(o))
        if not i & 4095:
            ex.drain()
    ex.drain()
    gc.collect()
    after = _rss()
    s = ex.symbols["BTC-IRR"]
    live = sum(l.count for l in s.bids.values()) + sum(l.count for l in s.asks.values())
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"resting_orders": live, "peak_rss_mb": round(peak / 2**20, 1),
            "rss_added_mb": round((after - before) / 2**20, 1),
            "bytes_per_order": round((after - before) / max(live, 1))}


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def run_benchmarks(*, commands: int, users: int, seed: int, rebuild: int, resting: int,
                   batch1_commands: int, step=lambda label: None) -> dict:
    figures: dict = {"workload": {"users": users, "seed": seed,
                                  "mix": "60% limit, 10% market, 30% cancel, near the touch"},
                     "python": sys.version.split()[0], "cpus": os.cpu_count()}
    step("in memory")
    figures["in_memory"] = in_memory(commands, users, seed)
    with tempfile.TemporaryDirectory(prefix="souq-bench-") as tmp:
        tmp = Path(tmp)
        step("durable, batch 1000")
        figures["durable_batch_1000"] = durable(tmp / "b1000.db", commands, users, seed, 1000)
        step("durable, batch 1")
        figures["durable_batch_1"] = durable(tmp / "b1.db", batch1_commands, users, seed, 1)
        if rebuild:
            step("rebuild")
            figures["rebuild"] = rebuild_run(tmp / "rebuild.db", rebuild, users, seed, step)
    if resting:
        step("memory")
        code = ("import json,sys; from db.bench import memory_probe; "
                f"print(json.dumps(memory_probe({int(resting)}, {int(users)})))")
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True)
        figures["memory"] = json.loads(proc.stdout)
    return figures
