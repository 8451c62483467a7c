"""Which engine runs: the compiled hot modules or the pure-Python reference (issue 16).

setup.py compiles the engine's hot modules (COMPILED there: model, events, fees, symbols,
ledger, escrow, matching, orders, exchange) with Cython from the very same .py files, a
`.pxd` beside a module declaring its cdef classes (model.pxd) or the classes it reads
typed (the others). It writes a build record, `_compiled.json` beside the compiled
modules: every module it compiled with the SHA-256 of its .py and .pxd at that moment.

`install` (called first thing by souq.engine's __init__) decides once, for the whole
engine, which kind runs, and puts a finder first on sys.meta_path that loads that kind:

- pure when SOUQ_PURE_PYTHON=1 (or any value but "" and "0"), when nothing was compiled
  (no C compiler or no Cython at install time), when the build is incomplete (a module
  failed to compile), or when it is stale (a .py or .pxd changed after it was compiled:
  its hash no longer matches the record). A stale or incomplete build is never used
  silently: a RuntimeWarning says so, and `ENGINE.why` too.
- compiled otherwise.

Never a mix: the compiled modules read each other's cdef classes at C level, so one pure
module among compiled ones would not even run. `ENGINE` (kind, why) is what `souq bench`
prints. This is the one engine module that reads the environment and files, and only at
import time; the engine's rules stay free of I/O (tests/test_architecture.py).

`install_package` is the same choice for any other package setup.py compiles (its
COMPILED: the projections' row building in db/, the data replay and the desk in mm/), each
with its own build record beside its modules; a package whose compiled modules read the
engine's cdef classes (`needs`) runs pure whenever the engine does.
"""
import hashlib
import importlib.machinery as machinery
import importlib.util
import json
import os
import sys
import warnings

PURE_ENV = "SOUQ_PURE_PYTHON"
RECORD = "_compiled.json"
ENGINE_PURE = "the engine runs pure Python"   # why a package that `needs` it does too
REBUILD = "rebuild with `pip install -e .` (or `python setup.py build_ext --inplace`)"


class Engine:
    """The engine kind this process runs: `kind` "compiled" or "pure", `why` in words."""
    __slots__ = ("kind", "why", "modules")

    def __init__(self, kind: str, why: str, modules: tuple = ()) -> None:
        self.kind = kind
        self.why = why
        self.modules = modules     # the engine modules the choice covers

    def as_dict(self) -> dict:
        return {"kind": self.kind, "why": self.why, "modules": list(self.modules)}

    def __repr__(self) -> str:
        return f"Engine({self.kind!r}, {self.why!r})"


ENGINE = Engine("pure", "souq.engine not imported yet")


def source_hash(folder: str, name: str) -> str:
    """SHA-256 (hex) of module `name`'s .py followed by its .pxd, if any, in `folder`:
    what setup.py records at build time and `choose` compares at import time."""
    h = hashlib.sha256()
    for ext in (".py", ".pxd"):
        path = os.path.join(folder, name + ext)
        if os.path.exists(path):
            with open(path, "rb") as f:
                h.update(ext.encode() + b"\0" + f.read() + b"\0")
    return h.hexdigest()


def extension_files(folder: str) -> dict[str, str]:
    """module name -> its compiled file (.so/.pyd for this interpreter) in `folder`."""
    found = {}
    try:
        names = os.listdir(folder)
    except OSError:
        return found
    for suffix in machinery.EXTENSION_SUFFIXES:
        for n in names:
            if n.endswith(suffix) and "." not in n[:-len(suffix)]:
                found.setdefault(n[:-len(suffix)], os.path.join(folder, n))
    return found


def choose(folder: str, environ) -> tuple[Engine, dict[str, str]]:
    """Decide the engine kind for the package in `folder` under `environ`. Returns the
    Engine and, when compiled, module -> compiled file."""
    built = extension_files(folder)
    record = None
    path = os.path.join(folder, RECORD)
    if os.path.exists(path):
        try:
            with open(path, encoding="utf-8") as f:
                record = json.load(f)
        except (OSError, ValueError):
            record = None
    modules = tuple(sorted(set(built) | set((record or {}).get("modules", {}))))
    if environ.get(PURE_ENV, "") not in ("", "0"):
        return Engine("pure", f"{PURE_ENV}={environ[PURE_ENV]}", modules), {}
    if record is None:
        if not built:
            return Engine("pure", "not compiled (no C compiler or no Cython when souq was "
                          "installed)", modules), {}
        return Engine("pure", f"compiled modules without a build record ({RECORD}); "
                      + REBUILD, modules), {}
    hashes = record.get("modules", {})
    missing = sorted(set(record.get("expected", hashes)) - set(hashes) | set(hashes) - set(built))
    if missing:
        return Engine("pure", f"incomplete build: {', '.join(missing)} not compiled; "
                      + REBUILD, modules), {}
    stale = sorted(m for m, digest in hashes.items() if source_hash(folder, m) != digest)
    if stale:
        return Engine("pure", "stale build: " + ", ".join(f"engine/{m}.py" for m in stale)
                      + " changed after it was compiled; " + REBUILD, modules), {}
    return Engine("compiled", f"Cython {record.get('cython', '?')}, built from the current "
                  "sources", modules), {m: built[m] for m in hashes}


class _Finder:
    """A meta-path finder loading the chosen kind of each engine module it covers."""

    def __init__(self, package: str, folder: str, modules, compiled: dict) -> None:
        self.prefix = package + "."
        self.folder = folder
        self.modules = frozenset(modules)
        self.compiled = compiled

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith(self.prefix):
            return None
        name = fullname[len(self.prefix):]
        if name not in self.modules:
            return None
        file = self.compiled.get(name)
        if file is not None:
            loader = machinery.ExtensionFileLoader(fullname, file)
        else:
            file = os.path.join(self.folder, name + ".py")
            loader = machinery.SourceFileLoader(fullname, file)
        return importlib.util.spec_from_file_location(fullname, file, loader=loader)

    def invalidate_caches(self) -> None:
        pass


def install(package: str, path) -> Engine:
    """Choose the kind for `package` (its __path__) and put its finder first; once."""
    global ENGINE
    folder = next((p for p in path if os.path.exists(os.path.join(p, "native.py"))),
                  list(path)[0])
    engine, compiled = choose(folder, os.environ)
    ENGINE = engine
    if not engine.modules:
        return engine
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _Finder)
                        or f.prefix != package + "."]
    sys.meta_path.insert(0, _Finder(package, folder, engine.modules, compiled))
    if engine.kind == "pure" and not engine.why.startswith(("not compiled", PURE_ENV)):
        warnings.warn(f"souq engine runs pure Python: {engine.why}", RuntimeWarning,
                      stacklevel=2)
    return engine


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


def install_package(package: str, path, folder_name: str, what: str,
                    needs: Engine | None = None) -> Engine:
    """Choose the kind for another compiled `package` (its __path__, the folder with its
    build record: `folder_name` in messages, e.g. "db/") by `choose`'s rules and put a
    finder loading that kind of its compiled modules first on sys.meta_path. `what` names
    the package in the warning of a pure run that was meant to be compiled. `needs`: the
    Engine whose cdef classes its compiled modules read (the engine's `ENGINE`): when that
    runs pure, so does this package (a compiled module would not load beside pure
    classes), with no second warning. Returns the kind chosen."""
    folder = list(path)[0]
    chosen, compiled = choose(folder, os.environ)
    if needs is not None and needs.kind != "compiled" and chosen.kind == "compiled":
        kind, compiled = Engine("pure", ENGINE_PURE + f" ({needs.why})", chosen.modules), {}
    else:
        kind = Engine(chosen.kind, chosen.why.replace("engine/", folder_name), chosen.modules)
    if kind.modules:            # something was compiled here: load the chosen kind
        sys.meta_path.insert(0, _Chosen({
            f"{package}.{m}": compiled.get(m) or os.path.join(folder, m + ".py")
            for m in kind.modules}))
        if kind.kind == "pure" and not kind.why.startswith((PURE_ENV, ENGINE_PURE)):
            warnings.warn(f"souq's {what} runs pure Python: {kind.why}", RuntimeWarning,
                          stacklevel=3)
    return kind
