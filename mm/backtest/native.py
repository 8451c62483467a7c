"""Whether the data replay's hot modules run compiled or as pure Python (issue 16).

setup.py compiles COMPILED_BACKTEST (aggregate, aggbook, aggregate_venue, replay, runner,
run: the replay's loop, its aggregate book, the book the strategy reads and the strategy's
latency line) with Cython from the very same .py
files, as it compiles the engine, and writes their build record, `_compiled.json` beside
them, with each module's source hash. `install` (called by souq.mm.backtest's __init__)
decides once, by engine/native.py's rules (`install_package`): pure when SOUQ_PURE_PYTHON is
set, when nothing was compiled, or when the build is incomplete or stale (a module changed
after it was compiled: never used silently, a RuntimeWarning says so); compiled
otherwise. A finder first on sys.meta_path then loads that kind of each module. Both
kinds give the same results (tests/mm/test_backtest_native.py runs a backtest both ways);
compiled is only faster. `KIND` is what `souq bench --backtest` prints. The installer is
the one db's and the desk's compiled modules use too.
"""
from souq.engine.native import Engine, install_package

KIND = Engine("pure", "souq.mm.backtest not imported yet")


def install(package: str, path) -> Engine:
    """Choose the kind for `package` (its __path__, the folder with the build record) and
    put a finder loading that kind of its compiled modules first on sys.meta_path
    (souq.engine.native.install_package)."""
    global KIND
    KIND = install_package(package, path, "mm/backtest/", "data replay")
    return KIND
