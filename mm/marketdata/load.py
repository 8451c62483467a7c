"""Stored data sets back as events, in time (= file) order, streamed from the database."""
from souq.db import marketdata as D
from souq.engine.model import BUY, SELL
from souq.db.load import to_int
from souq.db.memo import cached

from .events import BookEvent, SnapshotEvent, TradeEvent

_BOOK_SIDE = {"bid": BUY, "ask": SELL}


def info(conn, name: str) -> dict:
    """The data set's md_sets row (kind, symbol, rows, first_ts, last_ts...)."""
    found = D.get_set(conn, name)
    if found is None:
        raise ValueError(f"no data set {name!r}")
    return found


def load(conn, name: str, start: int | None = None, end: int | None = None):
    """Events with start <= ts < end (ns), in order: TradeEvent for a trades set;
    BookEvent for a book set, with SnapshotEvent(ts) before each snapshot, i.e. each run
    of snapshot rows that share one time. Prices and sizes in engine units (1e-9)."""
    kind = info(conn, name)["kind"]
    rows = D.plain_rows(conn, kind, name, start, end)
    return _trades(rows) if kind == "trades" else _book(rows)


MEMO = 65_536          # distinct numbers remembered while loading (prices repeat)


def _numbers():
    """A parser of stored numbers: the importer wrote them with engine.numbers.fmt after
    checking them (mm/marketdata/importer.py), so they are trusted text from our own
    table (db.load.to_int); prices and sizes repeat, so each distinct text is parsed once
    (up to MEMO of them, then the memo starts afresh: db.memo.cached)."""
    return cached(to_int, MEMO)


def _trades(rows):
    num = _numbers()
    for ts, price, qty, side in rows:
        yield TradeEvent(ts, num(price), num(qty), side)


def _book(rows):
    num = _numbers()
    in_snapshot = None       # the time of the snapshot being read, if any
    for ts, side, price, size, kind in rows:
        if kind == "snapshot":
            if in_snapshot != ts:
                yield SnapshotEvent(ts)
                in_snapshot = ts
        else:
            in_snapshot = None
        yield BookEvent(ts, _BOOK_SIDE[side], num(price), num(size))


class ShippedSets:
    """Data sets' stored rows read once in this process, to travel with a search's
    evaluations to workers that cannot reach the database (a cluster's machines and a local
    SQLite file). `source(name, start, end)` yields exactly what `load` would for the same
    window: the same rows, filtered by start <= ts < end, turned into the same events.
    Picklable: plain tuples of the stored text."""

    def __init__(self, conn, names, start: int | None = None, end: int | None = None) -> None:
        self.sets: dict[str, tuple[str, tuple]] = {}
        for name in names:
            kind = info(conn, name)["kind"]
            self.sets[name] = (kind, tuple(tuple(r) for r in D.rows(conn, kind, name,
                                                                      start, end)))

    def source(self, name: str, start: int | None = None, end: int | None = None):
        """The events of `name` with start <= ts < end, as `load` gives them."""
        if name not in self.sets:
            raise ValueError(f"no data set {name!r}")
        kind, rows = self.sets[name]
        window = (r for r in rows
                  if (start is None or r[0] >= start) and (end is None or r[0] < end))
        return _trades(window) if kind == "trades" else _book(window)
