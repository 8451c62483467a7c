"""Keys declared once: the command palette's entries are made from the bindings.

A `Binding` says its key, its action, a short description (the footer's and the `?`
list's) and, in `tooltip`, the longer title the palette shows. Every binding of the app
and of our screen on view becomes one palette command here, so no key can be in the
palette and not on the keyboard, or the other way round (tests/tui/test_key_commands.py).
"""
from collections.abc import Iterator

from textual.app import SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode

from .widgets.keys_help import key_display, offered, owned_bindings

KEY_HELP = "key {key}"          # a command's help line: the key that does the same


def binding_title(binding: Binding) -> str:
    """The palette title of `binding`: its tooltip, else its description, else its action."""
    return binding.tooltip or binding.description or binding.action


def binding_commands(node: DOMNode, where: str = "") -> Iterator[SystemCommand]:
    """One palette command per binding that `node`'s own classes declare and that is
    offered now (check_action not False); running it runs the binding's action on `node`,
    as pressing the key does. `where` is added to the help line ("in the Chart pane")."""
    app = node.app
    for binding in owned_bindings(node):
        if not offered(node, binding):
            continue
        key = KEY_HELP.format(key=key_display(app, binding)) + (f" {where}" if where else "")
        yield SystemCommand(binding_title(binding), key,
                            lambda a=binding.action: app.run_action(a, node))


def binding_with_id(cls: type, binding_id: str) -> Binding:
    """The binding with id `binding_id` that `cls` declares. Raises KeyError if none."""
    for b in Binding.make_bindings(cls.__dict__.get("BINDINGS", ())):
        if b.id == binding_id:
            return b
    raise KeyError(binding_id)
