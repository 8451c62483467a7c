"""The market maker's view of every running strategy at once: for each, its running
figures, its live quotes (side, price, size left, distance from the mid in bps, age) and
its recent fills (time, side, price, qty, fee), in the desk row beside the Inventory pane
(`v`), or alone (9) where panes take turns.

The strategy under the Strategy pane's cursor comes first, the others after it in the
desk's order; with more than one running, each shows its newest EACH quotes and fills and
the pane scrolls. The figures are the run report's (mm.desk.report, one mark-to-market),
numbers as mm.display writes them. Two columns when they fit, else quotes above fills.
"""
from datetime import datetime, timezone

from textual.containers import VerticalScroll
from textual.content import Content

from souq.mm import display

from ..desk_facade import DeskView
from ..desk_maker import MakerView
from .pane import Pane, TextLines

GAP = "   "
EACH = 4            # quotes and fills shown per strategy when several run


class MakerPane(Pane):
    TITLE = "Quotes & fills"

    def compose(self):
        with VerticalScroll(id="maker-scroll"):
            yield TextLines(id="maker-body")

    def on_mount(self) -> None:
        super().on_mount()
        self._shown: tuple | None = None
        self._last: tuple | None = None

    def on_resize(self) -> None:
        if self._last is not None:
            self._shown = None
            self.update_desk(*self._last)

    def update_desk(self, view: DeskView, figures=None, focus: str | None = None) -> None:
        """Show every active run of `view`, the one of configuration `focus` first;
        `figures` (mm.display.Figures) writes their prices and quantities."""
        self._last = (view, figures, focus)
        makers = sorted(view.makers, key=lambda m: m.name != focus)
        rows = tuple(view.row(m.name) for m in makers)
        width = self.query_one("#maker-body").size.width
        key = (tuple(makers), rows, view.now // 10**9, width, figures is None)
        if key == self._shown:
            return
        self._shown = key
        body = self.query_one("#maker-body", TextLines)
        if not makers:
            self.set_title("Quotes & fills")
            body.show([Content.styled("no strategy is running: g in the Strategy pane "
                                      "starts the selected one", "$text-muted")])
            return
        running = sum(m.state == "running" for m in makers)
        self.set_title(f"Quotes & fills: {len(makers)} active, {running} running")
        limit = None if len(makers) == 1 else EACH
        blocks = [strategy_block(m, r, figures, view.now, width, limit)
                  for m, r in zip(makers, rows)]
        body.show([line for block in blocks for line in block])


def strategy_block(maker: MakerView, row, figures, now: int, width: int,
                   limit: int | None) -> list[Content]:
    """One strategy: its name, run and state over its figures, then its newest `limit`
    quotes and fills (all with None)."""
    price = (lambda v: figures.price(maker.symbol, v)) if figures else display.number
    qty = (lambda v: figures.qty(maker.symbol, v)) if figures else display.number
    money = (lambda v: figures.money(row.quote, v)) if figures and row else display.number
    fee = (lambda v: figures.fee(row.quote, v)) if figures and row else display.exact
    quotes = [quote_line(q, price, qty, now) for q in maker.quotes[:limit]]
    fills = [fill_line(f, price, qty, fee) for f in maker.fills[:limit]]
    more = [f"{n - len(shown)} more {what}" for n, shown, what in
            ((len(maker.quotes), quotes, "quotes"), (len(maker.fills), fills, "fills"))
            if n > len(shown)]
    head = Content.styled(f"{maker.name} run {maker.run_id} {maker.state} {maker.symbol}"
                          + (f"  ({', '.join(more)})" if more else ""), "bold $accent")
    return [head, summary(row, maker, price, qty, money)] + columns(quotes, fills, width)


def summary(row, maker: MakerView, price, qty, money) -> Content:
    """PnL, inventory, spread captured (the run report's) and the mark quotes are measured
    from, on one line."""
    f = row.figures if row is not None and row.figures else {}
    total = display.to_decimal(f.get("total"))
    style = "$text" if not total else "$success" if total > 0 else "$error"
    parts = [Content.styled(f"PnL {money(f.get('total'))} {row.quote if row else ''}".rstrip(),
                            f"bold {style}"),
             Content(f"  inv {qty(f.get('inventory'))} {row.base if row else ''}"
                     f"  spread {money(f.get('spread'))}"
                     f"  mid {price(maker.mid) if maker.mid else display.MISSING}")]
    return Content("").join(parts)


def age(ns: int | None) -> str:
    """Seconds, minutes or hours, whole: 9s, 4m, 2h."""
    if ns is None:
        return display.MISSING
    s = max(0, ns // 10**9)
    return f"{s}s" if s < 60 else f"{s // 60}m" if s < 3600 else f"{s // 3600}h"


def quote_line(q, price, qty, now: int) -> tuple:
    bps = display.MISSING if q.bps is None else display.number(q.bps, 1, sign=True)
    return (q.side, price(q.price), qty(q.size), bps, age(q.age_ns))


def fill_line(f, price, qty, fee) -> tuple:
    at = datetime.fromtimestamp(f.ts / 1e9, timezone.utc).strftime("%H:%M:%S")
    return (at, f.side, price(f.price), qty(f.qty), fee(f.fee))


QUOTE_HEAD = ("side", "price", "size", "bps", "age")
FILL_HEAD = ("time", "side", "price", "qty", "fee")


def table(head: tuple, rows: list[tuple], left: int) -> list[Content]:
    """Rows of cells, the first `left` columns left-aligned, the rest right-aligned, each
    column as wide as its widest cell; the header muted, sides in bid and ask colours."""
    widths = [max(len(c[i]) for c in [head] + rows) for i in range(len(head))]

    def text(cells) -> str:
        return " ".join(c.ljust(w) if i < left else c.rjust(w)
                        for i, (c, w) in enumerate(zip(cells, widths)))
    out = [Content.styled(text(head), "$text-muted")]
    for cells in rows:
        colour = "$bid" if "buy" in cells else "$ask"
        out.append(Content.styled(text(cells), colour))
    return out


def columns(quotes: list[tuple], fills: list[tuple], width: int) -> list[Content]:
    """Quotes and fills side by side when both fit in `width`, else one above the other."""
    q = table(QUOTE_HEAD, quotes, 1) if quotes else [Content.styled("no live quotes",
                                                                    "$text-muted")]
    f = table(FILL_HEAD, fills, 2) if fills else [Content.styled("no fills yet",
                                                                 "$text-muted")]
    q_w = max(c.cell_length for c in q)
    f_w = max(c.cell_length for c in f)
    if q_w + len(GAP) + f_w > width > 0:
        return q + f
    out = []
    for i in range(max(len(q), len(f))):
        left = q[i] if i < len(q) else Content("")
        right = f[i] if i < len(f) else Content("")
        out.append(left + Content(" " * (q_w - left.cell_length) + GAP) + right)
    return out
