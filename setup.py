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

With SOUQ_PGO=1 and GCC the engine is built profile-guided: compiled instrumented, run on
`souq bench`'s in-memory workload (PGO_TRAINING) in a child Python, then compiled again
from that profile. Opt-in; any failure falls back to the plain build (README, Compiled
engine).
"""
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile

from setuptools import Extension, find_packages, setup
from setuptools.command.build_ext import build_ext

TOP = ("engine", "db", "mm", "tui", "cli", "themes", "gateway")
#: the engine modules compiled (the hot path: `souq bench`'s profile, README)
COMPILED_ENGINE = ("book", "model", "events", "commands", "fees", "symbols", "permissions",
                   "ledger", "escrow", "matching", "orders", "sessions", "exchange", "numbers")
#: the data replay's hot modules, compiled the same way (mm/backtest/native.py decides at
#: run time, with their own build record, whether they run compiled)
COMPILED_BACKTEST = ("aggregate", "aggbook", "replay", "runner", "run")
#: the desk's decision path, compiled the same way (mm/desk/native.py decides at run time)
COMPILED_DESK = ("runner", "pipeline", "quote_engine", "controls", "shape", "risk", "mark",
                 "valuation", "alerts", "fair", "signals")
#: the projections' row building, compiled the same way (db/native.py decides at run time;
#: it reads the engine's cdef classes, so it runs compiled only beside the compiled engine)
COMPILED_DB = ("projection",)
#: each compiled package: (its folder, its installed name, its modules)
COMPILED = (("engine", "souq.engine", COMPILED_ENGINE),
            ("db", "souq.db", COMPILED_DB),
            (os.path.join("mm", "backtest"), "souq.mm.backtest", COMPILED_BACKTEST),
            (os.path.join("mm", "desk"), "souq.mm.desk", COMPILED_DESK))
STAGE = os.path.join("build", "cython-src")   # souq/engine/*.py|pxd copied for Cython
#: profile-guided optimisation of the engine (GCC, opt-in: SOUQ_PGO=1): instrumented, then
#: built from the profile; untrained functions keep the ordinary -O3 (partial training)
PGO_GENERATE = ["-fprofile-generate", "-fprofile-update=single"]
PGO_USE = ["-fprofile-use", "-fprofile-partial-training", "-Wno-missing-profile"]
#: the training run: `souq bench`'s in-memory workload (README, Compiled engine); it must
#: load the compiled engine, or the profile would be empty
PGO_TRAINING = """
import sys
sys.path.insert(0, sys.argv[1])
from souq.engine import native
if native.ENGINE.kind != "compiled":
    sys.exit(native.ENGINE.why)
from souq.engine.exchange import Exchange
from souq.engine.stream import parse_command
from souq.engine.workload import orders, setup
ex = Exchange()
for o in setup(1000):
    ex.apply(parse_command(o))
for o in orders(50000, 1000, 1):
    ex.apply(parse_command(o))
"""


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
        pgo = self._pgo_wanted()
        engine = [e for e in self.extensions if e.name.startswith("souq.engine.")]
        if pgo:
            for ext in engine:
                ext.extra_compile_args, ext.extra_link_args = PGO_GENERATE, PGO_GENERATE
        try:
            super().run()            # builds in build_lib; copies back when inplace
        except Exception as exc:     # no compiler at all (DistutilsPlatformError ...)
            _say(f"no C compiler ({exc}): the engine stays pure Python")
            return
        if pgo:
            self._pgo(engine)
        self._write_records()

    def _pgo_wanted(self) -> bool:
        """Profile-guided optimisation of the engine, opt-in: SOUQ_PGO=1, and GCC (its
        -fprofile-* flags). Any failure on the way falls back to a plain build."""
        if os.environ.get("SOUQ_PGO", "") in ("", "0"):
            return False
        cc = os.environ.get("CC") or sysconfig.get_config_var("CC") or ""
        return "gcc" in os.path.basename(cc.split()[0] if cc.split() else "")

    def _pgo(self, engine: list) -> None:
        """The engine was built instrumented: run the bench's workload through it
        (PGO_TRAINING, in a child Python without site-packages), then build it again
        from that profile. If the instrumented build or the run failed, build it plain."""
        for root, _, files in os.walk(self.build_temp):    # no stale profile
            for name in files:
                if name.endswith(".gcda"):
                    os.remove(os.path.join(root, name))
        trained = all(e.name in self.built for e in engine) and self._pgo_train(engine)
        self.pgo = trained
        flags = PGO_USE if trained else []
        _say("engine trained for profile-guided optimisation" if trained else
             "profile-guided optimisation skipped: the engine is built plain")
        for ext in engine:
            ext.extra_compile_args, ext.extra_link_args = flags, []
        self._rebuild(engine)
        failed = [e for e in engine if e.name not in self.built]
        if failed and trained:                             # a profile GCC refused
            self.pgo = False
            for ext in engine:
                ext.extra_compile_args = []
            self._rebuild(engine)                          # never a mix of the two

    def _rebuild(self, exts: list) -> None:
        """Build `exts` again (forced), copied back like the first build."""
        every, self.extensions, force = self.extensions, exts, self.force
        for ext in exts:
            self.built.pop(ext.name, None)
        self.force = True
        try:
            super().run()
        finally:
            self.extensions, self.force = every, force

    def _pgo_train(self, engine: list) -> bool:
        """Run PGO_TRAINING on the instrumented engine, staged with its sources and a
        build record in a temporary souq/engine. True when it ran to the end."""
        native = _native()
        with tempfile.TemporaryDirectory() as tmp:
            stage = os.path.join(tmp, "souq", "engine")
            shutil.copytree("engine", stage, ignore=shutil.ignore_patterns(
                "*.so", "*.pyd", "__pycache__", native.RECORD))
            for ext in engine:
                shutil.copy2(self.built[ext.name], stage)
            record = {"cython": self.cython_version, "expected": list(COMPILED_ENGINE),
                      "modules": {m: native.source_hash("engine", m) for m in COMPILED_ENGINE}}
            with open(os.path.join(stage, native.RECORD), "w", encoding="utf-8") as f:
                json.dump(record, f)
            env = dict(os.environ, PYTHONHASHSEED="0")
            env.pop(native.PURE_ENV, None)
            try:
                subprocess.run([sys.executable, "-E", "-s", "-S", "-c", PGO_TRAINING, tmp],
                               env=env, check=True, timeout=600, capture_output=True)
            except (OSError, subprocess.SubprocessError) as exc:
                _say(f"the profile run failed ({exc})")
                return False
        return True

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
        for src, package, modules in COMPILED:
            built = {n.rsplit(".", 1)[1]: p for n, p in self.built.items()
                     if n.rsplit(".", 1)[0] == package}
            if not built:
                continue
            record = {"cython": self.cython_version, "expected": list(modules),
                      "modules": {m: native.source_hash(src, m) for m in sorted(built)}}
            if package == "souq.engine":
                record["pgo"] = getattr(self, "pgo", False)
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
