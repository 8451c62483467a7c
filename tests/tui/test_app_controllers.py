"""The app's controllers for order entry, views and switching are composed into the app,
not mixed in: each reads only what its constructor was given and its own methods, nothing
of a host (tui/order_entry.py, tui/view_control.py, tui/switching.py)."""
import inspect

import pytest

from souq.tui.app import SouqApp
from souq.tui.order_entry import OrderEntry
from souq.tui.switching import Switching
from souq.tui.view_control import ViewControl
from test_desk_control import assigned_in_init, self_reads

GIVEN = {OrderEntry: {"app", "state", "focus", "_submit", "_closing"},
         ViewControl: {"app", "state", "facade", "desk", "_main"},
         Switching: {"app", "state", "facade", "_market", "_status"}}


@pytest.mark.parametrize("cls", list(GIVEN), ids=lambda c: c.__name__)
def test_the_controller_reads_only_what_it_declares(cls):
    declared = assigned_in_init(cls) | {
        name for name, _ in inspect.getmembers(cls, inspect.isfunction)}
    assert GIVEN[cls] <= declared
    assert self_reads(cls) <= declared


@pytest.mark.parametrize("cls", list(GIVEN), ids=lambda c: c.__name__)
def test_the_app_holds_the_controller_and_is_not_one(cls):
    assert not issubclass(SouqApp, cls)
    assert cls.__bases__ == (object,)
    assert f"class {cls.__name__}:" in inspect.getsource(inspect.getmodule(cls))
