"""The order-entry controller is composed into the app, not mixed in: it reads only what
its constructor was given and its own methods, nothing of a host (tui/order_entry.py)."""
import inspect

from souq.tui import order_entry
from souq.tui.app import SouqApp
from souq.tui.order_entry import OrderEntry
from test_desk_control import assigned_in_init, self_reads


def test_the_order_entry_controller_reads_only_what_it_declares():
    declared = assigned_in_init(OrderEntry) | {
        name for name, _ in inspect.getmembers(OrderEntry, inspect.isfunction)}
    assert {"app", "state", "focus", "_submit", "_closing"} <= declared
    assert self_reads(OrderEntry) <= declared


def test_the_app_holds_an_order_entry_controller_and_is_not_one():
    assert not issubclass(SouqApp, OrderEntry)
    assert OrderEntry.__bases__ == (object,)
    assert "class OrderEntry:" in inspect.getsource(order_entry)
