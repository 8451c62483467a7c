"""Whether an mm package's compiled modules run compiled or as pure Python (issue 16):
the one installer of the data replay's (mm/backtest/native.py) and the desk's
(mm/desk/native.py).

setup.py compiles each such package's hot modules with Cython from the very same .py
files, as it compiles the engine, and writes their build record, `_compiled.json` beside
them, with each module's source hash. `install` (called by the package's __init__) decides
once, by engine/native.py's rules (its `choose`): pure when SOUQ_PURE_PYTHON is set, when
nothing was compiled, or when the build is incomplete or stale (a module changed after it
was compiled: never used silently, a RuntimeWarning says so); compiled otherwise. A finder
first on sys.meta_path then loads that kind of each module. Both kinds give the same
results; compiled is only faster.
"""
import importlib.util
import os
import sys
import warnings
from importlib import machinery

from souq.engine.native import PURE_ENV, Engine, choose


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


def install(package: str, path, folder_name: str, what: str) -> Engine:
    """Choose the kind for `package` (its __path__, the folder with the build record:
    `folder_name` in messages, e.g. "mm/desk/") and put a finder loading that kind of its
    compiled modules first on sys.meta_path. `what` names the package in the warning of a
    pure run that was meant to be compiled. Returns the kind chosen."""
    folder = list(path)[0]
    chosen, compiled = choose(folder, os.environ)
    kind = Engine(chosen.kind, chosen.why.replace("engine/", folder_name), chosen.modules)
    if kind.modules:            # something was compiled here: load the chosen kind
        sys.meta_path.insert(0, _Chosen({
            f"{package}.{m}": compiled.get(m) or os.path.join(folder, m + ".py")
            for m in kind.modules}))
        if kind.kind == "pure" and not kind.why.startswith(PURE_ENV):
            warnings.warn(f"souq's {what} runs pure Python: {kind.why}",
                          RuntimeWarning, stacklevel=3)
    return kind
