"""Pick one of a list (a symbol, a user) with the keyboard."""
from textual import on
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static

from .dialog import Dialog


class Picker(Dialog[str | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Close", id="picker.close")]

    def __init__(self, title: str, choices: list[str], current: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.current = current

    def compose(self):
        with Vertical(id="picker"):
            yield Static(self.title_text, id="picker-title")
            yield OptionList(*self.choices, id="picker-list")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.current in self.choices:
            options.highlighted = self.choices.index(self.current)
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index])
