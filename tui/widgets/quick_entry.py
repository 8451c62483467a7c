"""A one-line order entry for experts, under the panes."""
from textual.binding import Binding
from textual.keys import REPLACED_KEYS, key_to_character
from textual.message import Message
from textual.widgets import Input


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
        super().__init__(placeholder="quick entry: buy 0.5 @ 100000000 | sell 1 mkt | "
                                     "buy 0.2 @ 99m ioc   (Enter sends, Esc leaves)", **kw)

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
