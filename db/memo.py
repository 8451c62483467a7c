"""A bounded memo for conversions that repeat a lot (prices, quantities and fees between
integers and their text): each distinct value is converted once."""


class _Memo(dict):
    """fn's results by argument; a miss converts, and past `limit` entries the memo
    starts afresh. A hit is one dict look-up in C, with no Python frame."""
    __slots__ = ("fn", "limit")

    def __missing__(self, value):
        if len(self) >= self.limit:
            self.clear()
        out = self[value] = self.fn(value)
        return out


def cached(fn, limit: int = 200_000):
    """`fn` (one hashable argument) remembering up to `limit` results, after which the
    memo starts afresh; returns the memoising function (a bound dict look-up)."""
    memo = _Memo()
    memo.fn, memo.limit = fn, limit
    return memo.__getitem__
