"""What a market maker watches for each running strategy: its live quotes, its recent
fills and its running figures, read from the database in the desk facade's worker.

Distances are from the desk's one mark (mm/desk/mark.py on the stored book:
`report.stored_mark`, the mid of the others' best bid and ask); fees are each fill's own
leg (`report._sides`, the report's rule), so the pane and `mm report` agree.
"""
from dataclasses import dataclass
from decimal import Decimal

from souq.db import desk as D
from souq.db import queries as Q
from souq.mm import display
from souq.mm.desk.report import _sides, run_trades, stored_mark

FILLS = 20          # recent fills kept per strategy


@dataclass(frozen=True)
class Quote:
    side: str
    price: str
    size: str           # what is left to fill
    bps: Decimal | None  # (price - mid) / mid x 10,000: negative below the mid
    age_ns: int | None   # since the order was placed


@dataclass(frozen=True)
class Fill:
    trade: int
    ts: int
    side: str           # the strategy's side
    price: str
    qty: str
    fee: str            # the strategy's fee on this leg, in the quote asset


@dataclass(frozen=True)
class MakerView:
    """One active run (running, paused or stopping) of configuration `name`."""
    name: str
    run_id: int
    state: str
    symbol: str
    user: str
    mid: str | None
    quotes: tuple[Quote, ...]       # asks high to low, then bids high to low
    fills: tuple[Fill, ...]         # newest first, at most FILLS


def maker_views(conn, now: int) -> tuple[MakerView, ...]:
    """A MakerView for every active run, at wall-clock `now` (ns)."""
    out = []
    for run in D.active_runs(conn):
        cfg = D.config(conn, run["name"], run["version"])
        user, symbol = cfg["user"], cfg["symbol"]
        mid = stored_mark(conn, symbol, user)
        orders = Q.orders(conn, user=user, status="open", symbol=symbol)
        placed = Q.journal_times(conn, (o["id"] for o in orders))
        quotes = sorted((Quote(o["side"], o["price"], str(Decimal(o["qty"]) - Decimal(o["filled"])),
                               display.distance_bps(o["price"], mid),
                               now - placed[o["id"]] if o["id"] in placed else None)
                         for o in orders if o["price"] is not None),
                        key=lambda q: (q.side != "sell", -Decimal(q.price)))
        fills = []
        for t in reversed(run_trades(conn, run, cfg)[-FILLS:]):
            if t["symbol"] != symbol:
                continue
            for side, fee in _sides(t, user):
                fills.append(Fill(t["id"], t["ts"], side, t["price"], t["qty"], str(fee)))
        out.append(MakerView(run["name"], run["id"], run["state"], symbol, user,
                             None if mid is None else str(mid), tuple(quotes),
                             tuple(fills[:FILLS])))
    return tuple(out)


def new_fills(views, seen: dict[int, int] | None
              ) -> tuple[tuple[tuple[str, Fill], ...], dict[int, int]]:
    """Fills newer than `seen` ({run id: newest trade id shown}) as (strategy name, fill),
    oldest first, and the new `seen`. With `seen` None (the first read) nothing is news:
    what was there when the workstation opened is history. A run that started later has
    every fill as news."""
    news, now_seen = [], dict(seen or {})
    for v in views:
        last = now_seen.get(v.run_id, 0)
        if seen is not None:
            news += [(v.name, f) for f in reversed(v.fills) if f.trade > last]
        now_seen[v.run_id] = max([last] + [f.trade for f in v.fills])
    return tuple(news), now_seen
