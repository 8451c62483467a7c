"""The base of every pane: a titled container that renders ScreenViews."""
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Region
from textual.widgets import Static

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


class TextLines(Static):
    """Lines of text that a pane shows again about once a second (the desk's panes):
    repainted only when they changed, and the screen laid out again only when their
    height may have changed (another number of lines, or a line as wide as the widget,
    which may wrap). Textual's `update` lays out the whole screen on every call
    (issue 15)."""

    _shown: tuple | None = None         # (text, spans) on screen: Content's == reads text
    _height: tuple | None = None        # (lines, one may wrap)

    def show(self, lines: list[Content]) -> None:
        content = Content("\n").join(lines)
        shown = (content.plain, content.spans)
        if shown == self._shown:
            return
        width = self.content_size.width
        height = (len(lines), any(line.cell_length >= width for line in lines))
        self._shown = shown
        self.update(content, layout=height != self._height or height[1])
        self._height = height


class SteadyStatic(Static):
    """A Static whose text is set again with every view (the selected order's line, the
    position and PnL lines): repainted only when the text changed, never laid out (its
    height is fixed by the stylesheet). Textual's `update` repaints on every call, and a
    repaint of any widget is part of the frame of every view (issue 15)."""

    _text: str | None = None

    def show(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.update(text, layout=False)


class LineStyle:
    """For a widget drawn line by line (the book's ladder, the tape): its style, which
    Textual works out from every ancestor on each reading (half the cost of drawing a
    ladder line, issue 15), read once for each pass that draws lines, as `line_style`
    (None before the first pass)."""

    line_style = None

    def render_lines(self, crop: Region):
        self.line_style = self.rich_style
        return super().render_lines(crop)
