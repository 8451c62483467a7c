"""The base of every pane: a titled container that renders ScreenViews."""
from textual.containers import Vertical

from ..snapshot import ScreenView


class Pane(Vertical):
    """A bordered pane with a title; subclasses override update_view."""

    DEFAULT_CSS = """
    Pane { border: round $panel-lighten-2; border-title-color: $text-muted; }
    Pane:focus-within { border: round $accent; border-title-color: $accent; }
    """
    TITLE = ""
    _title: str | None = None       # the last title set through set_title

    def on_mount(self) -> None:
        self.border_title = self.TITLE

    def update_view(self, view: ScreenView) -> None:
        """Render a new view. Called by the screen on every redraw tick."""

    def set_title(self, title: str) -> None:
        """Set the border title; setting one repaints the whole pane, even when unchanged."""
        if title != self._title:
            self._title = title
            self.border_title = title
