"""What a data set replays: plain tuples in engine units (ns, prices and sizes at 1e-9),
cheap to make by the million and to tell apart with isinstance."""
from typing import NamedTuple


class TradeEvent(NamedTuple):
    """A trade on the tape; `side` is the aggressor's, "buy" or "sell"."""
    ts: int
    price: int
    qty: int
    side: str


class BookEvent(NamedTuple):
    """A price level now holds `size` (0: the level is gone); `side` is "buy" for a bid
    level, "sell" for an ask level (engine.model's BUY and SELL)."""
    ts: int
    side: str
    price: int
    size: int


class SnapshotEvent(NamedTuple):
    """A full-book snapshot starts: forget every level; its BookEvents follow."""
    ts: int
