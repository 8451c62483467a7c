"""Whether the data replay's hot modules run compiled or as pure Python (issue 16).

setup.py compiles COMPILED_BACKTEST (aggregate, replay, runner, run: the replay's loop,
its aggregate book and the strategy's latency line) with Cython from the very same .py
files, as it compiles the engine, and writes their build record, `_compiled.json` beside
them, with each module's source hash. `install` (called by souq.mm.backtest's __init__)
decides once, by engine/native.py's rules (its `choose`): pure when SOUQ_PURE_PYTHON is
set, when nothing was compiled, or when the build is incomplete or stale (a module changed
after it was compiled: never used silently, a RuntimeWarning says so); compiled
otherwise. A finder first on sys.meta_path then loads that kind of each module. Both
kinds give the same results (tests/mm/test_backtest_native.py runs a backtest both ways);
compiled is only faster. `KIND` is what `souq bench --backtest` prints.
"""
import importlib.util
import os
import sys
import warnings
from importlib import machinery

from souq.engine.native import PURE_ENV, Engine, choose

KIND = Engine("pure", "souq.mm.backtest not imported yet")


class _Chosen:
    """A meta-path finder: each module it covers (full name -> the file chosen for it,
    compiled or .py) loaded from that file."""

    def __init__(self, files: dict[str, str]) -> None:
        self.files = files

    def find_spec(self, fullname, path=None, target=None):
        file = self.files.get(fullname)
        if file is None:
            return None
        compiled = file.endswith(tuple(machinery.EXTENSION_SUFFIXES))
        loader = (machinery.ExtensionFileLoader if compiled
                  else machinery.SourceFileLoader)(fullname, file)
        return importlib.util.spec_from_file_location(fullname, file, loader=loader)


def install(package: str, path) -> Engine:
    """Choose the kind for `package` (its __path__, the folder with the build record) and
    put a finder loading that kind of its compiled modules first on sys.meta_path."""
    global KIND
    folder = list(path)[0]
    chosen, compiled = choose(folder, os.environ)
    KIND = Engine(chosen.kind, chosen.why.replace("engine/", "mm/backtest/"), chosen.modules)
    if KIND.modules:            # something was compiled here: load the chosen kind
        sys.meta_path.insert(0, _Chosen({
            f"{package}.{m}": compiled.get(m) or os.path.join(folder, m + ".py")
            for m in KIND.modules}))
        if KIND.kind == "pure" and not KIND.why.startswith(PURE_ENV):
            warnings.warn(f"souq's data replay runs pure Python: {KIND.why}",
                          RuntimeWarning, stacklevel=2)
    return KIND
