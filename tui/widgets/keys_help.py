"""The `?` key list: every key of the screen on view, built from the bindings themselves
(the app's, the screen's and those of every widget of ours on it), so it cannot drift from
what the keys do. Grouped by owner: a pane's keys under the pane's title, whether or not
the pane has focus now (Textual's own key panel lists only the focused widget's)."""
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.keys import key_to_character
from textual.widgets import Static

# our own classes: this package's modules (souq.tui.*), and the harness that subclasses the app
OURS = (__name__.rsplit(".widgets.", 1)[0] + ".", "tui_")


def owned_bindings(node) -> list[Binding]:
    """The bindings `node`'s own classes declare (Textual's inherited ones, such as a
    DataTable's cursor keys, left out), one per key, in declaration order."""
    out = []
    for cls in reversed(type(node).__mro__):
        if cls.__module__.startswith(OURS) and "BINDINGS" in cls.__dict__:
            out += Binding.make_bindings(cls.__dict__["BINDINGS"])
    return out


def key_display(app, binding: Binding) -> str:
    """The key as the footer writes it, or the character it types ("=" for `equals`)."""
    shown = app.get_key_display(binding)
    if shown == binding.key and len(shown) > 1:
        char = key_to_character(shown)
        return char if char and char.isprintable() and not char.isspace() else shown
    return shown


def offered(node, binding: Binding) -> bool:
    """False where the owner says the action is not possible here at all (check_action
    False, as the footer hides it: `p` with no demo market); greyed-out ones are listed."""
    name = binding.action.partition("(")[0]
    try:
        return node.check_action(name, ()) is not False
    except Exception:       # noqa: BLE001 - a check that needs real parameters: list it
        return True


def key_groups(app, screen) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(owner, [(keys, description)])]: the app, the screen, then each widget of ours on
    `screen` that binds keys; keys of one action are joined ("+ =")."""
    groups = []
    seen_classes = set()
    for node in [app, screen, *screen.walk_children()]:
        if type(node) in seen_classes:
            continue
        seen_classes.add(type(node))
        rows: dict[tuple, list[str]] = {}
        for b in owned_bindings(node):
            if not offered(node, b):
                continue
            rows.setdefault((b.action, b.description), []).append(key_display(app, b))
        if rows:
            owner = ("Everywhere" if node is app else "This screen" if node is screen
                     else getattr(node, "KEYS_TITLE", "") or getattr(node, "TITLE", "")
                     or type(node).__name__)
            groups.append((owner, [(" ".join(dict.fromkeys(k)), d or a)
                                   for (a, d), k in rows.items()]))
    return groups


def key_text(app, screen) -> Content:
    """The groups as lines: the owner bold, then `key  what it does`."""
    lines = []
    for owner, rows in key_groups(app, screen):
        lines.append(Content.styled(owner, "bold $accent"))
        width = max(len(k) for k, _ in rows)
        lines += [Content.assemble((k.rjust(width), "bold"), "  ", d) for k, d in rows]
    return Content("\n").join(lines)


class KeysHelp(VerticalScroll, can_focus=False):
    """The key list beside the panes; `?` again closes it."""

    def compose(self):
        yield Static(id="keys-help-text")

    def on_mount(self) -> None:
        self.border_title = "Keys (? closes)"
        self.query_one(Static).update(key_text(self.app, self.screen))
