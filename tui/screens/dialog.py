"""Dialogs over the main screen, whose dimmed picture behind them is drawn once.

Textual draws a modal screen's translucent background by composing every screen under it
again, in full, and tinting every segment, each time the dialog's own background is
repainted: whenever anything under it changes (a background screen's dirty region asks the
top screen for a whole repaint) and whenever the dialog is laid out again. On the main
screen at 160x48 that took 75 to 300 ms a time under the demo market's load (issue 15),
and keys in the order ticket waited behind it. A `Dialog` keeps the dimmed picture it first
drew, for its size and theme, and replays it line by line. The main screen takes no new
market views while covered (tui/view_control.py) and draws the newest one when the dialog
closes, so the picture kept is the one it would show.
"""
from typing import TypeVar

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from textual.renderables.background_screen import BackgroundScreen
from textual.screen import ModalScreen


class Backdrop:
    """A rich renderable: `inner` rendered once for a (width, height, theme), then its
    lines replayed."""

    def __init__(self, inner: BackgroundScreen, theme: str) -> None:
        self.inner, self.theme = inner, theme
        self._key: tuple | None = None
        self._lines: list[list[Segment]] = []

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        key = (options.max_width, options.height)
        if key != self._key:
            self._lines = console.render_lines(self.inner, options, pad=False)
            self._key = key
        newline = Segment.line()
        for line in self._lines:
            yield from line
            yield newline


Result = TypeVar("Result")


class Dialog(ModalScreen[Result]):
    """A ModalScreen whose dimmed background is drawn once per size and theme (see the
    module's text)."""

    _backdrop: Backdrop | None = None

    def render(self):
        drawn = super().render()
        if not isinstance(drawn, BackgroundScreen):     # an opaque dialog: nothing behind
            return drawn
        kept = self._backdrop
        if kept is None or kept.inner.screen is not drawn.screen \
                or kept.theme != self.app.theme:
            self._backdrop = Backdrop(drawn, self.app.theme)
        return self._backdrop
