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
from textual.screen import ModalScreen, Screen


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


class UnderDialogs(Screen):
    """A screen that dialogs cover (the main screen): while a `Dialog` is on top, what
    changes on this screen is not sent up to it.

    Textual (8.2.8, `Screen._compositor_refresh`) sends a covered screen's dirty regions
    up to the screen on top and then marks the covered screen for a whole repaint; on its
    next idle the whole screen is dirty, goes up again and is marked again. So once
    anything under a dialog changed, the dialog was composed again in full (its backdrop
    replayed and every line chopped) each time the covered screen went idle: 15-18 ms of
    the UI thread's CPU a time at load 12-14, once or twice between Enter in the order
    ticket and the frame that shows the order (issue 15). A `Dialog` replays the picture
    it kept, so what is sent up could not change what it shows; this screen is composed
    in full when it is on top again (Textual refreshes a resumed screen), from its
    widgets, which keep their own dirty lines."""

    _covered = False        # a screen went on top since this one's last frame

    def on_screen_suspend(self) -> None:
        self._covered = True

    def _compositor_refresh(self) -> None:
        if self.app.screen is not self:
            if isinstance(self.app.screen, Dialog):
                self._compositor._dirty_regions.clear()      # the dialog's picture is kept
                self._dirty_widgets.clear()
                self._repaint_required = False
                return
        elif self._covered:
            # on top again: the first frame is whole (the terminal shows the dimmed
            # picture), even when a view drawn at once is composed before the resume
            self._covered = False
            self._compositor._dirty_regions.add(self._compositor.size.region)
        super()._compositor_refresh()
