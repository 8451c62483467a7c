"""The desk controller is composed into the app, not mixed in: it reads only what its
constructor was given and its own methods, nothing of a host (tui/desk_control.py)."""
import ast
import inspect

from souq.tui import desk_control
from souq.tui.app import SouqApp
from souq.tui.desk_control import DeskControl


def self_reads(cls) -> set[str]:
    tree = ast.parse(inspect.getsource(cls))
    return {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
            and isinstance(n.value, ast.Name) and n.value.id == "self"}


def assigned_in_init(cls) -> set[str]:
    tree = ast.parse(inspect.getsource(cls.__init__).strip().replace("\n    ", "\n"))
    targets = [t for n in ast.walk(tree) for t in (
        n.targets if isinstance(n, ast.Assign) else [n.target] if isinstance(n, ast.AnnAssign)
        else [])]
    return {e.attr for t in targets for e in (t.elts if isinstance(t, ast.Tuple) else [t])
            if isinstance(e, ast.Attribute)}


def test_the_controller_reads_only_what_it_declares():
    declared = assigned_in_init(DeskControl) | {
        name for name, _ in inspect.getmembers(DeskControl, inspect.isfunction)}
    assert {"app", "state", "clock", "desk"} <= declared
    assert self_reads(DeskControl) <= declared


def test_the_app_holds_a_controller_and_is_not_one():
    assert not issubclass(SouqApp, DeskControl)
    assert DeskControl.__bases__ == (object,)
    assert "class DeskControl:" in inspect.getsource(desk_control)
