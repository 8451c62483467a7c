"""The worker pool of a search: in this process for one worker, else processes that end
with their parent."""
import os
from concurrent.futures import ProcessPoolExecutor, as_completed


class Pool:
    """In this process for one worker; else a process pool. `map` keeps job order."""

    def __init__(self, workers: int, evaluate) -> None:
        self.workers, self.evaluate = workers, evaluate
        self.ex = None

    def __enter__(self):
        if self.workers > 1:
            import multiprocessing as mp
            ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
            self.ex = ProcessPoolExecutor(self.workers, mp_context=ctx,
                                          initializer=_die_with_parent)
        return self

    def __exit__(self, *exc):
        if self.ex is not None:
            self.ex.shutdown(cancel_futures=True)

    def map(self, jobs: list[tuple], tick) -> list:
        if self.ex is None:
            out = []
            for point, fold in jobs:
                out.append(self.evaluate(point, fold))
                tick()
            return out
        futures = {self.ex.submit(self.evaluate, p, f): n for n, (p, f) in enumerate(jobs)}
        out = [None] * len(jobs)
        for fut in as_completed(futures):
            out[futures[fut]] = fut.result()
            tick()
        return out


def _die_with_parent() -> None:
    """Worker start-up: a watcher thread ends this worker as soon as the process that
    started it is gone, even after a kill -9 that gave the pool no chance to stop it.
    It waits on multiprocessing's parent sentinel (a pipe the parent holds open)."""
    import multiprocessing as mp
    import threading
    from multiprocessing.connection import wait
    parent = mp.parent_process()
    if parent is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(1)
    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()
