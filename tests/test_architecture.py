"""Dependencies point one way (engine <- db <- mm <- tui/cli, themes under both) and the
core stays pure."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"engine": set(), "db": {"engine"}, "mm": {"engine", "db"},
          "themes": set(),                               # data the interfaces draw with
          "tui": {"engine", "db", "mm", "themes"},       # the CLI and the TUI are peers
          "gateway": {"engine", "db", "mm"},             # the network gateway: one more interface
          # the CLI starts the gateway (souq serve) and talks to one (--server)
          "cli": {"engine", "db", "mm", "themes", "gateway"}}
OURS = set(LAYERS)
#: The engine's public modules: all the layers above may import from it. The others are
#: the parts of `Exchange` (engine/exchange.py), reached only through it.
ENGINE_PUBLIC = {"exchange", "events", "commands", "model", "numbers", "stream", "edge",
                 "admission", "permissions", "fees", "invariants", "workload", "timeunits",
                 "symbols", "native", "book"}
ENGINE_INTERNAL = {"ledger", "escrow", "matching", "orders", "sessions"}
# The one way up: `souq` (no command) and `souq bench --tui` hand the terminal to the
# workstation, importing it inside the function that starts it, never at module level.
LAUNCHES = {"cli": {"tui"}}


def imports(path: Path, *, nested: bool = True) -> set[str]:
    """The top-level packages `path` imports; with nested=False, only at module level
    (not inside a function)."""
    tree = ast.parse(path.read_text(), str(path))
    skip = set()
    if not nested:
        for fn in ast.walk(tree):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                skip |= {id(n) for n in ast.walk(fn)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {_package(a.name) for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(_package(node.module))
            if node.module == "souq":               # from souq import db
                found |= {a.name for a in node.names}
    return found


def _package(module: str) -> str:
    """The package a dotted module name belongs to: ours are under the souq namespace."""
    parts = module.split(".")
    return parts[1] if parts[0] == "souq" and len(parts) > 1 else parts[0]


def test_every_package_has_a_layer():
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert packages - {"tests"} == OURS


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_layers_import_only_what_is_below_them(layer):
    allowed = LAYERS[layer] | {layer}
    launched = LAUNCHES.get(layer, set())
    for path in sorted((ROOT / layer).rglob("*.py")):
        where = path.relative_to(ROOT)
        wrong = (imports(path) & OURS) - allowed - launched
        assert not wrong, f"{where} imports {sorted(wrong)}"
        early = imports(path, nested=False) & launched
        assert not early, f"{where} imports {sorted(early)} at module level"


def engine_imports(path: Path) -> list[tuple[str, list[str]]]:
    """(engine module, names imported from it) for every import of souq.engine in `path`."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for a in node.names:
                parts = a.name.split(".")
                if parts[:2] == ["souq", "engine"]:
                    out.append((".".join(parts[2:3]), []))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            parts = node.module.split(".")
            if parts[:2] == ["souq", "engine"]:
                if len(parts) == 2:          # from souq.engine import exchange
                    out += [(a.name, []) for a in node.names]
                else:
                    out.append((parts[2], [a.name for a in node.names]))
    return out


def test_engine_modules_are_public_or_internal():
    on_disk = {p.stem for p in (ROOT / "engine").glob("*.py")} - {"__init__"}
    assert on_disk == ENGINE_PUBLIC | ENGINE_INTERNAL
    assert not list((ROOT / "engine").glob("*/")) or all(
        not p.is_dir() or p.name == "__pycache__" for p in (ROOT / "engine").iterdir())


@pytest.mark.parametrize("layer", sorted(set(LAYERS) - {"engine"}))
def test_nothing_above_the_engine_imports_its_internals(layer):
    """The layers above use the engine's public modules (ENGINE_PUBLIC) and public names
    only: never the Exchange's parts (ledger, escrow, matching, orders, sessions), never a
    private name."""
    for path in sorted((ROOT / layer).rglob("*.py")):
        where = path.relative_to(ROOT)
        for module, names in engine_imports(path):
            assert module in ENGINE_PUBLIC, f"{where} imports souq.engine.{module}"
            private = [n for n in names if n.startswith("_")]
            assert not private, f"{where} imports {private} from souq.engine.{module}"


def test_no_cli_command_loads_the_workstation():
    """Every command's module is imported by souq.cli.main; none of them may pull in the TUI."""
    code = ("import sys, souq.cli.main; print(','.join(sorted(m for m in sys.modules "
            "if m.startswith(('souq.tui', 'textual')))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == ""


#: The one engine module allowed to read the environment and files: at import time it
#: picks the compiled modules or the pure-Python ones (SOUQ_PURE_PYTHON, the build record).
ENGINE_LOADER = "engine/native.py"


def test_engine_does_no_io_and_reads_no_clock():
    forbidden = {"time", "datetime", "os", "sqlite3", "sqlalchemy", "sqlmodel", "socket",
                 "pathlib", "io", "subprocess", "threading", "asyncio"}
    for path in sorted((ROOT / "engine").rglob("*.py")):
        if path.relative_to(ROOT).as_posix() == ENGINE_LOADER:
            continue
        bad = imports(path) & forbidden
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"
        calls = {n.func.id for n in ast.walk(ast.parse(path.read_text()))
                 if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
        assert "open" not in calls and "print" not in calls and "input" not in calls, path


def test_only_the_package_uses_the_engine_loader():
    """engine/native.py chooses modules at import; no engine rule may call into it (so the
    rules stay free of I/O): only the package's __init__ and the bench read it."""
    for path in sorted((ROOT / "engine").glob("*.py")):
        if path.name in ("__init__.py", "native.py"):
            continue
        assert "native" not in imports_of(path), path


def imports_of(path: Path) -> set[str]:
    """The modules `path` imports by their last dotted part (from .native import x: native)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out |= {a.name.rsplit(".", 1)[-1] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.module:
                out.add(node.module.rsplit(".", 1)[-1])
            out |= {a.name for a in node.names}
    return out


def test_core_never_loads_ui_libraries():
    code = ("import sys, souq.engine.exchange, souq.engine.stream, souq.db.store, souq.db.api, "
            "souq.db.check, souq.db.replay, souq.db.bench, souq.mm.demo; "
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('textual', 'rich', 'typer', 'plotext') or m.startswith(('souq.tui', 'souq.cli')))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == ""


def test_installed_souq_adds_one_top_level_name(tmp_path):
    """Installing souq must not put `engine`, `db`, `mm` ... into site-packages, where they
    would collide with other distributions: outside the repository only `souq` imports."""
    code = ("import importlib.util as u, souq.engine.exchange, souq.cli.main; "
            "print(','.join(n for n in ('engine', 'db', 'mm', 'tui', 'cli', 'themes', 'gateway') "
            "if u.find_spec(n)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, check=True, timeout=60).stdout.strip()
    assert out == ""


def test_setup_maps_every_package_under_souq():
    """setup.py's computed package list covers every package of the repository, each under
    souq, so a wheel (not only an editable install) carries all of them."""
    code = ("import runpy, setuptools; seen = {}; "
            "setuptools.setup = lambda **kw: seen.update(kw); "
            "runpy.run_path('setup.py'); print(' '.join(seen['packages']))")
    listed = set(subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                                text=True, check=True, timeout=60).stdout.split())
    on_disk = {"souq." + ".".join(p.parent.relative_to(ROOT).parts)
               for top in OURS for p in (ROOT / top).rglob("__init__.py")}
    assert listed == on_disk


def _reaches_into_the_store(tree) -> list[str]:
    """`store.ex` / `<x>.store.ex` (the engine's live Exchange behind a db Store) and any
    `._store` (an Api's private Store) in a parsed module."""
    found = []
    for n in ast.walk(tree):
        if not isinstance(n, ast.Attribute):
            continue
        if n.attr == "_store":
            found.append(f"line {n.lineno}: ._store")
        elif n.attr == "ex" and (isinstance(n.value, ast.Name) and n.value.id == "store"
                                 or isinstance(n.value, ast.Attribute)
                                 and n.value.attr == "store"):
            found.append(f"line {n.lineno}: store.ex")
    return found


# db/ owns the Store, so it is exempt; the gateway's committer owns one Store of its own.
VENUE_USERS = ("mm", "cli", "tui")


@pytest.mark.parametrize("layer", VENUE_USERS)
def test_the_desk_and_the_cli_read_the_exchange_through_a_venue(layer):
    """Above db, the market is read and orders are sent through a venue's ports
    (mm/venue) or db.api.Api's public methods: nothing in mm/, cli/ or tui/ touches a
    Store's exchange or an Api's Store."""
    for path in sorted((ROOT / layer).rglob("*.py")):
        bad = _reaches_into_the_store(ast.parse(path.read_text(), str(path)))
        assert not bad, f"{path.relative_to(ROOT)}: {', '.join(bad)}"


def test_the_check_sees_a_reach_into_the_store():
    tree = ast.parse("a = api.store.ex.symbols\nb = store.ex.seq\napi._store = s\n")
    assert sorted(_reaches_into_the_store(tree)) == ["line 1: store.ex", "line 2: store.ex",
                                                     "line 3: ._store"]


def test_strategies_and_the_runner_do_not_know_their_venue():
    """The decision pipeline, the runner and the strategies hold a Venue (mm/venue/ports):
    none of them imports the database, remote or routed venue, the engine's exchange or
    the database layer. (runner.py's MemoryRunner builds the in-process LocalVenue: it is
    the runner for a bare exchange; StrategyRunner itself sees only the ports.)"""
    files = [ROOT / "mm/desk/runner.py", ROOT / "mm/desk/pipeline.py",
             *sorted((ROOT / "mm/strategies").glob("*.py"))]
    concrete = ("souq.mm.venue.database", "souq.mm.venue.remote", "souq.mm.venue.routed",
                "souq.engine.exchange", "souq.db")
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            for name in names:
                assert not name.startswith(concrete), f"{path.relative_to(ROOT)} imports {name}"


def _classes(where: str):
    """(path, class node) of every class declared in the packages' source."""
    for path in sorted(ROOT.glob(f"{where}/**/*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ClassDef):
                yield path.relative_to(ROOT).as_posix(), node


def _fields(node: ast.ClassDef) -> set[str]:
    return {n.target.id for n in node.body
            if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)}


@pytest.mark.parametrize("layer", sorted(OURS))
def test_one_symbol_specification(layer):
    """A symbol's grid (tick and qty step as typed fields) is declared once, in
    engine/symbols.py SymbolSpec; everything else holds a spec."""
    for where, node in _classes(layer):
        if {"tick", "step"} <= _fields(node):
            assert (where, node.name) == ("engine/symbols.py", "SymbolSpec"), (
                f"{where}: {node.name} copies the symbol specification's fields")


def test_one_market_view():
    """One MarketView and one SymbolView, in mm/view.py; the screen's data is ScreenView."""
    found = sorted((where, node.name) for layer in sorted(OURS)
                   for where, node in _classes(layer)
                   if node.name in ("MarketView", "SymbolView"))
    assert found == [("mm/view.py", "MarketView"), ("mm/view.py", "SymbolView")]
