"""A bounded memo for conversions that repeat a lot (prices, quantities and fees between
integers and their text): each distinct value is converted once."""


def cached(fn, limit: int = 200_000):
    """`fn` (one hashable argument) remembering up to `limit` results, after which the
    memo starts afresh; returns the memoising function."""
    cache: dict = {}

    def fast(value):
        out = cache.get(value)
        if out is None:
            if len(cache) >= limit:
                cache.clear()
            out = cache[value] = fn(value)
        return out
    return fast
