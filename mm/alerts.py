"""Which exchange events deserve a person's attention, and how loudly.

Fed by the journal. Strategy and risk alerts come from the desk's alert log
(mm/desk/alerts.py) and reach the workstation in the same shape.
"""
from dataclasses import dataclass

import orjson

INFO, WARNING, CRITICAL = "info", "warning", "critical"


@dataclass(frozen=True)
class Alert:
    """One alert, from the journal, the desk's rules or its alert log: `seq` the journal
    entry or log row it came from (None for a desk alert not yet logged), `ts` when (ns),
    `severity` INFO, WARNING or CRITICAL, `text` what a person reads, `kind` what raised
    it (a desk rule's name: inventory, drawdown, kill_switch ...; "" for the journal's)."""
    seq: int | None
    ts: int
    severity: str
    text: str
    kind: str = ""


def journal_alerts(rows, user: str, own_orders: set[int]) -> list[Alert]:
    """The acting user's rejections and fills, and every session change, in journal rows
    as db.queries.journal_since reads them (their events as the journal's JSON text)."""
    return entry_alerts(((r["seq"], r["ts"], r["actor"], r["op"], r["status"], r["reason"],
                          orjson.loads(r["events"])) for r in rows), user, own_orders)


def entry_alerts(entries, user: str, own_orders: set[int]) -> list[Alert]:
    """The same from (seq, ts, actor, op, status, reason, events) tuples whose events are
    decoded already (db.store.Entry: what the store applied, not read back)."""
    out = []
    for seq, ts, actor, op, status, reason, events in entries:
        if status == "rejected" and actor == user:
            out.append(Alert(seq, ts, WARNING, f"{op} rejected: {reason}"))
        for ev in events:
            if ev[0] == "session":
                out.append(Alert(seq, ts, INFO, f"session {ev[2]} for {ev[1]}"))
            elif ev[0] == "order" and ev[1] in own_orders and ev[2] in ("filled", "expired"):
                why = f": {ev[3]}" if ev[3] else ""
                out.append(Alert(seq, ts, INFO, f"order {ev[1]} {ev[2]}{why}"))
    return out
