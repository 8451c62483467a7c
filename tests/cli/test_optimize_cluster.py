"""`souq optimize ... --cluster ADDRESS` on a real Dask cluster started here: a scheduler
and two worker processes on loopback (issue 16, "beyond one machine"). The cluster's
ranking is the local run's, point for point and fold for fold, for a scenario search and
for a data search (its rows travel with the evaluation: the workers never open the
SQLite file); both workers take part; a bad or unreachable address is one line, exit 1,
and nothing is stored."""
import json
import subprocess
import sys
import time

import pytest

from souq.db import optimize as O
from souq.db.api import Api

pytestmark = pytest.mark.slow

UP = 120.0           # seconds for the cluster to come up: only a broken one waits this long


def _until(condition, what: str) -> None:
    end = time.monotonic() + UP
    while not condition():
        assert time.monotonic() < end, f"gave up waiting for {what}"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """The scheduler's address; two single-threaded worker processes attached to it."""
    from distributed import Client
    home = tmp_path_factory.mktemp("dask")
    info = home / "scheduler.json"
    log = open(home / "cluster.log", "w")
    cmd = [sys.executable, "-m"]
    procs = [subprocess.Popen([*cmd, "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                               "--port", "0", "--no-dashboard", "--scheduler-file", str(info)],
                              cwd=home, stdout=log, stderr=log, stdin=subprocess.DEVNULL)]
    try:
        _until(lambda: info.exists() and info.stat().st_size > 0, "the scheduler")
        address = json.loads(info.read_text())["address"]
        for _ in range(2):
            procs.append(subprocess.Popen(
                [*cmd, "distributed.cli.dask_worker", address, "--nworkers", "1",
                 "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1"],
                cwd=home, stdout=log, stderr=log, stdin=subprocess.DEVNULL))
        with Client(address, set_as_default=False) as c:
            c.wait_for_workers(2, timeout=UP)
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        log.close()


def executed(address: str) -> list[int]:
    """Tasks each worker has run so far, in worker order."""
    from distributed import Client
    with Client(address, set_as_default=False) as c:
        counts = c.run(lambda dask_worker: dask_worker.state.executed_count)
    return [counts[w] for w in sorted(counts)]


SCENARIO = ("optimize", "fixed-btc", "--grid", "bid_spread_bps=1,4,8", "--grid",
            "ask_spread_bps=1:4:2", "--scenario", "normal", "--duration", "4", "--seed", "3",
            "--objective", "pnl", "--walk-forward", "3")


def test_a_scenario_search_on_the_cluster_ranks_as_the_local_one(desk_souq, cluster):
    before = executed(cluster)
    far, here = desk_souq.jsons((*SCENARIO, "--cluster", cluster), (*SCENARIO, "--workers", "1"))
    after = executed(cluster)
    # 6 points on 2 in-sample folds, then the last fold for the one chosen point
    assert sum(after) - sum(before) == 13
    assert all(a > b for a, b in zip(after, before)), (before, after)   # both took part
    assert far["ranking"] == here["ranking"] and len(far["ranking"]) == 6
    assert far["walk_forward"] == here["walk_forward"]
    assert [r["objective"] for r in far["ranking"]] == sorted(
        (r["objective"] for r in far["ranking"]), reverse=True)


T0 = 1_709_285_400_000_000_000


def trades_csv(n: int) -> str:
    """A seeded walk of n BTC-IRR trades, one a second, around 100,000,000 IRR."""
    import random
    rnd = random.Random(7)
    price, lines = 100_000_000, ["time,price,qty,side"]
    for i in range(n):
        price += rnd.choice((-1, 1)) * rnd.randint(1, 4) * 50_000
        lines.append(f"{T0 + i * 1_000_000_000},{price},0.0{rnd.randint(1, 9)},"
                     f"{rnd.choice(('buy', 'sell'))}")
    return "\n".join(lines) + "\n"


def test_a_data_search_ships_its_rows_and_ranks_as_the_local_one(desk_souq, cluster, tmp_path):
    (tmp_path / "walk.csv").write_text(trades_csv(600))
    desk_souq.ok("data", "import", tmp_path / "walk.csv", "--name", "walk", "--kind", "trades",
                 "--symbol", "BTC-IRR")
    search = ("optimize", "fixed-btc", "--grid", "bid_spread_bps=5,20,60", "--grid",
              "fair_source=last", "--data", "walk", "--objective", "pnl", "--walk-forward", "2")
    far, here = desk_souq.jsons((*search, "--cluster", cluster), (*search, "--workers", "1"))
    assert far["ranking"] == here["ranking"] and far["walk_forward"] == here["walk_forward"]
    assert far["folds"] == here["folds"] and len(far["folds"]) == 2
    # the data set did reach the workers: each fold's 300 trades, and fills
    assert {r["folds"][0]["events"] for r in far["ranking"]} == {300}
    assert all(r["folds"][0]["fills"] > 0 for r in far["ranking"]), far["ranking"]
    # a mid-priced quoter on a trades-only set is refused, as `souq backtest` refuses it,
    # instead of ranking empty runs
    desk_souq.fails("optimize", "fixed-btc", "--grid", "bid_spread_bps=5,20", "--data", "walk",
                    "--cluster", cluster, match="fair_source=mid needs book data")


def test_a_bad_or_unreachable_cluster_is_one_line_and_stores_nothing(desk_souq, cluster):
    g = ("optimize", "fixed-btc", "--grid", "bid_spread_bps=1,4", "--scenario", "normal",
         "--duration", "2")
    desk_souq.fail_all([
        ((*g, "--cluster", "nonsense:://x"), None,
         "--cluster must be a scheduler address, tcp://HOST:PORT, not 'nonsense:://x'"),
        ((*g, "--cluster", "tcp://127.0.0.1:99999"), None, "--cluster must be a scheduler"),
        ((*g, "--cluster", "tcp://127.0.0.1:9"), None,
         "--cluster: cannot reach the scheduler at tcp://127.0.0.1:9"),
    ])
    api = Api(str(desk_souq.db))
    try:
        with api.db.connect() as conn:
            assert O.searches(conn) == []
    finally:
        api.close()
