"""A stand-in for `souq mm run NAME` (desk-runner's), speaking the agreed run-row protocol:
write a running row, poll it (beating its heartbeat), on `stopping` set `stopped` and exit. FAKE_RUNNER picks a
misbehaviour: `fail` (exits 2 before any row), `mute` (never writes a row), `deaf` (ignores
stopping), `die` (writes its row, then exits without stopping it)."""
import os
import sys
import time

from souq.db import desk as D
from souq.db.api import Api


def main(url: str, name: str, sim: bool) -> int:
    how = os.environ.get("FAKE_RUNNER", "ok")
    if how == "fail":
        print(f"error: fake runner refused {name}", file=sys.stderr)
        return 2
    if how == "mute":
        time.sleep(60)
        return 0
    api = Api(url)
    cfg = api.read(D.config, name)
    run_id = D.start_run(api.db, name, cfg["version"], "sim" if sim else cfg["stage"],
                         api.clock(), api.store.ex.seq, "0", "0", pid=os.getpid())
    if how == "die":
        return 0
    while True:
        D.beat(api.db, run_id, api.clock())          # the heartbeat the watchdog looks for
        state = api.read(D.run, run_id)["state"]
        if state == "stopping" and how != "deaf":
            D.set_run_state(api.db, run_id, "stopped", ts=api.clock(), reason="asked to stop")
            return 0
        time.sleep(0.05)


if __name__ == "__main__":
    args = sys.argv[1:]
    sim = "--sim" in args
    args = [a for a in args if a != "--sim"]
    sys.exit(main(args[0], args[1], sim))
