"""A search's folds: a data window cut by time, or a scenario on consecutive seeds."""
from dataclasses import dataclass

from .errors import SearchError


@dataclass(frozen=True)
class Fold:
    index: int
    seed: int
    start: int | None = None            # data: [start, end) in ns
    end: int | None = None


def folds(k: int, *, seed: int, start: int | None = None, end: int | None = None,
          data: bool = False) -> list[Fold]:
    """k folds: data cut by time into k equal spans (the last takes the remainder);
    a scenario on seeds seed..seed+k-1."""
    if k < 1:
        raise SearchError("a search needs at least 1 fold, not {k}", k=k)
    if not data:
        return [Fold(i, seed + i) for i in range(k)]
    if start is None or end is None or end <= start:
        raise SearchError("a data search needs a window with its end after its start")
    span = (end - start) // k
    if span <= 0:
        raise SearchError("the window is too short for {k} folds", k=k)
    return [Fold(i, seed, start + i * span, end if i == k - 1 else start + (i + 1) * span)
            for i in range(k)]
