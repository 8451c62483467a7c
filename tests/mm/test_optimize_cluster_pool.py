"""mm.optimize.ClusterPool's refusals, on in-process Dask clusters: a scheduler with no
worker, and an evaluation that raises on a worker, each a SearchError that says so (the
CLI prints it as one line; the real two-process cluster is tests/cli/test_optimize_cluster.py)."""
import pytest

from souq.mm.optimize import SearchError, cluster as C


def _fails(point, fold):
    raise ZeroDivisionError(f"point {point['x']} divides by zero")


def _double(point, fold):
    return point["x"] * 2


@pytest.fixture
def local_cluster():
    from distributed import LocalCluster

    def make(workers: int):
        c = LocalCluster(n_workers=workers, threads_per_worker=1, processes=False,
                         protocol="tcp", host="127.0.0.1", dashboard_address=None)
        made.append(c)
        return c.scheduler_address
    made = []
    yield make
    for c in made:
        c.close()


def test_jobs_come_back_in_job_order(local_cluster):
    ticks = []
    with C.ClusterPool(local_cluster(1), _double) as pool:
        assert pool.map([({"x": n}, None) for n in range(5)], lambda: ticks.append(1)) == \
            [0, 2, 4, 6, 8]
    assert len(ticks) == 5


def test_a_scheduler_with_no_worker_is_refused(local_cluster, monkeypatch):
    monkeypatch.setattr(C, "CONNECT_TIMEOUT_S", 1)
    address = local_cluster(0)
    with pytest.raises(SearchError) as got:
        with C.ClusterPool(address, _double):
            pass
    assert got.value.worded({"cluster": "--cluster"}) == \
        f"--cluster: the scheduler at {address} has no worker"


def test_an_evaluation_that_fails_on_a_worker_is_named(local_cluster):
    with pytest.raises(SearchError) as got:
        with C.ClusterPool(local_cluster(1), _fails) as pool:
            pool.map([({"x": 1}, None)], lambda: None)
    assert str(got.value) == ("an evaluation failed on the cluster: ZeroDivisionError: "
                              "point 1 divides by zero")
