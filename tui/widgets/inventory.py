"""Each strategy's position against its target and limits, and what its run has earned.

A gauge spans -max_inventory..+max_inventory with 0 in the middle: the position is
filled from 0, the target is marked, and the fill turns to warning at 0.7 and to error
at 0.9 of max_inventory away from the target (the desk's alert ratios). The figures are
the report of the newest run (mm.desk.report): realised, unrealised, fees, spread
captured, in the symbol's quote asset, shortened for the eye (the CLI has them exact).
"""
from decimal import Decimal, InvalidOperation

from textual.content import Content

from souq.mm.display import fit

from ..desk_facade import DeskView, StrategyRow
from .pane import Pane, TextLines

WARNING, CRITICAL = Decimal("0.7"), Decimal("0.9")
GAUGE = 15                      # odd, so 0 has a middle cell
HEAD = ("strategy", "inventory", "q", "real", "unreal", "fees", "spread", "")
WIDTHS = (12, GAUGE, 7, 7, 7, 7, 7, 4)


class InventoryPane(Pane):
    TITLE = "Inventory"

    def compose(self):
        yield TextLines(id="inventory-gauges")

    def update_desk(self, view: DeskView) -> None:
        lines = [Content.styled(line(HEAD), "$text-muted")]
        lines += [row_content(r) for r in view.rows]
        self.query_one("#inventory-gauges", TextLines).show(lines)
        runs = sum(r.run_id is not None for r in view.rows)
        self.set_title(f"Inventory ({runs} with a run)")


def line(cells) -> str:
    return " ".join(str(c).rjust(w) if i > 1 else str(c).ljust(w)
                    for i, (c, w) in enumerate(zip(cells, WIDTHS))).rstrip()


def row_content(r: StrategyRow) -> Content:
    name = Content(r.name[:WIDTHS[0]].ljust(WIDTHS[0]) + " ")
    if r.figures is None:
        return name + Content.styled("never run", "$text-muted")
    f = r.figures
    figures = [short(f["inventory"], 4)]
    figures += [short(f[k]) for k in ("realised", "unrealised", "fees", "spread")]
    tail = "".join(" " + c.rjust(w) for c, w in zip(figures + [r.quote], WIDTHS[2:]))
    return name + gauge(f["inventory"], r.target, r.max_inventory) + Content(tail)


def level(q: Decimal, target: Decimal, most: Decimal) -> str:
    """ok, warning or critical: how far the position is from the target, of the max."""
    ratio = abs(q - target) / most if most > 0 else Decimal(0)
    return "critical" if ratio >= CRITICAL else "warning" if ratio >= WARNING else "ok"


def gauge(q_text: str, target_text: str, most_text: str, width: int = GAUGE) -> Content:
    """The position filled from the middle (0) toward its side, the target marked."""
    q, target, most = (_dec(t) for t in (q_text, target_text, most_text))
    if most <= 0:
        return Content("─" * width)
    mid = width // 2

    def cell(v: Decimal) -> int:
        return max(0, min(width - 1, round((v / most + 1) / 2 * (width - 1))))
    at, aim = cell(q), cell(target)
    lo, hi = sorted((mid, at))
    style = {"ok": "$success", "warning": "$warning", "critical": "$error"}[
        level(q, target, most)]
    parts = []
    for i in range(width):
        if i == aim:
            parts.append(Content.styled("┃", "bold $text"))
        elif q and lo <= i <= hi:
            parts.append(Content.styled("█", style))
        else:
            parts.append(Content.styled("─", "$text-muted"))
    return Content("").join(parts)


def short(text: str | None, dp: int = 2) -> str:
    """A figure in at most 7 characters: grouped at `dp` places when it fits, else in
    compact units (mm.display.fit: -320,893 is -321k, never -32.1k)."""
    return fit(_dec(text), WIDTHS[2], dp)


def _dec(text: str | None) -> Decimal:
    try:
        return Decimal(text) if text not in (None, "", "none") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)
