"""Install the repository's top-level packages under one `souq` namespace, and compile the
engine's hot modules when it can.

The repository keeps its layout (engine/, db/, mm/, tui/, cli/, themes/, gateway/ at the top,
as the architecture describes), but an installed souq must not put packages with such
common names into site-packages, where they would collide with any other distribution
using them. Each is mapped to `souq.<name>` (`souq.engine`, `souq.mm.desk` ...), and
`souq` itself is a namespace package, so the installation adds exactly one top-level
name. Everything else about the project is in pyproject.toml.

The compiled engine (issue 16): COMPILED_ENGINE's modules are compiled by Cython in pure
Python mode from the same .py files (a .pxd beside a module declares its cdef classes or
the typed classes it reads). The build is optional: without Cython or a C compiler, or
when a module fails to compile, souq installs as pure Python and says why at run time
(engine/native.py). A build record, `_compiled.json` beside the compiled modules, holds
each compiled module's source hash, so a build older than its sources is never used.
The generated C files stay under build/, never beside the sources.
"""
import importlib.util
import json
import os
import shutil
import sys

from setuptools import Extension, find_packages, setup
from setuptools.command.build_ext import build_ext

TOP = ("engine", "db", "mm", "tui", "cli", "themes", "gateway")
#: the engine modules compiled (the hot path: `souq bench`'s profile, README)
COMPILED_ENGINE = ("book", "model", "events", "commands", "fees", "symbols", "permissions",
                   "ledger", "escrow", "matching", "orders", "sessions", "exchange", "numbers")
#: the data replay's hot modules, compiled the same way (mm/backtest/native.py decides at
#: run time, with their own build record, whether they run compiled)
COMPILED_BACKTEST = ("aggregate", "aggbook", "aggregate_venue", "replay", "runner", "run")
#: the desk's decision path, compiled the same way (mm/desk/native.py decides at run time)
COMPILED_DESK = ("runner", "pipeline", "quote_engine", "controls", "shape", "risk", "mark",
                 "valuation", "alerts", "fair", "signals", "holding")
#: the projections' row building, compiled the same way (db/native.py decides at run time;
#: it reads the engine's cdef classes, so it runs compiled only beside the compiled engine)
COMPILED_DB = ("projection",)
#: each compiled package: (its folder, its installed name, its modules)
COMPILED = (("engine", "souq.engine", COMPILED_ENGINE),
            ("db", "souq.db", COMPILED_DB),
            (os.path.join("mm", "backtest"), "souq.mm.backtest", COMPILED_BACKTEST),
            (os.path.join("mm", "desk"), "souq.mm.desk", COMPILED_DESK))
STAGE = os.path.join("build", "cython-src")   # souq/engine/*.py|pxd copied for Cython


def _native():
    """engine/native.py loaded by its path (it needs only the standard library): the one
    definition of the source hash and the record's name, shared with the run-time check."""
    spec = importlib.util.spec_from_file_location("_souq_native",
                                                  os.path.join("engine", "native.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _say(text: str) -> None:
    sys.stderr.write(f"souq: {text}\n")


class OptionalBuildExt(build_ext):
    """build_ext that compiles the engine with Cython when it can and otherwise leaves the
    pure-Python modules alone: a missing Cython or compiler never fails an install."""

    def run(self):
        self.built: dict[str, str] = {}       # module -> its compiled file in build_lib
        self.records: list[str] = []
        if os.environ.get("SOUQ_NO_COMPILE", "") not in ("", "0"):
            _say("SOUQ_NO_COMPILE set: the engine stays pure Python")
            return
        try:
            from Cython import __version__ as cython_version
            from Cython.Build import cythonize
        except ImportError:
            _say("Cython is not installed: the engine stays pure Python")
            return
        self.cython_version = cython_version
        try:
            compiled = cythonize(self._staged(), build_dir=os.path.join("build", "cython"),
                                 include_path=[STAGE], quiet=True,
                                 compiler_directives={"language_level": 3,
                                                      # types come from the .pxd files
                                                      "annotation_typing": False})
        except Exception as exc:     # a Cython error: keep the pure modules
            _say(f"Cython could not compile the engine ({exc}): it stays pure Python")
            return
        by_name = {e.name: e for e in compiled}
        for ext in self.extensions:  # the finalized placeholders get the generated C
            ext.sources = list(by_name[ext.name].sources)
        try:
            super().run()            # builds in build_lib; copies back when inplace
        except Exception as exc:     # no compiler at all (DistutilsPlatformError ...)
            _say(f"no C compiler ({exc}): the engine stays pure Python")
            return
        self._write_records()

    def _staged(self) -> list:
        """Copy engine/*.py|pxd to build/cython-src/souq/engine (and mm/backtest's to
        .../souq/mm/backtest), so Cython sees each module and its .pxd under their
        installed names (souq.engine.X, cimport souq.engine.model)."""
        out = []
        for folder, package, modules in COMPILED:
            stage = os.path.join(STAGE, *package.split("."))
            os.makedirs(stage, exist_ok=True)
            for name in os.listdir(folder):
                if name.endswith((".py", ".pxd")):
                    src, dst = os.path.join(folder, name), os.path.join(stage, name)
                    with open(src, "rb") as f:
                        data = f.read()
                    if os.path.exists(dst):
                        with open(dst, "rb") as f:
                            if f.read() == data:
                                continue
                    shutil.copy2(src, dst)
            out += [Extension(f"{package}.{m}", [os.path.join(stage, m + ".py")])
                    for m in modules]
        return out

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as exc:     # this module stays pure; the record says incomplete
            _say(f"{ext.name} did not compile ({exc})")
            return
        self.built[ext.name] = self.get_ext_fullpath(ext.name)

    def _write_records(self) -> None:
        """Each compiled package's build record beside its compiled modules: in build_lib
        and, for an editable or --inplace build, beside the sources too."""
        native = _native()
        for _folder, package, modules in COMPILED:
            built = {n.rsplit(".", 1)[1]: p for n, p in self.built.items()
                     if n.rsplit(".", 1)[0] == package}
            if not built:
                continue
            # the hash of the staged copy Cython compiled, not of the live sources: an
            # edit made while a (long) build runs must leave the build stale, not current
            stage = os.path.join(STAGE, *package.split("."))
            record = {"cython": self.cython_version, "expected": list(modules),
                      "modules": {m: native.source_hash(stage, m) for m in sorted(built)}}
            folders = {os.path.dirname(next(iter(built.values())))}
            if self.inplace:
                folders.add(self.get_finalized_command("build_py").get_package_dir(package))
            for folder in sorted(folders):
                path = os.path.join(folder, native.RECORD)
                with open(path, "w", encoding="utf-8") as f:
                    json.dump(record, f, indent=1, sort_keys=True)
                self.records.append((package, path))
            missing = sorted(set(modules) - set(built))
            _say(f"compiled {package} built" + (f" except {', '.join(missing)}: it will run "
                                                "pure" if missing
                                                else f": {', '.join(sorted(built))}"))

    def get_outputs(self):
        """Only what this run really built (an install without a compiler has none)."""
        built = set(getattr(self, "built", {}).values())
        return [p for p in super().get_outputs() if p in built] + [
            p for _, p in getattr(self, "records", []) if p.startswith(self.build_lib)]

    def get_output_mapping(self):
        mapping = {k: v for k, v in (super().get_output_mapping() or {}).items()
                   if os.path.exists(k)}
        for package, path in getattr(self, "records", []):
            if path.startswith(self.build_lib) and self.inplace:
                mapping[path] = os.path.join(
                    self.get_finalized_command("build_py").get_package_dir(package),
                    os.path.basename(path))
        return mapping


packages = sorted(f"souq.{p}" for p in find_packages(include=[f"{t}*" for t in TOP]))
setup(packages=packages,
      package_dir={f"souq.{t}": t for t in TOP},
      # the .pxd files travel with the modules: the build record hashes .py and .pxd
      package_data={"souq.tui": ["*.tcss"], "souq.themes": ["*.tcss", "*.json", "*.toml"],
                    "souq.engine": ["*.pxd"], "souq.db": ["*.pxd"],
                    "souq.mm.backtest": ["*.pxd"]},
      # placeholders: OptionalBuildExt.run cythonizes COMPILED_ENGINE itself (lazily, so
      # a machine without Cython still installs)
      ext_modules=[Extension(f"{package}.{m}", [os.path.join(folder, m + ".py")],
                             optional=True)
                   for folder, package, modules in COMPILED for m in modules],
      cmdclass={"build_ext": OptionalBuildExt})
