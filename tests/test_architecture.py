"""Dependencies point one way (engine <- db <- mm <- tui/cli) and the core stays pure."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"engine": set(), "db": {"engine"}, "mm": {"engine", "db"},
          "tui": {"engine", "db", "mm", "themes"},     # the CLI and the TUI are peers
          "gateway": {"engine", "db"}}                # the network gateway: one more interface
OURS = {"engine", "db", "mm", "tui", "cli", "themes", "gateway"}


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_layers_import_only_what_is_below_them(layer):
    allowed = LAYERS[layer] | {layer}
    for path in sorted((ROOT / layer).rglob("*.py")):
        wrong = (imports(path) & OURS) - allowed
        assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


def test_engine_does_no_io_and_reads_no_clock():
    forbidden = {"time", "datetime", "os", "sqlite3", "sqlalchemy", "sqlmodel", "socket",
                 "pathlib", "io", "subprocess", "threading", "asyncio"}
    for path in sorted((ROOT / "engine").rglob("*.py")):
        bad = imports(path) & forbidden
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"
        calls = {n.func.id for n in ast.walk(ast.parse(path.read_text()))
                 if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
        assert "open" not in calls and "print" not in calls and "input" not in calls, path


def test_core_never_loads_ui_libraries():
    code = ("import sys, engine.exchange, engine.stream, db.store, db.api, db.check, db.replay, "
            "db.bench, mm.demo; "
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('textual', 'rich', 'typer', 'tui', 'cli', 'plotext'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == ""
