"""Backtests: a strategy configuration through the real matching engine, on a scenario's
simulated flow or on replayed market data, in simulated time. Pure and deterministic:
no clock, seeded RNGs, the same spec and seed give byte-identical results.

    from souq.mm.backtest.run import Spec, run_backtest
    result = run_backtest(Spec(cfg, scenario="normal", seed=1))
"""
from . import native as _native

_native.install(__name__, __path__)
