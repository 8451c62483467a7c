"""`souq bench`: throughput, rebuild time and memory on the seeded mixed workload.

Commands are parsed before the clock starts: the figures measure the exchange (matching,
escrow, ledger, journal and projections), not JSON decoding.
"""
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from souq.engine import native
from souq.engine.exchange import Exchange
from souq.engine.stream import parse_command
from souq.engine.workload import MID_TICKS, orders, resting, setup

from .store import Store, prepare


def _prepared(objs):
    return [prepare(o, "@operator", extended=False) for o in objs]


def in_memory(commands: int, users: int, seed: int) -> dict:
    ex = Exchange()
    for o in setup(users):
        ex.apply(parse_command(o))
    cmds = [parse_command(o) for o in orders(commands, users, seed)]
    gc.collect()
    apply = ex.apply
    start = time.perf_counter()
    cpu = time.process_time()
    for c in cmds:
        apply(c)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    return {"commands": commands, "seconds": round(seconds, 3),
            "commands_per_s": round(commands / seconds), "cpu_seconds": round(cpu, 3),
            "commands_per_cpu_s": round(commands / cpu), "trades": ex.trade_seq}


#: commands whose projections a durable run's Store defers (db/projected.py), by batch
DEFER = {1: 1_000, 1000: 10_000}


def durable(path: Path, commands: int, users: int, seed: int, batch: int,
            defer: int | None = None) -> dict:
    """A commit per `batch` commands; projections deferred by `defer` commands (DEFER's
    for the batch when None, 0: in each batch's transaction). The time includes bringing
    the projections up to the journal at the end (`Store.project`)."""
    defer = DEFER.get(batch, 0) if defer is None else defer
    store = Store(f"sqlite:///{path}", defer=defer)
    store.submit(_prepared(setup(users)), 0)
    store.project()
    items = _prepared(orders(commands, users, seed))
    gc.collect()
    start = time.perf_counter()
    cpu = time.process_time()
    for i in range(0, len(items), batch):
        store.submit(items[i:i + batch], time.time_ns())
    store.project()
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    trades = store.ex.trade_seq
    store.close()
    return {"commands": commands, "batch": batch, "defer": defer, "seconds": round(seconds, 3),
            "commands_per_s": round(commands / seconds), "cpu_seconds": round(cpu, 3),
            "commands_per_cpu_s": round(commands / cpu), "trades": trades}


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


def history(n: int, users: int, seed: int, keep: int = 1000, prefix: str = "h"):
    """n commands of trading history that leave about `keep` orders resting however long
    it runs: limits near a drifting touch (some cross), the odd market order, and a cancel
    of the order placed `keep` placements earlier (rejected when it already filled)."""
    rng = random.Random(seed)
    mid = MID_TICKS
    placed: list[tuple[str, str]] = []
    for i in range(n):
        if len(placed) > keep and i % 2:
            owner, cid = placed[-keep - 1]
            del placed[-keep - 1]
            yield {"op": "cancel", "id": cid, "user": owner}
            continue
        user = f"u{rng.randrange(users)}"
        side = "buy" if rng.random() < 0.5 else "sell"
        cid = f"{prefix}{i}"
        if rng.random() < 0.05:
            yield {"op": "market", "id": cid, "user": user, "symbol": "BTC-IRR", "side": side,
                   "qty": "0.0010"}
            continue
        mid += rng.choice((-1, 0, 0, 1))
        ticks = mid - int(rng.expovariate(1 / 8)) + 2 if side == "buy" else \
            mid + int(rng.expovariate(1 / 8)) - 2
        placed.append((user, cid))
        yield {"op": "limit", "id": cid, "user": user, "symbol": "BTC-IRR", "side": side,
               "price": str(ticks * 1000), "qty": f"0.{rng.randint(1, 200):04d}"}


def place_latency(sizes: list[int], users: int = 100, seed: int = 1, samples: int = 5,
                  cli_samples: int = 3, step=lambda label: None) -> dict:
    """`order place` latency against the journal's length: one database grown through each
    size in `sizes` (journal entries, ascending) by batch replay of `history`, and at each
    size the median seconds of (a) a fresh Api opening the database, placing one limit
    order as a trader and closing (what `souq order place` does after its imports) and
    (b) the real `souq order place` process, start-up included. The first size is the
    anchor: `ratio` is each size's (a) over the first's. Flat means ratio near 1."""
    from .api import Api
    out: dict = {"workload": f"history(): about 1000 orders resting at any size, {users} users",
                 "sizes": []}
    with tempfile.TemporaryDirectory(prefix="souq-bench-latency-") as tmp:
        path = Path(tmp) / "latency.db"
        url = f"sqlite:///{path}"
        store = Store(url)
        store.submit(_prepared(setup(users)), 0)
        stream = history(max(sizes), users, seed)
        written = len(setup(users))
        anchor = None
        for size in sorted(sizes):
            while written < size:
                n = min(1000, size - written)
                store.submit(_prepared([next(stream) for _ in range(n)]), time.time_ns())
                written += n
                if not written % 100_000:
                    step(f"latency: wrote {written:,} entries")
            step(f"latency: measuring at {written:,} entries")
            api_times, cli_times = [], []
            for k in range(samples):
                start = time.perf_counter()
                api = Api(url, actor="u0")
                reason = api.execute({"op": "limit", "id": f"lat{size}-{k}", "user": "u0",
                                      "symbol": "BTC-IRR", "side": "buy", "price": "1000",
                                      "qty": "0.0001"}).reason
                api.close()
                api_times.append(time.perf_counter() - start)
                assert reason is None, reason
            for k in range(cli_samples):
                start = time.perf_counter()
                subprocess.run([sys.executable, "-c", "from souq.cli.main import run; run()", "--db",
                                str(path), "--as", "u0", "order", "place", "BTC-IRR", "buy",
                                "0.0001", "--price", "1000", "--id", f"cli{size}-{k}"],
                               check=True, capture_output=True)
                cli_times.append(time.perf_counter() - start)
            store.refresh()
            written = store.journal_length()
            api_s = statistics.median(api_times)
            anchor = anchor or api_s
            out["sizes"].append({
                "journal_entries": written, "open_orders": _open_orders(store),
                "place_s": round(api_s, 4), "cli_place_s": round(statistics.median(cli_times), 3),
                "ratio": round(api_s / anchor, 2)})
        store.close()
    return out


def _open_orders(store: Store) -> int:
    return sum(len(u.open_orders()) for u in store.ex.users.values())


def memory_probe(count: int, users: int) -> dict:
    """Run in a fresh interpreter: resident memory added by `count` resting orders."""
    ex = Exchange()
    for o in setup(users):
        ex.apply(parse_command(o))
    gc.collect()
    before = _rss()
    for o in resting(count, users):
        ex.apply(parse_command(o))
    gc.collect()
    after = _rss()
    s = ex.symbols["BTC-IRR"]
    live = sum(l.count for l in s.bids.values()) + sum(l.count for l in s.asks.values())
    return {"resting_orders": live, "peak_rss_mb": round(_peak_rss() / 2**20, 1),
            "rss_added_mb": round((after - before) / 2**20, 1),
            "bytes_per_order": round((after - before) / max(live, 1))}


def _peak_rss() -> int:
    """This process's peak resident set, bytes: VmHWM, the high-water mark of its own
    address space. Not getrusage's ru_maxrss: Linux carries the parent's high-water mark
    across fork and exec into it, so a probe started by a bench that had grown to 500 MB
    reported 500 MB whatever it held itself."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _ratio(figure: dict, anchor: dict) -> float:
    """souq's commands/s over its anchor's, on the same workload in the same run."""
    return round(figure["commands_per_s"] / anchor["commands_per_s"], 3)


def _ratio_cpu(figure: dict, anchor: dict) -> float:
    """The same by CPU time (`time.process_time`): what other processes' load on the
    machine changes least."""
    return round(figure["commands_per_cpu_s"] / anchor["commands_per_cpu_s"], 3)


def run_benchmarks(*, commands: int, users: int, seed: int, rebuild: int, resting: int,
                   batch1_commands: int, step=lambda label: None) -> dict:
    figures: dict = {"workload": {"users": users, "seed": seed,
                                  "mix": "60% limit, 10% market, 30% cancel, near the touch"},
                     "python": sys.version.split()[0], "cpus": os.cpu_count(),
                     # compiled or pure, and why (engine/native.py; SOUQ_PURE_PYTHON=1)
                     "engine": native.ENGINE.as_dict()}
    from .bench_anchors import bare_matcher, bourse_matcher, plain_inserts
    step(f"in memory, {native.ENGINE.kind} engine")
    figures["in_memory"] = in_memory(commands, users, seed)
    step("anchor: bare matcher")
    figures["in_memory"]["anchor_bare_matcher"] = anchor = bare_matcher(commands, users, seed)
    figures["in_memory"]["ratio"] = _ratio(figures["in_memory"], anchor)
    figures["in_memory"]["ratio_cpu"] = _ratio_cpu(figures["in_memory"], anchor)
    step("anchor: bourse")
    moon = bourse_matcher(commands, users, seed)
    figures["in_memory"]["anchor_bourse"] = moon or {
        "skipped": "bourse is not installed (pip install bourse, or souq's bench extra)"}
    if moon:
        figures["in_memory"]["ratio_bourse"] = _ratio(figures["in_memory"], moon)
    with tempfile.TemporaryDirectory(prefix="souq-bench-") as tmp:
        tmp = Path(tmp)
        for name, n, batch in (("durable_batch_1000", commands, 1000),
                               ("durable_batch_1", batch1_commands, 1)):
            if not n:        # --batch1-commands 0 skips the commit-per-command run
                continue
            step(f"durable, batch {batch}")
            figures[name] = durable(tmp / f"{name}.db", n, users, seed, batch)
            step(f"anchor: plain sqlite3 inserts, batch {batch}")
            anchor = plain_inserts(tmp / f"{name}-plain.db", n, users, seed, batch)
            figures[name]["anchor_plain_sqlite"] = anchor
            figures[name]["ratio"] = _ratio(figures[name], anchor)
            figures[name]["ratio_cpu"] = _ratio_cpu(figures[name], anchor)
        if rebuild:
            step("rebuild")
            figures["rebuild"] = rebuild_run(tmp / "rebuild.db", rebuild, users, seed, step)
    if resting:
        step("memory")
        code = ("import json,sys; from souq.db.bench import memory_probe; "
                f"print(json.dumps(memory_probe({int(resting)}, {int(users)})))")
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True)
        figures["memory"] = json.loads(proc.stdout)
    return figures
