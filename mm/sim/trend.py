"""Recent trade prices per symbol, sampled once a tick: what momentum traders follow."""
from collections import deque

from souq.engine.numbers import PRICE_SCALE

from souq.mm.view import SymbolView


class Trend:
    def __init__(self, lookback_ns: int) -> None:
        self.lookback_ns = lookback_ns
        self.samples: dict[str, deque] = {}   # symbol -> (time ns, price), oldest first

    def record(self, now: int, views: dict[str, SymbolView]) -> None:
        cutoff = now - self.lookback_ns
        for name, sv in views.items():
            p = sv.last if sv.last is not None else sv.anchor
            if p is None:
                continue
            q = self.samples.setdefault(name, deque())
            q.append((now, p))
            while len(q) > 1 and q[1][0] <= cutoff:
                q.popleft()

    def change(self, name: str) -> int:
        """Relative move over the window in parts per 1e9 (0 until there are two samples)."""
        q = self.samples.get(name)
        if not q or len(q) < 2:
            return 0
        first, last = q[0][1], q[-1][1]
        return (last - first) * PRICE_SCALE // first
