"""`souq bench --surveil`: can the online follower keep up with the durable exchange?

The exchange's seeded mixed workload (engine.workload) is written durably in batches of
1,000 commands (the durable benchmark's shape) and timed: journal entries written per
second. Then a follower processes that journal from the start, reading in batches and
committing alerts, cases, its cursor and its state per batch as it does live: journal
entries processed per second. Both run in this one process, one after the other, so
each has the core to itself; the ratio processed / written above 1 means it keeps up.
`cpu_ratio` is the same ratio in CPU seconds (written / followed), the figure to read on
a machine other work shares."""
import gc
import tempfile
import time
from pathlib import Path

from souq.db.bench import _prepared
from souq.db.store import Store
from souq.engine.workload import orders, setup

from .follower import Follower


def run_surveil_bench(commands: int = 50_000, users: int = 1000, seed: int = 1,
                      batch: int = 1000, step=None) -> dict:
    with tempfile.TemporaryDirectory(prefix="souq-bench-surveil-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        store = Store(url)
        last = store.submit(_prepared(setup(users)), time.time_ns())
        items = _prepared(orders(commands, users, seed))
        if step:
            step("writing the journal")
        gc.collect()
        start, cpu = time.perf_counter(), time.process_time()
        for i in range(0, len(items), batch):
            last = store.submit(items[i:i + batch], time.time_ns())
        written_s, written_cpu = time.perf_counter() - start, time.process_time() - cpu
        entries = last.outcomes[-1].seq           # the journal's length
        store.close()
        if step:
            step("following it")
        follower = Follower(Store(url, create=False).engine)
        gc.collect()
        start, cpu = time.perf_counter(), time.process_time()
        alerts = 0
        while True:
            p = follower.poll()
            alerts += len(p.alerts)
            if not p.entries:
                break
        follow_s, follow_cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"entries": entries,
            "written_per_s": round(entries / written_s), "written_cpu_s": round(written_cpu, 3),
            "processed_per_s": round(entries / follow_s), "processed_cpu_s": round(follow_cpu, 3),
            "ratio": round(written_s / follow_s, 2),
            "cpu_ratio": round(written_cpu / follow_cpu, 2) if follow_cpu else None,
            "alerts": alerts}
