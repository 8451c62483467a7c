"""Dialogs over the main screen, whose dimmed picture behind them is drawn once.

Textual draws a modal screen's translucent background by composing every screen under
it again, in full, each time the dialog repaints any part of itself (its layout, a field
that changes size) and each time anything under it changes. On the main screen, at
160x48, that took 75 to 300 ms a time under the demo market's load (issue 15), and
keystrokes in the order ticket waited behind it. A `Dialog` keeps the dimmed picture it
first drew, for its size, and replays it; the main screen does not redraw under a dialog
anyway (SouqApp.draw_view), so the picture stays true until the dialog closes.
"""
from typing import TypeVar

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from textual.renderables.background_screen import BackgroundScreen
from textual.screen import ModalScreen


class Backdrop:
    """A rich renderable: `inner` rendered once per (width, height), then replayed."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self._size: tuple[int, int | None] | None = None
        self._lines: list[list[Segment]] = []

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        size = (options.max_width, options.height)
        if size != self._size:
            self._lines = console.render_lines(self.inner, options)
            self._size = size
        newline = Segment.line()
        for line in self._lines:
            yield from line
            yield newline


Result = TypeVar("Result")


class Dialog(ModalScreen[Result]):
    """A ModalScreen whose dimmed background is drawn once (see the module's text)."""

    _backdrop: Backdrop | None = None

    def render(self):
        drawn = super().render()
        if not isinstance(drawn, BackgroundScreen):     # an opaque dialog: nothing behind
            return drawn
        if self._backdrop is None or self._backdrop.inner.screen is not drawn.screen:
            self._backdrop = Backdrop(drawn)
        return self._backdrop
