"""A one-line order entry for experts, under the panes."""
from textual.binding import Binding
from textual.keys import REPLACED_KEYS, key_to_character
from textual.message import Message
from textual.widgets import Input

from ..order_defaults import entry_examples


class QuickEntry(Input):
    # shown: every other key of the screen types into the entry, so the footer says these
    BINDINGS = [Binding("enter", "submit", "Send", id="entry.send"),
                Binding("escape", "leave", "Leave entry", id="entry.leave")]

    class Submitted(Message):
        def __init__(self, entry: "QuickEntry", text: str) -> None:
            super().__init__()
            self.entry = entry
            self.text = text

        @property
        def control(self) -> "QuickEntry":
            return self.entry

    def __init__(self, **kw) -> None:
        super().__init__(placeholder="quick entry: buy QTY @ PRICE | sell QTY mkt | "
                                     "buy QTY @ 99m ioc   (Enter sends, Esc leaves)", **kw)

    def update_view(self, view) -> None:
        """Examples the exchange would accept on the symbol on screen (min qty, a price
        inside its band), not fixed numbers that fit no symbol."""
        self.placeholder = entry_examples(view)

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """Say that / + - @ _ and backslash type here too, so the footer hides bindings on
        them (the symbol picker's /) while the entry has focus. Textual names these keys
        slash, plus ... and its key_to_character does not map those names back."""
        if character is None:
            character = key_to_character(REPLACED_KEYS.get(key, key))
        return super().check_consume_key(key, character)

    async def action_submit(self) -> None:
        if self.value.strip():
            self.post_message(self.Submitted(self, self.value))

    def action_leave(self) -> None:
        self.screen.focus_next()
