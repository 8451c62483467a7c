"""One side of a symbol's book: its price levels in price order, best first.

A `BookSide` maps a key to a model.Level as a sortedcontainers.SortedDict did before it
(asks keyed by price, bids by -price, so the smallest key is the best level) and answers
the same questions its readers ask (get, [key], in, len, iteration, keys/values/items,
peekitem, irange), but it keeps its levels in one plain list sorted from the worst to
the best: the best is the last item, so reading or removing it (what matching does on
every fill) costs nothing, and a new level, which nearly always joins near the touch,
is inserted near the end after a binary search. Compiled (book.pxd), matching calls
`best`, `remove_best`, `insert` and `remove` at C level.
"""


class BookSide:
    """Price levels by key (int: price for asks, -price for bids), best (smallest) first.

    `_keys` holds the keys from the largest (worst) to the smallest (best) and `_levels`
    the levels in the same order; `_at` maps each key to its level."""
    __slots__ = ("_keys", "_levels", "_at")

    def __init__(self) -> None:
        self._keys: list = []
        self._levels: list = []
        self._at: dict = {}

    # ------------------------------------------------------------ the engine's calls
    def best(self):
        """The best level, or None when the side is empty."""
        levels = self._levels
        return levels[len(levels) - 1] if levels else None

    def remove_best(self) -> None:
        """Take the best level off (the side must not be empty)."""
        del self._at[self._keys.pop()]
        self._levels.pop()

    def insert(self, key, level) -> None:
        """Put `level` under `key`, replacing any level there, in key order."""
        keys = self._keys
        i = self._index(key)
        if i < len(keys) and keys[i] == key:
            self._levels[i] = level
        else:
            keys.insert(i, key)
            self._levels.insert(i, level)
        self._at[key] = level

    def remove(self, key) -> None:
        """Take the level under `key` off. Raises KeyError when there is none."""
        del self._at[key]
        keys = self._keys
        last = len(keys) - 1
        if keys[last] == key:
            keys.pop()
            self._levels.pop()
            return
        i = self._index(key)
        del keys[i]
        del self._levels[i]

    def _index(self, key) -> int:
        """Where `key` is or would go in `_keys` (sorted descending): the first index
        whose key is not above `key`."""
        keys = self._keys
        lo, hi = 0, len(keys)
        while lo < hi:
            mid = (lo + hi) >> 1
            if keys[mid] > key:
                lo = mid + 1
            else:
                hi = mid
        return lo

    # ------------------------------------------------------------ the mapping readers use
    def get(self, key, default=None):
        """The level under `key`, or `default`."""
        return self._at.get(key, default)

    def __getitem__(self, key):
        return self._at[key]

    def __setitem__(self, key, level) -> None:
        self.insert(key, level)

    def __delitem__(self, key) -> None:
        self.remove(key)

    def __contains__(self, key) -> bool:
        return key in self._at

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self):
        """The keys, best first."""
        return reversed(self._keys)

    def keys(self) -> list:
        """The keys, best first (a new list)."""
        return self._keys[::-1]

    def values(self):
        """The levels, best first (an iterator over the side as it is)."""
        return reversed(self._levels)

    def items(self) -> list:
        """(key, level) pairs, best first (a new list)."""
        return list(zip(self._keys[::-1], self._levels[::-1]))

    def peekitem(self, index: int = -1) -> tuple:
        """(key, level) at `index` in best-first order (0: the best, -1: the worst), as
        SortedDict.peekitem. Raises IndexError outside the side."""
        n = len(self._keys)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("BookSide index out of range")
        j = n - 1 - index
        return self._keys[j], self._levels[j]

    def irange(self, minimum=None, maximum=None, inclusive=(True, True), reverse=False):
        """The keys from `minimum` to `maximum` (None: unbounded; `inclusive` says for
        each end whether it counts), best first unless `reverse`, as SortedDict.irange."""
        out = [k for k in reversed(self._keys)
               if (minimum is None or (k >= minimum if inclusive[0] else k > minimum))
               and (maximum is None or (k <= maximum if inclusive[1] else k < maximum))]
        if reverse:
            out.reverse()
        return iter(out)

    def __repr__(self) -> str:
        return f"BookSide({dict(self.items())!r})"
