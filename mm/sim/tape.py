"""The demo market simulator on the same bare Exchange as in-memory strategy runners
(mm/desk/runner.py MemoryRunner), passing each batch's trades on to them: the market of
backtests and simulation tests."""
from .driver import ExchangeDriver


class TapeDriver(ExchangeDriver):
    """`runners`: objects with `record(trades)` (engine Trade events)."""

    def __init__(self, ex, params, seed: int, runners=(), **kw) -> None:
        super().__init__(ex, params, seed, **kw)
        self.runners = list(runners)

    def traded(self, trades) -> None:
        for r in self.runners:
            r.record(trades)
