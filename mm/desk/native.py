"""Whether the desk's hot modules run compiled or as pure Python (issue 16).

setup.py compiles COMPILED_DESK (the decision's path: runner, pipeline, quote engine,
controls, shape, risk, mark, valuation, alerts, fair price, signals and the controls'
holding) with Cython from the very same .py files, as it compiles the engine and the data
replay; engine/native.py's `install_package` decides at import which kind runs
(SOUQ_PURE_PYTHON=1 forces pure; a stale or incomplete build runs pure with a
RuntimeWarning). Both kinds give the same results
(tests/mm/test_backtest_native.py runs whole backtests both ways, the desk's pipeline
deciding every step); compiled is only faster. `KIND` is what `souq bench --backtest`
prints beside the replay's.
"""
from souq.engine.native import Engine, install_package

KIND = Engine("pure", "souq.mm.desk not imported yet")


def install(package: str, path) -> Engine:
    """Choose the kind for `package` (its __path__, the folder with the build record)
    and load that kind of its compiled modules from then on."""
    global KIND
    KIND = install_package(package, path, "mm/desk/", "desk")
    return KIND
