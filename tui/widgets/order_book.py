"""The depth ladder: asks above, spread and mid, bids below, own orders marked.

Drawn line by line (Textual's line API): an update recomputes each visible line's content
and repaints only the lines that changed, so a busy market costs a few lines per redraw,
not a table rebuilt cell by cell and laid out again.
"""
from decimal import Decimal

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from souq.mm import display as D

from ..snapshot import Level, ScreenView
from .pane import LineStyle, Pane

BAR = 12                      # the narrowest depth bar
MARK, PRICE, SIZE, TOTAL, GAP = 3, 15, 10, 10, 2
FIXED = MARK + PRICE + GAP + SIZE + GAP + TOTAL + GAP
SPREAD = "spread"             # the row between the sides


class BookLadder(LineStyle, Widget, can_focus=True):
    """The ladder itself: a header line, then asks, the spread row and bids.

    The spread row sits in the middle of the pane when the book allows. Until the user
    moves away, the cursor follows the touch (the best ask) and the touch and the spread
    row stay in view however short the pane; once moved (keys, wheel, click) the cursor
    stays on its level while the book moves and the ladder scrolls only as far as the
    cursor needs; Home returns to following the touch.
    """

    COMPONENT_CLASSES = {"book--header", "book--cursor", "book--spread"}
    DEFAULT_CSS = """
    BookLadder { height: 1fr; background: $surface; color: $foreground; }
    BookLadder:focus { background-tint: $foreground 5%; }
    BookLadder > .book--header { text-style: bold; background: $panel; color: $foreground; }
    BookLadder:focus > .book--header { background-tint: $foreground 5%; }
    BookLadder > .book--cursor { background: $block-cursor-blurred-background;
                                 color: $block-cursor-blurred-foreground;
                                 text-style: $block-cursor-blurred-text-style; }
    BookLadder:focus > .book--cursor { background: $block-cursor-background;
                                       color: $block-cursor-foreground;
                                       text-style: $block-cursor-text-style; }
    BookLadder > .book--spread { color: $text-muted; }
    """
    KEYS_TITLE = "Order book levels"       # its keys' heading in the ? list
    BINDINGS = [
        Binding("enter", "choose", "Ticket at level", show=False),
        Binding("up", "move(-1)", "Up a level", show=False),
        Binding("down", "move(1)", "Down a level", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        # home: the main screen's binding (book.home) brings the ladder back to the touch
        # from anywhere, this ladder included; one binding, listed once in `?`
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[tuple[str, Level | None]] = [(SPREAD, None)]
        self.spread_text: tuple[str, ...] = ()
        self.figures = (str, str)           # price and quantity as shown
        self.cursor = 0                     # index into rows; never the spread row
        self._cursor_key: tuple[str, str] | None = None
        self._top = 0                       # rows index of the first body line
        self._lines: list[tuple] = []       # what each screen line shows, to diff
        self.following = True               # the cursor follows the touch (Home: again)

    # ------------------------------------------------------------ data in
    def show(self, view: ScreenView) -> None:
        asks = [("sell", lv) for lv in reversed(view.asks)]
        rows = asks + [(SPREAD, None)] + [("buy", lv) for lv in view.bids]
        parts = spread_parts(view)          # the grouping matters more than mid and last
        group = (f"group {view.price(Decimal(view.tick) * view.group)} ({view.group} ticks)",
                 ) if view.group > 1 else ()
        self.rows, self.spread_text = rows, parts[:1] + group + parts[1:]
        self.figures = (lambda v: view.price(v), lambda v: view.qty(v))
        keys = [(side, lv.price if lv else "") for side, lv in rows]
        if not self.following and self._cursor_key in keys:
            self.cursor = keys.index(self._cursor_key)
        else:                                # at first, or the level went: the touch
            self.cursor = self._touch()
        self._remember_cursor()
        self._redraw()

    def level_keys(self) -> list[str]:
        """'side:price' of every level, top to bottom (what a test or a script reads)."""
        return [f"{side}:{lv.price}" for side, lv in self.rows if lv is not None]

    def chosen(self) -> tuple[str, str] | None:
        side, lv = self.rows[self.cursor] if self.cursor < len(self.rows) else (SPREAD, None)
        return None if lv is None else (side, lv.price)

    # ------------------------------------------------------------ geometry
    def _touch(self) -> int:
        spread = self._spread_index()
        if spread > 0:
            return spread - 1                 # the best ask
        return 1 if len(self.rows) > 1 else 0  # no asks: the best bid

    def _spread_index(self) -> int:
        return next(i for i, (side, _) in enumerate(self.rows) if side == SPREAD)

    def _body_height(self) -> int:
        return max(1, self.size.height - 1)

    def _place(self) -> None:
        """Centre the spread row, then scroll only as far as the cursor needs. Following
        the touch in a pane of two or three lines: the best ask, the spread row and (room
        permitting) the best bid."""
        body = self._body_height()
        spread = self._spread_index()
        top = spread - (body - 1) // 2
        if self.following and body < 3:
            top = spread - 1 if spread > 0 else spread
        if self.cursor < top:
            top = self.cursor
        elif self.cursor >= top + body:
            top = self.cursor - body + 1
        self._top = top

    def _line_key(self, y: int, width: int) -> tuple:
        if y == 0:
            return ("header", width)
        i = self._top + y - 1
        if not 0 <= i < len(self.rows):
            return ("blank", width)
        side, lv = self.rows[i]
        if lv is None:
            return (SPREAD, width, self.spread_text)
        return (side, width, lv, i == self.cursor)

    def _redraw(self) -> None:
        """Repaint only the lines whose content changed."""
        self._place()
        width, height = self.size
        lines = [self._line_key(y, width) for y in range(height)]
        old = self._lines
        self._lines = lines
        if len(old) != len(lines):
            self.refresh()
            return
        changed = [y for y, (a, b) in enumerate(zip(old, lines)) if a != b]
        if len(changed) > height // 2:
            self.refresh()
        elif changed:
            self.refresh(*(Region(0, y, width, 1) for y in changed))

    def on_resize(self) -> None:
        self._lines = []
        self._redraw()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # ------------------------------------------------------------ drawing
    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.line_style or self.rich_style
        key = self._lines[y] if y < len(self._lines) else self._line_key(y, width)
        kind = key[0]
        if kind == "header":
            style = base + self.get_component_rich_style("book--header")
            text = (" ●".ljust(MARK) + "price".rjust(PRICE) + " " * GAP + "size".rjust(SIZE)
                    + " " * GAP + "total".rjust(TOTAL) + " " * GAP + "depth")
            return Strip([Segment(text.ljust(width)[:width], style)], width)
        if kind == "blank":
            return Strip.blank(width, base)
        if kind == SPREAD:
            style = base + self.get_component_rich_style("book--spread")
            text = f" {fitting(key[2], width - 2)} "
            fill = max(0, width - len(text))
            line = "─" * (fill // 2) + text + "─" * (fill - fill // 2)
            return Strip([Segment(line[:width], style)], width)
        side, _, lv, is_cursor = key
        return self._level_strip(side, lv, is_cursor, width, base)

    def _level_strip(self, side: str, lv: Level, is_cursor: bool, width: int,
                     base: Style) -> Strip:
        colour = Style(color=_colour(self, "bid" if side == "buy" else "ask"))
        price, qty = self.figures
        row = base
        if is_cursor:
            row = base + self.get_component_rich_style("book--cursor")
        bar = max(BAR, width - FIXED)
        filled = (max(1, round(lv.fill * bar)) if lv.qty != "0" else 0)
        segments = [
            Segment((" ●" if lv.own else "").ljust(MARK), row + Style(bold=True)),
            Segment(price(lv.price).rjust(PRICE),
                    row if is_cursor else row + colour + Style(bold=True)),
            Segment(" " * GAP + qty(lv.qty).rjust(SIZE) + " " * GAP + qty(lv.cum).rjust(TOTAL)
                    + " " * GAP, row),
            Segment("█" * filled, row if is_cursor else row + colour),
            Segment(" " * (bar - filled), row),
        ]
        return Strip(segments).crop_extend(0, width, base)

    # ------------------------------------------------------------ keys and mouse
    def _levels(self) -> list[int]:
        return [i for i, (side, _) in enumerate(self.rows) if side != SPREAD]

    def _move_to(self, index: int, follow: bool = False) -> None:
        self.following = follow
        self.cursor = index
        self._remember_cursor()
        self._redraw()

    def _remember_cursor(self) -> None:
        side, lv = self.rows[self.cursor] if self.cursor < len(self.rows) else (SPREAD, None)
        self._cursor_key = None if lv is None else (side, lv.price)

    def action_move(self, step: int) -> None:
        levels = self._levels()
        if not levels:
            return
        here = levels.index(self.cursor) if self.cursor in levels else 0
        self._move_to(levels[max(0, min(len(levels) - 1, here + step))])

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(1, self._body_height() - 1))

    def action_touch(self) -> None:
        self._move_to(self._touch(), follow=True)

    def action_choose(self) -> None:
        chosen = self.chosen()
        if chosen is not None:
            self.post_message(OrderBook.LevelChosen(self.parent, *chosen))

    def on_click(self, event: events.Click) -> None:
        """A click on a level opens the ticket at that price."""
        i = self._top + event.y - 1
        if event.y >= 1 and 0 <= i < len(self.rows) and self.rows[i][1] is not None:
            self._move_to(i)
            self.action_choose()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self.action_move(1)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self.action_move(-1)


class OrderBook(Pane):
    TITLE = "Order book"
    BINDINGS = [
        Binding("plus,equals", "group(1)", "Group +", id="book.group_more"),
        Binding("minus", "group(-1)", "Group −", id="book.group_less"),
    ]

    class LevelChosen(Message):
        """A price level was clicked or chosen with Enter: fill a ticket with it."""

        def __init__(self, book: "OrderBook", side: str, price: str) -> None:
            super().__init__()
            self.book = book
            self.side = side       # the side of the level; a ticket takes the opposite
            self.price = price

        @property
        def control(self) -> "OrderBook":
            return self.book

    class GroupChanged(Message):
        """Group price levels coarser (`step` 1) or finer (-1), along GROUPS."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    def compose(self):
        yield BookLadder(id="book-ladder")

    def update_view(self, view: ScreenView) -> None:
        self.query_one(BookLadder).show(view)
        self.set_title(f"Order book {view.symbol}")

    def level_keys(self) -> list[str]:
        return self.query_one(BookLadder).level_keys()

    def action_group(self, step: int) -> None:
        self.post_message(self.GroupChanged(step))

    def action_touch(self) -> None:
        self.query_one(BookLadder).action_touch()


def group_steps(most: int = 10**6) -> list[int]:
    """Ticks per displayed level: 1, 2, 5, 10, 20, 50, 100 ... up to `most`."""
    out, scale = [], 1
    while scale <= most:
        out += [m * scale for m in (1, 2, 5) if m * scale <= most]
        scale *= 10
    return out


GROUPS = group_steps()


def next_group(group: int, step: int) -> int:
    """The grouping `step` places along GROUPS from `group` (kept within GROUPS)."""
    i = max((k for k, g in enumerate(GROUPS) if g <= group), default=0)
    return GROUPS[max(0, min(len(GROUPS) - 1, i + step))]


def spread_parts(view: ScreenView) -> tuple[str, ...]:
    """The spread row's parts, most important first: the spread in price and in basis
    points of the mid, the mid, the last trade."""
    last = f"last {view.price(view.last) if view.last else '-'}"
    if not view.spread:
        return ("no two-sided market", last)
    bps = Decimal(view.spread) / Decimal(view.mid) * 10000
    return (f"spread {view.price(view.spread)} ({D.bps(bps)})", f"mid {view.price(view.mid)}",
            last)


def fitting(parts: tuple[str, ...], width: int) -> str:
    """As many whole parts as fit in `width`, two spaces apart: a number is never cut."""
    text = ""
    for part in parts:
        joined = f"{text}  {part}" if text else part
        if len(joined) > width:
            break
        text = joined
    return text


def _colour(widget, name: str) -> str:
    """Bid and ask colours come from the theme's variables."""
    return widget.app.theme_variables.get(name, "green" if name == "bid" else "red")
