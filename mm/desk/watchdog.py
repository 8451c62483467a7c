"""The dead-man's switch: a runner that stops beating is declared dead, its quotes are
pulled and an alert says so.

A runner (mm.desk.runner.ApiRunner) writes `heartbeat_ts` on its run row at every poll
(about every 0.5 s). A run is dead when its process is known to be gone on this machine,
or when its heartbeat is older than LAPSE (a process on another host, or one that hangs).
Whoever looks first buries it: `souq mm status|start|stop`, the workstation's desk pane,
and every other live runner at each poll. Burying marks the row dead (one winner, by a
conditional update), cancels the run's open orders (client ids `mm<run>.*`) and logs a
critical alert under the configuration's name. A runner that was only slow and finds its
row dead stops at its next poll without touching the book again.
"""
import os

from souq.db import desk as D
from souq.engine.model import ADMIN
from souq.engine.timeunits import SECOND
from souq.mm.venue.database import DatabaseVenue
from souq.mm.venue.ports import Cancel

from .launch import alive

LAPSE = int(float(os.environ.get("SOUQ_MM_HEARTBEAT_LAPSE", "10")) * SECOND)


def why_dead(row: dict, now: int, lapse: int = LAPSE) -> str | None:
    """Why an active run counts as dead at `now` (ns), or None while it lives."""
    pid = row["pid"]
    if pid and not alive(pid):
        return f"runner process {pid} is gone"
    beat = row.get("heartbeat_ts") or row["started_ts"]
    if now - beat > lapse:
        return f"no heartbeat for {(now - beat) / SECOND:.0f} s (limit {lapse / SECOND:g} s)"
    return None


def reap(api, now: int, *, name: str | None = None, lapse: int = LAPSE,
         skip: int | None = None) -> list[dict]:
    """Bury every active run (of `name`, else any; not run `skip`) that is dead at `now`
    and that the acting user may act for (an admin: all; a market maker: its own); the
    buried rows, as they are now."""
    buried = []
    admin = api.role() == ADMIN
    for row in api.read(D.active_runs):
        if row["id"] == skip or (name is not None and row["name"] != name):
            continue
        why = why_dead(row, now, lapse)
        if why is not None and (admin or api.read(D.config, row["name"])["user"] == api.actor):
            row = bury(api, row, why, now)
            if row is not None:
                buried.append(row)
    return buried


def bury(api, row: dict, why: str, now: int) -> dict | None:
    """Mark `row` dead, cancel its open orders, raise the alert; the new row, or None when
    another watcher (or the runner) ended it first."""
    cfg = api.read(D.config, row["name"], row["version"])
    if cfg is None or not D.mark_dead(api.db, row["id"], now, f"dead: {why}"):
        return None
    n = cancel_leftovers(api, row["id"], cfg["user"])
    text = (f"run {row['id']} of {row['name']} is dead ({why}); marked dead and cancelled "
            f"its {n} open order{'s' if n != 1 else ''}")
    D.log_alert(api.db, now, row["name"], "critical", "dead_runner", text)
    return api.read(D.run, row["id"])


def cancel_leftovers(api, run_id: int, user: str) -> int:
    """Cancel every open order a run placed (client ids mm<run>.*) as the acting user; how
    many were cancelled."""
    api.refresh()
    venue = DatabaseVenue(api)
    prefix = f"mm{run_id}."
    cids = sorted(cid for cid in (venue.open_cids(user) if venue.has_user(user) else ())
                  if cid.startswith(prefix))
    if not cids:
        return 0
    return sum(r is None for r in venue.submit([Cancel(c) for c in cids], user))
