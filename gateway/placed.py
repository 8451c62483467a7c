"""When each order was placed, for OrderOut's created_at, on every path that answers an order.

An order's id is the journal seq of the command that placed it, so its created_at is that
journal entry's time (db.queries.journal_times). The committer knows it for the orders its
own batch placed (the batch's ts); any other order row (one placed earlier and now
cancelled, filled or amended, or one another process wrote) needs that read. `PlacedTimes`
remembers the time of open orders so the feed reads each at most once, and forgets an order
when it closes (memory: one entry per open order seen).
"""
from souq.db import queries as Q
from souq.engine.model import OPEN_STATUSES


class PlacedTimes:
    """{order id: placed ns} for the open orders a feed has published or a route answered
    (one per gateway: Feed.placed, which routes.orders._placed_at fills through too).

    `fill(rows, read)` gives every order-row dict (db.queries or gateway.committer shape: "id"
    and "status") a "placed_ts" (ns since the epoch, or None when the journal has no such
    entry): its own if it carries one, else a remembered one, else one `read(ids)` for the
    rest (a callable returning {seq: ts}, e.g. db.queries.journal_times on a connection).
    Rows are changed in place and returned. Not locked: the feed holds its lock, a route
    does not, so two threads may read the same time twice (dict get/set/pop are atomic)."""

    def __init__(self) -> None:
        self.known: dict[int, int] = {}

    def fill(self, rows: list[dict], read) -> list[dict]:
        missing = []
        for r in rows:
            ts = r.get("placed_ts")
            if ts is None:
                ts = self.known.get(r["id"])
                if ts is None:
                    missing.append(r)
                    continue
                r["placed_ts"] = ts
            self._keep(r)
        if missing:
            times = read([r["id"] for r in missing])
            for r in missing:
                r["placed_ts"] = times.get(r["id"])
                self._keep(r)
        return rows

    def _keep(self, row: dict) -> None:
        if row["status"] in OPEN_STATUSES and row["placed_ts"] is not None:
            self.known[row["id"]] = row["placed_ts"]
        else:
            self.known.pop(row["id"], None)


def reader(engine):
    """A `read(ids)` for PlacedTimes.fill that opens its own connection on `engine`."""
    def read(ids):
        with engine.connect() as conn:
            return Q.journal_times(conn, ids)
    return read
