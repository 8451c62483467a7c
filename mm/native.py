"""Whether an mm package's compiled modules run compiled or as pure Python (issue 16):
the installer of the data replay's (mm/backtest/native.py) and the desk's
(mm/desk/native.py).

setup.py compiles each such package's hot modules with Cython from the very same .py
files, as it compiles the engine, and writes their build record, `_compiled.json` beside
them, with each module's source hash. `install` (called by the package's __init__) decides
once, by engine/native.py's rules (`install_package`, shared with db's compiled modules):
pure when SOUQ_PURE_PYTHON is set, when nothing was compiled, or when the build is
incomplete or stale (a module changed after it was compiled: never used silently, a
RuntimeWarning says so); compiled otherwise. A finder first on sys.meta_path then loads
that kind of each module. Both kinds give the same results; compiled is only faster.
"""
from souq.engine.native import Engine, install_package


def install(package: str, path, folder_name: str, what: str) -> Engine:
    """Choose the kind for `package` (its __path__, the folder with the build record:
    `folder_name` in messages, e.g. "mm/desk/") and put a finder loading that kind of its
    compiled modules first on sys.meta_path. `what` names the package in the warning of a
    pure run that was meant to be compiled. Returns the kind chosen."""
    return install_package(package, path, folder_name, what)
