"""The report of a run on a remote venue (`souq mm run --venue`) that has no fill: the local
database holds its configuration, run row, samples and alerts but neither the venue's
symbols nor its trades, so the figures come from the samples the runner recorded (its
inventory, equity and mark about once a second, and once more as it stopped).

A run with fills is reported in full by mm/desk/report.py from the fills the runner kept
(db.desk.fills)."""
from decimal import Decimal


def remote_report(run: dict, cfg: dict, samples: list[dict], alerts: dict,
                  max_drawdown) -> dict:
    """`run`, `cfg` rows, `samples` (db.desk.samples), `alerts` (the report's alert block),
    `max_drawdown` (the report's function over equities); the figures as text."""
    last = samples[-1] if samples else None
    equity = [Decimal(s["equity"]) for s in samples if s["equity"] is not None]
    inventory = [Decimal(s["inventory"]) for s in samples if s["inventory"] is not None]
    total = equity[-1] if equity else Decimal(0)
    text = lambda d: None if d is None else format(d.normalize(), "f")   # noqa: E731
    return {
        "run": run["id"], "name": run["name"], "version": run["version"],
        "template": cfg["template"], "symbol": cfg["symbol"], "user": cfg["user"],
        "mode": run["mode"], "state": run["state"], "reason": run["reason"],
        "started_ts": run["started_ts"], "stopped_ts": run["stopped_ts"],
        "venue": "remote", "mid": None if last is None or last["mid"] is None
        else text(Decimal(last["mid"])),
        "assets_start": {"base": run["base_start"], "quote": run["quote_start"]},
        "trades": {"count": 0},
        "pnl": {"realised": "0", "unrealised": text(total), "fees": "0", "total": text(total)},
        "inventory": text(inventory[-1]) if inventory else "0",
        "max_inventory": text(max(map(abs, inventory))) if inventory else "0",
        "max_drawdown": text(max_drawdown(equity + [total])),
        "samples": len(samples), "alerts": alerts,
        "note": "market on a remote venue: no fill, so the figures are the samples'",
    }
