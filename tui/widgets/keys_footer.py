"""The footer with the keys a newcomer needs first: `?` (every key) and `q` (quit) lead, so
a narrow terminal, which cuts the footer's right end, never hides them.

Textual's Footer removes and mounts all its keys again whenever its screen's bindings
may have changed: every focus change and every time a dialog closes over the main screen,
each key styled anew (6 % of the UI thread in a `souq bench --tui` profile, and on the way
from Enter in the order ticket to the order on screen). This footer does so only when the
keys it would show differ from those it shows.
"""
from textual.widgets import Footer

FIRST = ("help", "quit")        # actions shown before all others


class KeysFooter(Footer):
    _shown: tuple | None = None     # what the keys on show were composed from

    def compose(self):
        self._shown = self._keys()
        keys = list(super().compose())
        return sorted(keys, key=lambda k: getattr(k, "action", None) not in FIRST)

    def _keys(self) -> tuple:
        """Everything compose reads: the shown bindings with their state, and the palette's."""
        if not self._bindings_ready:
            return ()
        return (self.show_command_palette, self.compact,
                tuple((b.key, b.action, b.description, b.show, b.tooltip, b.group, enabled, tip)
                      for _, b, enabled, tip in self.screen.active_bindings.values()
                      if b.show or b.action == "command_palette"))

    async def recompose(self) -> None:
        """Compose the keys again, if they changed since they were composed."""
        if self.is_attached and self._keys() == self._shown:
            return
        await super().recompose()
