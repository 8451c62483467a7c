"""The tape: newest trade first with its time (UTC), coloured by the aggressor's side; the
acting user's trades marked ● and the desk's strategies' trades ◆ (in the own-order
colour), so a trader sees their own and the market makers' fills among the others.

Drawn line by line (Textual's line API), only as many rows as fit, and each trade's line
is built once: under a busy market a new trade costs one line, not a table laid out again.
"""
from datetime import datetime, timezone

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from ..snapshot import ScreenView
from .order_book import _colour
from .pane import LineStyle, Pane

ROWS = 100
TIME, MARK, SIDE, GAP = 8, 1, 4, 2
OWN, DESK = "●", "◆"


class TapeLines(LineStyle, Widget):
    DEFAULT_CSS = """
    TapeLines { height: 1fr; }
    TapeLines > .tape--header { text-style: bold; }
    """
    COMPONENT_CLASSES = {"tape--header"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.trades: tuple[dict, ...] = ()
        self._strips: dict[tuple, Strip] = {}
        self.figures = (str, str)           # price and quantity as shown
        self.user = ""                      # the acting user: marked OWN
        self.strategies: frozenset[str] = frozenset()   # the desk's users: marked DESK

    def show(self, trades: tuple[dict, ...], view: ScreenView | None = None) -> None:
        self.trades = trades
        if view is not None:
            self.figures = (view.price, view.qty)
            self.user = view.user
        self.refresh()

    def mark(self, t: dict) -> str:
        """OWN when the acting user is a side of trade `t`, DESK when a strategy is."""
        sides = (t["maker_user"], t["taker_user"])
        return OWN if self.user in sides else DESK if self.strategies.intersection(sides) \
            else " "

    def _columns(self, width: int) -> tuple[int, int]:
        rest = max(0, width - TIME - MARK - SIDE - 4 * GAP)
        price = max(12, rest - rest // 2)
        return price, max(8, rest - price)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.line_style or self.rich_style
        price_w, qty_w = self._columns(width)
        if y == 0:
            text = ("time".ljust(TIME) + " " * GAP + " " * MARK + " " * GAP
                    + "price".rjust(price_w) + " " * GAP
                    + "qty".rjust(qty_w) + " " * GAP + "side".ljust(SIDE))
            style = base + self.get_component_rich_style("tape--header")
            return Strip([Segment(text, style)]).crop_extend(0, width, base)
        if y - 1 >= len(self.trades):
            return Strip.blank(width, base)
        t = self.trades[y - 1]
        colour = _colour(self, "bid" if t["taker_side"] == "buy" else "ask")
        mark = self.mark(t)
        key = (t["id"], width, colour, base, mark)
        strip = self._strips.get(key)
        if strip is None:
            side = base + Style(color=colour)
            at = datetime.fromtimestamp(t["ts"] / 1e9, timezone.utc).strftime("%H:%M:%S")
            strip = Strip([
                Segment(at.ljust(TIME) + " " * GAP, base),
                Segment(mark, base + Style(color=_colour(self, "own-order"), bold=True)),
                Segment(" " * GAP, base),
                Segment(self.figures[0](t["price"]).rjust(price_w), side),
                Segment(" " * GAP + self.figures[1](t["qty"]).rjust(qty_w) + " " * GAP, base),
                Segment(t["taker_side"].ljust(SIDE), side),
            ]).crop_extend(0, width, base)
            if len(self._strips) > 4 * ROWS:
                self._strips.clear()
            self._strips[key] = strip
        return strip


class TradesTape(Pane):
    TITLE = "Trades"

    def compose(self):
        yield TapeLines(id="trades-body")

    def on_mount(self) -> None:
        super().on_mount()
        self._shown: tuple = ()
        self._view: ScreenView | None = None

    def on_resize(self) -> None:
        self._shown = ()
        if self._view is not None:
            self.update_view(self._view)

    def set_strategies(self, users) -> None:
        """The desk's strategy users, whose trades the tape marks DESK."""
        body = self.query_one(TapeLines)
        users = frozenset(users)
        if users != body.strategies:
            body.strategies = users
            body.refresh()

    def update_view(self, view: ScreenView) -> None:
        self._view = view
        rows = max(1, min(ROWS, self.content_size.height - 1))   # one line for the header
        shown = tuple(t["id"] for t in view.trades[:rows])
        if shown == self._shown:
            return
        self._shown = shown
        self.query_one(TapeLines).show(view.trades[:rows], view)
