"""Whether db's compiled modules run compiled or as pure Python (issue 16).

setup.py compiles COMPILED_DB (projection: the projections' rows built from the engine's
outcomes, about a third of a durable batch's time, README *Compiled engine*) with Cython
from the very same .py files, as it compiles the engine, and writes their build record,
`_compiled.json` beside them. `install` (called by souq.db's __init__) decides once, by
engine/native.py's rules (`install_package`): pure when SOUQ_PURE_PYTHON is set, when
nothing was compiled, when the build is incomplete or stale (a RuntimeWarning says so),
or when the engine runs pure (the compiled projection reads the engine's cdef classes
through its .pxd); compiled otherwise. Both kinds give the same rows; compiled is only
faster. `KIND` is what `souq bench` prints beside the engine's.
"""
from souq.engine import native as _engine
from souq.engine.native import Engine, install_package

KIND = Engine("pure", "souq.db not imported yet")


def install(package: str, path) -> Engine:
    """Choose the kind for `package` (its __path__, the folder with the build record) and
    load that kind of its compiled modules from then on."""
    global KIND
    KIND = install_package(package, path, "db/", "projections", needs=_engine.ENGINE)
    return KIND
