"""A strategy configuration's parameters as a form: one field per parameter, its unit and
range beside it, the focused one's help and default underneath.

Enter or Ctrl+S asks for every changed field at once (`Apply`); the desk checks them as a
whole and writes the next version or nothing. A refused change names the reason in a
notification and marks the field it is about; the form keeps what was typed.
"""
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, Static

from souq.mm.display import grouped_text

from .dialog import Dialog


class StrategyForm(Dialog):
    BINDINGS = [
        Binding("escape", "close", "Close", id="form.close"),
        Binding("ctrl+s", "apply", "Apply", id="form.apply"),
    ]

    class Apply(Message):
        """Write `values` (the changed fields) as the next version of `name`."""

        def __init__(self, form: "StrategyForm", name: str, values: dict[str, str]) -> None:
            super().__init__()
            self.form, self.name, self.values = form, name, values

    def __init__(self, cfg: dict, rows: list[dict]) -> None:
        super().__init__()
        self.cfg = cfg
        self.rows = {r["name"]: r for r in rows}
        self.shown = {r["name"]: str(r["value"]) for r in rows}   # as in the database

    def compose(self):
        c = self.cfg
        with Vertical(id="form"):
            yield Static(f"{c['name']} v{c['version']}: {c['template']} on {c['symbol']} as "
                         f"{c['user']} ({c['stage']})", id="form-title")
            with VerticalScroll(id="form-fields"):
                for name, r in self.rows.items():
                    with Horizontal(classes="form-row"):
                        yield Label(name, classes="form-name")
                        yield Input(self.shown[name], id=f"param-{name}", classes="form-value")
                        yield Label(r["unit"] or "", classes="form-unit")
                        yield Label(grouped_text(r["range"]), classes="form-range")
            yield Static(id="form-help")
            yield Static("Enter or Ctrl+S applies every change at once · Esc closes",
                         id="form-keys")

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        event.input.remove_class("refused")
        event.input.set_class(event.value != self.shown[self._param(event.input)], "edited")

    def on_descendant_focus(self, event) -> None:
        if isinstance(event.widget, Input):
            r = self.rows[self._param(event.widget)]
            self.query_one("#form-help", Static).update(
                f"{r['name']}: {r['help']} (default {r['default']}, {r['range']})")

    def values(self) -> dict[str, str]:
        """Every field whose text differs from the database's value."""
        out = {}
        for field in self.query(Input):
            name = self._param(field)
            if field.value.strip() != self.shown[name]:
                out[name] = field.value.strip()
        return out

    @on(Input.Submitted)
    def action_apply(self) -> None:
        values = self.values()
        if not values:
            self.notify("nothing changed", severity="warning")
            return
        self.post_message(self.Apply(self, self.cfg["name"], values))

    def refused(self, reason: str) -> None:
        """The desk refused the change: mark the field the reason is about."""
        name = reason.split(":", 1)[0].strip()
        if name in self.rows:
            field = self.query_one(f"#param-{name}", Input)
            field.add_class("refused")
            field.focus()

    def action_close(self) -> None:
        self.dismiss(None)

    @staticmethod
    def _param(field: Input) -> str:
        return field.id.removeprefix("param-")
