"""Per-key request rate limits: a token bucket per key (or per peer address before login)."""
import math
import threading
import time


class RateLimiter:
    """`rate` requests per second on average with bursts of `burst`; rate 0 turns it off."""

    def __init__(self, rate: float, burst: int, clock=time.monotonic) -> None:
        self.rate, self.burst, self.clock = rate, burst, clock
        self._buckets: dict[str, tuple[float, float]] = {}    # key -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Spend one request of `key`'s budget: 0 when allowed, else the seconds to wait."""
        if self.rate <= 0:
            return 0.0
        now = self.clock()
        with self._lock:
            tokens, at = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - at) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.rate

    def refund(self, key: str) -> None:
        """Give back the request `take` just allowed `key` (it went unserved here and will
        be taken again where it is served): as if it had not been taken."""
        if self.rate <= 0:
            return
        with self._lock:
            hit = self._buckets.get(key)
            if hit is not None:
                self._buckets[key] = (min(float(self.burst), hit[0] + 1), hit[1])


def retry_after(seconds: float) -> str:
    """The Retry-After header value: whole seconds, at least 1 (RFC 9110 10.2.3)."""
    return str(max(1, math.ceil(seconds)))
