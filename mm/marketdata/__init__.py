"""Historical market data: CSV files imported into the database (validated, all or
nothing, streamed) and replayed as events for backtests.

    import_csv(engine, "btc.csv", name="btc-jan", kind="trades", symbol="BTC-IRR")
    for ev in load(conn, "btc-jan"): ...     # TradeEvent | BookEvent | SnapshotEvent

Trades files: `time,price,qty,side` (side: the aggressor, buy or sell). Book files:
`time,side,price,size[,kind]` (side bid or ask; kind snapshot or update, update when the
column is absent; size 0 removes a level). Times: integer nanoseconds since the epoch or
ISO-8601 with a zone (mm/marketdata/timefmt.py).
"""
from souq.db.marketdata import delete_set, sets

from .events import BookEvent, SnapshotEvent, TradeEvent
from .importer import DataError, import_csv
from .load import info, load
from .timefmt import format_time, parse_time

__all__ = ["BookEvent", "DataError", "SnapshotEvent", "TradeEvent", "delete_set", "format_time",
           "import_csv", "info", "load", "parse_time", "sets"]
