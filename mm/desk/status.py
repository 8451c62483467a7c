"""Where each configuration stands: its newest run and what it has earned since it started.

Figures come from the database (the run row and the trades table), never from a runner's
memory, so they survive restarts. The position is the configuration's user's in its symbol
counted from the run's start (average cost, marked at the mid; see mm/pnl.py); the run's
full report (mm.desk.report) comes under `report`.
"""
from datetime import datetime, timezone
from decimal import Decimal

from db import desk as D
from db import queries as Q
from db.queries import _plain

from ..pnl import position
from . import watchdog
from .configs import get, listing
from .report import report

PRICE, MONEY = Decimal("1e-9"), Decimal("1e-18")   # engine/numbers.py's grids


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
    out["position"] = _position(api, cfg, run)
    out["report"] = report(api, run["id"])
    return out


def _position(api, cfg: dict, run: dict) -> dict:
    trades = [t for t in api.read(Q.trades, user=cfg["user"], symbol=cfg["symbol"])
              if t["seq"] > run["start_seq"]]
    mid = _mid(api, cfg["symbol"])
    p = position(trades, cfg["user"], mid)
    total = p.realised + p.unrealised - p.fees
    return {"trades": len(trades), "inventory": _plain(p.qty),
            "avg_price": _plain(p.avg_price.quantize(PRICE)),
            "mid": None if mid is None else _plain(mid.quantize(PRICE)),
            "realised": _money(p.realised), "unrealised": _money(p.unrealised),
            "fees": _money(p.fees), "pnl": _money(total)}


def _money(d: Decimal) -> str:
    return _plain(d.quantize(MONEY))


def _mid(api, symbol: str) -> Decimal | None:
    book = api.read(Q.book, symbol, 1)
    if book["bids"] and book["asks"]:
        return (Decimal(book["bids"][0]["price"]) + Decimal(book["asks"][0]["price"])) / 2
    last = api.read(Q.symbol, symbol)["last_price"]
    return Decimal(last) if last is not None else None


def _newest(api, name: str) -> dict | None:
    rows = api.read(D.runs, name, 1)
    return rows[0] if rows else None
