"""Fill intensity lambda(delta) = A * exp(-k * delta) estimated online from the tape.

Each trade print counts as one arrival of market orders that reached `delta` = its distance
from the mid just before it. If arrivals reaching at least delta come at rate
A*exp(-k*delta), the distances of the ones we see (all beyond the half-spread, d0) are
exponential past d0 with rate k; so the maximum-likelihood fit is
k = 1 / (mean(delta) - min(delta)), and A = (arrivals per second per side) * exp(k * d0).
"""
import math
from collections import deque
from souq.engine.timeunits import SECOND



class TradeIntensity:
    """A and k from the trades of the last `window_ns`; None until `min_trades` are in it
    (the caller then uses its configured fallback). O(1) per trade and per fit: a running
    sum and a monotonic queue for the minimum."""

    def __init__(self, window_ns: int, min_trades: int) -> None:
        self.window = max(1, window_ns)
        self.min_trades = max(2, min_trades)
        self.seen: deque[tuple[int, float]] = deque()    # (ts, delta), oldest first
        self.low: deque[tuple[int, float]] = deque()     # increasing deltas: the min first
        self.total = 0.0
        self.since: int | None = None                    # first time we looked

    def watch(self, now: int) -> None:
        """Start the clock the arrival rate is measured against."""
        if self.since is None:
            self.since = now

    def add(self, ts: int, delta: float) -> None:
        self.watch(ts)
        d = abs(delta)
        self.seen.append((ts, d))
        self.total += d
        while self.low and self.low[-1][1] >= d:
            self.low.pop()
        self.low.append((ts, d))

    def fit(self, now: int) -> tuple[float, float] | None:
        """(A per second, k per unit of delta), or None with too little to go on."""
        self.watch(now)
        cutoff = now - self.window
        while self.seen and self.seen[0][0] <= cutoff:
            self.total -= self.seen.popleft()[1]
        while self.low and self.low[0][0] <= cutoff:
            self.low.popleft()
        n = len(self.seen)
        if n < self.min_trades:
            if not n:
                self.total = 0.0          # no drift from the running sum
            return None
        d0 = self.low[0][1]
        excess = self.total / n - d0
        if excess <= 1e-12 * max(d0, 1e-12):
            return None                   # every print at one distance: no slope to see
        k = 1.0 / excess
        span = min(self.window, max(now - self.since, SECOND)) / SECOND
        a = n / (2.0 * span) * math.exp(min(k * d0, 700.0))
        return a, k
