"""The chart's trade history, read from the database by time window, not the tape's last
200 trades: the newest KEEP of the focused symbol stay on hand and grow incrementally
(only trades after the newest one held are read); panning further back reads the older
window once and keeps it while it is on screen. Called only from the chart's thread
worker; it has its own Api, so it never waits on the journal follower's lock."""
import threading

from souq.db import queries as Q
from souq.db.api import Api
from souq.engine.timeunits import SECOND

KEEP = 4 * 3600 * SECOND           # history kept on hand: four hours


class ChartHistory:
    def __init__(self, url: str) -> None:
        self.api = Api(url)
        self._lock = threading.Lock()
        self.symbol: str | None = None
        self.trades: list[dict] = []        # oldest first, every trade from `since` on
        self.since: int | None = None       # trades at or after this ts are all held

    def window(self, symbol: str, start: int, end: int) -> list[tuple[int, str, str]]:
        """(ts, price, qty) of `symbol`'s trades with start <= ts < end (ns), oldest first."""
        with self._lock, self.api.db.connect() as conn:
            if symbol != self.symbol:
                self.symbol, self.since = symbol, min(start, end - KEEP)
                self.trades = Q.trades_between(conn, symbol, self.since)
            else:
                after = self.trades[-1]["id"] if self.trades else None
                self.trades += Q.trades(conn, symbol=symbol, after=after) if after else \
                    Q.trades_between(conn, symbol, self.since)
            if start < self.since:            # panned back beyond what is held
                self.trades = Q.trades_between(conn, symbol, start, self.since) + self.trades
                self.since = start
            keep_from = min(start, (self.trades[-1]["ts"] if self.trades else end) - KEEP)
            if keep_from > self.since:        # forget what is neither recent nor on screen
                self.trades = [t for t in self.trades if t["ts"] >= keep_from]
                self.since = keep_from
            return [(t["ts"], t["price"], t["qty"]) for t in self.trades
                    if start <= t["ts"] < end]

    def close(self) -> None:
        self.api.close()
