"""A search's evaluations on a Dask distributed cluster (`souq optimize ... --cluster
ADDRESS`): the same jobs as the local pool (mm/optimize/pool.py), sent to the scheduler at
ADDRESS, their results put back in job order, so the ranking is the local run's.

Why Dask distributed and not Ray: it is pure Python and pip-installable next to souq on
any machine (`pip install 'souq[cluster]'`), a cluster is two commands (`dask scheduler`,
then `dask worker tcp://HOST:8786` on each machine), and it needs nothing souq does not
already have (no object store, no separate runtime to keep at one version with ours).

The evaluation (an mm.optimize.Backtest: configuration, objective, and the data set's rows
when the workers cannot reach the database) is sent to every worker once; each job then
carries only its point and fold. Workers need souq installed at the same version."""
from __future__ import annotations

import re

from .errors import SearchError

CONNECT_TIMEOUT_S = 10          # seconds to reach the scheduler before giving up
_ADDRESS = re.compile(r"(?:(?:tcp|tls)://)?[A-Za-z0-9.\-]+:[0-9]{1,5}|"
                      r"(?:(?:tcp|tls)://)?\[[0-9A-Fa-f:]+\]:[0-9]{1,5}")


def check_address(address: str) -> str:
    """`address` when it is a scheduler address Dask can dial (tcp://HOST:PORT,
    tls://HOST:PORT or HOST:PORT; HOST a name, IPv4 or [IPv6]); else SearchError."""
    if not _ADDRESS.fullmatch(address) or not 0 < int(address.rsplit(":", 1)[1]) < 65536:
        raise SearchError("{cluster} must be a scheduler address, tcp://HOST:PORT, not "
                          "{address!r}", address=address)
    return address


def _evaluate(evaluate, point: dict, fold):
    """A worker's job: `evaluate(point, fold)` (module level, so it pickles by name)."""
    return evaluate(point, fold)


class ClusterPool:
    """The Pool interface (`with`, `map(jobs, tick)`) over the Dask scheduler at `address`
    (e.g. "tcp://10.0.0.5:8786"). Raises SearchError when Dask is not installed, the
    scheduler cannot be reached, it has no worker, or an evaluation failed on a worker."""

    def __init__(self, address: str, evaluate) -> None:
        self.address, self.evaluate = check_address(address), evaluate
        self.client = None
        self.shared = None

    def __enter__(self):
        try:
            import logging

            from distributed import Client
        except ImportError:
            raise SearchError("a cluster search needs Dask distributed: pip install "
                              "'souq[cluster]'") from None
        # the client's own chatter (reconnects, version notes) is not the user's output
        logging.getLogger("distributed").setLevel(logging.CRITICAL)
        try:
            self.client = Client(self.address, timeout=CONNECT_TIMEOUT_S,
                                 set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SearchError("{cluster}: cannot reach the scheduler at {address}: {why}",
                              address=self.address,
                              why=str(exc).splitlines()[0] if str(exc) else
                              type(exc).__name__) from None
        try:
            self.client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError):
            self.client.close()
            raise SearchError("{cluster}: the scheduler at {address} has no worker",
                              address=self.address) from None
        self.shared = self.client.scatter(self.evaluate, broadcast=True, hash=False)
        return self

    def __exit__(self, *exc):
        if self.client is not None:
            self.client.close()

    def map(self, jobs: list[tuple], tick) -> list:
        """`jobs` are (point, fold); their evaluations in job order; `tick()` after each."""
        from distributed import as_completed
        futures = [self.client.submit(_evaluate, self.shared, point, fold, pure=False)
                   for point, fold in jobs]
        index = {f.key: n for n, f in enumerate(futures)}
        out = [None] * len(jobs)
        for fut in as_completed(futures, loop=self.client.loop):
            if fut.status == "error":
                exc = fut.exception()
                for f in futures:
                    f.cancel()
                raise SearchError("an evaluation failed on the cluster: {why}",
                                  why=f"{type(exc).__name__}: {exc}")
            out[index[fut.key]] = fut.result()
            tick()
        return out
