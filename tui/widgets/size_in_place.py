"""Scrolling widgets whose scrollable size changes without laying the screen out again.

Textual's `virtual_size` is a layout reactive: a DataTable that gains a row, or a RichLog
written to, asks for a layout of the whole screen, though its region is set by its pane's
CSS (`height: 1fr`), not by its content. On the main screen at 160x48 that layout took
7-22 ms of the UI thread's CPU for each order sent by ticket (its row in the Orders table,
its fill's line in the alerts), sometimes before the frame that shows the order (issue 15).
"""
from textual.geometry import Size
from textual.reactive import Reactive


class SizeInPlace:
    """Mixin, before a ScrollView (DataTable, RichLog) whose size does not follow its
    content: a new virtual size updates its scrollbars and repaints it, without a layout.
    A scrollbar that appears or goes still lays the screen out (Textual's
    `show_vertical_scrollbar` is a layout reactive), as does a widget not laid out yet."""

    virtual_size = Reactive(Size(0, 0), layout=False)

    def watch_virtual_size(self, size: Size) -> None:
        if self.is_attached and self.size:
            self._scroll_update(size)
        else:
            self.refresh(layout=True)
