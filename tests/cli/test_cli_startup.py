"""CLI start-up: `souq --help` and the read commands import neither the desk's maths
(numpy), the UI (textual) nor the database toolkit (SQLAlchemy, SQLModel, pydantic); the
table of lazily registered commands matches the real commands."""
import subprocess
import sys

import pytest
import typer
import typer.main

from souq.cli.main import COMMANDS

# mm/display.py (the one number formatter) is light and allowed; the desk itself is not
HEAVY = ("numpy", "textual", "sqlalchemy", "sqlmodel", "pydantic", "souq.mm.desk", "souq.mm.backtest",
         "tui", "plotext")
# Runs the console script, then reports which heavy packages ended up loaded.
PROBE = f"""
import sys
from souq.cli.main import run
sys.argv = ["souq"] + sys.argv[1:]
try:
    run()
except SystemExit as stop:
    code = stop.code
loaded = {{h for h in {set(HEAVY)!r} for m in sys.modules if m == h or m.startswith(h + ".")}}
sys.stderr.write("HEAVY=" + ",".join(sorted(loaded)) + "\\n")
sys.exit(code)
"""


def _loaded(args, env) -> tuple[subprocess.CompletedProcess, set[str]]:
    r = subprocess.run([sys.executable, "-c", PROBE, *args], env=env, capture_output=True,
                       text=True, timeout=300)
    line = [x for x in r.stderr.splitlines() if x.startswith("HEAVY=")][-1]
    return r, set(filter(None, line[len("HEAVY="):].split(",")))


def test_importing_the_cli_pulls_nothing_heavy():
    code = ("import sys, cli.main; print(','.join(sorted({h for h in "
            f"{set(HEAVY)!r} for m in sys.modules if m == h or m.startswith(h + '.')}})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == ""


@pytest.mark.parametrize("args", [["--help"], ["book", "BTC-IRR"], ["wallets"],
                                  ["orders", "--limit", "5"], ["trades"], ["ledger"],
                                  ["book", "BTC-IRR", "--json"]])
def test_read_commands_on_sqlite_stay_light(market, args):
    r, heavy = _loaded(args, market.env())
    assert r.returncode == 0, r.stderr
    assert heavy == set(), f"souq {' '.join(args)} loaded {sorted(heavy)}"


def test_a_write_command_still_loads_what_it_needs(market):
    r, heavy = _loaded(["deposit", "alice", "IRR", "5"], market.env())
    assert r.returncode == 0, r.stderr
    assert {"sqlalchemy", "sqlmodel"} <= heavy


def _real_commands(module: str) -> dict:
    from importlib import import_module
    sub = typer.Typer()
    import_module(f"souq.cli.{module}").register(sub)
    return typer.main.get_group(sub).commands


def test_the_lazy_table_lists_every_real_command_with_its_help():
    modules = {m for m, _ in COMMANDS.values()}
    real = {}
    for module in modules:
        for name, cmd in _real_commands(module).items():
            real[name] = (module, cmd.get_short_help_str(limit=1000))
    assert {n: m for n, (m, _) in COMMANDS.items()} == {n: m for n, (m, _) in real.items()}
    for name, (_module, text) in COMMANDS.items():
        assert real[name][1] == text, f"{name}: the table says {text!r}, the command says " \
                                      f"{real[name][1]!r}"


def test_help_lists_every_command_and_an_unknown_one_is_one_line(souq):
    out = souq.ok("--help")
    for name in COMMANDS:
        assert f"\n  {name} " in out
    souq.fails("nonsense", match="No such command 'nonsense'")
