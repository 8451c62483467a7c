"""Looking up a step series such as the mid: the value in force at a time.

A mid series lists every change as (ts, value); the value at time t is the last change at or
before t (`at`), or strictly before t (`before`: the mid a trade at t met).
"""
from bisect import bisect_left, bisect_right


class Step:
    def __init__(self, points) -> None:
        ts, values = [], []
        for t, v in points:
            if v is not None:
                ts.append(t)
                values.append(v)
        self.ts, self.values = ts, values

    @classmethod
    def of(cls, points) -> "Step":
        """`points` as a Step: a Step as it is (the figures build the mid's once for
        every reader), else Step(points)."""
        return points if isinstance(points, Step) else cls(points)

    def __bool__(self) -> bool:
        return bool(self.ts)

    def at(self, t: int):
        i = bisect_right(self.ts, t)
        return self.values[i - 1] if i else None

    def before(self, t: int):
        i = bisect_left(self.ts, t)
        return self.values[i - 1] if i else None

    def since(self, t: int):
        """The first value at or after t (None if there is none)."""
        i = bisect_left(self.ts, t)
        return self.values[i] if i < len(self.ts) else None

    @property
    def last(self):
        return self.values[-1] if self.values else None


def signed(side: str) -> int:
    """+1 for a buy, -1 for a sell: the sign of the inventory change."""
    return 1 if side == "buy" else -1
