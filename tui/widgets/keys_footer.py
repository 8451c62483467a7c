"""The footer with the keys a newcomer needs first: `?` (every key) and `q` (quit) lead, so
a narrow terminal, which cuts the footer's right end, never hides them."""
from textual.widgets import Footer

FIRST = ("help", "quit")        # actions shown before all others


class KeysFooter(Footer):
    def compose(self):
        keys = list(super().compose())
        return sorted(keys, key=lambda k: getattr(k, "action", None) not in FIRST)
