"""Stored data sets back as events, in time (= file) order, streamed from the database."""
from souq.db import marketdata as D
from souq.engine.model import BUY, SELL
from souq.engine.numbers import PRICE_DP, parse_fixed

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
    rows = D.rows(conn, kind, name, start, end)
    return _trades(rows) if kind == "trades" else _book(rows)


def _num(text: str) -> int:
    return parse_fixed(text, PRICE_DP, "value", positive=False)


def _trades(rows):
    for ts, price, qty, side in rows:
        yield TradeEvent(ts, _num(price), _num(qty), side)


def _book(rows):
    in_snapshot = None       # the time of the snapshot being read, if any
    for ts, side, price, size, kind in rows:
        if kind == "snapshot":
            if in_snapshot != ts:
                yield SnapshotEvent(ts)
                in_snapshot = ts
        else:
            in_snapshot = None
        yield BookEvent(ts, _BOOK_SIDE[side], _num(price), _num(size))
