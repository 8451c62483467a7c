"""Issue 10 item 14 (second half): `optimize` worker processes die with their parent.

The parent is killed with SIGKILL, so nothing of its own clean-up runs; the workers must
notice on their own and end. Every wait is for a condition (the workers to appear, then
to be gone), never for a time."""
import os
import signal
import time
from pathlib import Path

import pytest

from souq_cli import Souq

pytestmark = pytest.mark.slow


def _children(pid: int) -> set[int]:
    """Live (not zombie) processes whose parent is `pid`."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _until(condition, what: str, limit: float = 300.0):
    """Poll `condition` until true; `limit` only stops a broken run from hanging."""
    end = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < end, f"gave up waiting for {what}"
        time.sleep(0.05)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc")
def test_workers_die_when_the_optimiser_is_killed(desk_souq: Souq):
    proc = desk_souq.popen("optimize", "fixed-btc", "--grid", "bid_spread_bps=1:40:40",
                           "--scenario", "normal", "--duration", "600", "--workers", "2",
                           stdout=open(os.devnull, "w"), stderr=open(os.devnull, "w"))
    try:
        _until(lambda: len(_children(proc.pid)) >= 2 or proc.poll() is not None,
               "two optimize workers")
        assert proc.poll() is None, "optimize ended before its workers started"
        workers = _children(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        _until(lambda: not any(_alive(w) for w in workers), "the workers to end")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
