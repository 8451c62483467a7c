"""Where each configuration stands: its newest run and what it has earned since it started.

Figures come from the database (the run row and the trades table), never from a runner's
memory, so they survive restarts. The position is the headline of the run's report
(mm.desk.report: the run's trades, average cost, valued at the run's mark), which comes
whole under `report`.
"""
from datetime import datetime, timezone

from souq.db import desk as D

from . import watchdog
from .configs import get, listing
from .report import report


def status(api, name: str | None = None) -> list[dict]:
    """One entry per configuration (only `name` when given), by name. Runs whose runner
    died are buried first (mm.desk.watchdog), so the state shown is the truth."""
    watchdog.reap(api, api.clock(), name=name)
    cfgs = [{**get(api, name), "run": _newest(api, name)}] if name else listing(api)
    return [_entry(api, cfg) for cfg in cfgs]


def when(ts: int | None) -> str:
    """Nanoseconds since the epoch as a UTC time a person reads."""
    if ts is None:
        return "-"
    return datetime.fromtimestamp(ts / 1e9, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def _entry(api, cfg: dict) -> dict:
    run = cfg["run"]
    out = {"name": cfg["name"], "version": cfg["version"], "template": cfg["template"],
           "symbol": cfg["symbol"], "user": cfg["user"], "stage": cfg["stage"],
           "state": run["state"] if run else "never run", "run": None}
    if run is None:
        return out
    out["run"] = {k: run[k] for k in ("id", "version", "mode", "pid", "started_ts",
                                      "stopped_ts", "reason")}
    out["run"]["started"] = when(run["started_ts"])
    out["report"] = r = report(api, run["id"])
    out["position"] = _position(r)
    return out


def _position(r: dict) -> dict:
    """The headline of the run's report: the same trades, valued at the same mark."""
    pnl = r["pnl"]
    return {"trades": r["trades"]["count"], "inventory": r["inventory"], "mid": r["mid"],
            "realised": pnl["realised"], "unrealised": pnl["unrealised"],
            "fees": pnl["fees"], "pnl": pnl["total"]}


def _newest(api, name: str) -> dict | None:
    rows = api.read(D.runs, name, 1)
    return rows[0] if rows else None
