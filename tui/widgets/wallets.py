"""Balance, hold and available per asset of the acting user, and their position and PnL
in the symbol on screen (average cost, marked at the mid)."""
from ..snapshot import ScreenView
from .pane import SteadyStatic
from .table_pane import TablePane


COLUMNS = (("asset", 5), ("balance", 14), ("hold", 12), ("available", 14))


class WalletsPane(TablePane):
    TITLE = "Wallets"
    COLUMNS, TABLE_ID, CURSOR = COLUMNS, "wallets-table", "none"

    def compose_below(self):
        yield SteadyStatic(id="wallets-pnl")

    def update_view(self, view: ScreenView) -> None:
        self.show_rows({w["asset"]: (w["asset"], *_amounts(view.figures, w))
                        for w in view.wallets})
        self.set_title(f"Wallets of {view.user}")
        self.query_one("#wallets-pnl", SteadyStatic).show(pnl_line(view))  # 3 lines


def _amounts(figures, w: dict) -> tuple[str, ...]:
    """A wallet row's balance, hold and available at one number of places, so their
    decimal points line up (Figures.common_places), each fitted to its column."""
    places = figures.common_places(w["asset"], (w[k] for k, _ in COLUMNS[1:]))
    return tuple(figures.balance(w["asset"], w[k], width, places) for k, width in COLUMNS[1:])


def pnl_line(view: ScreenView) -> str:
    p = view.position
    if p is None:
        return ""
    if not p.qty and not p.realised and not p.fees:
        return f"{view.symbol}: flat, no trades"
    money = lambda v: view.money(view.quote, v)    # noqa: E731
    value = (f"value at {view.valued_at} {money(p.value_at_mid)}" if view.valued_at
             else "no price to value at")
    return (f"{view.symbol} position {view.qty(p.qty)} {view.base} @ "
            f"{view.figures.avg_price(view.symbol, p.avg_price)}\n"
            f"{value}  fees {view.figures.fee(view.quote, p.fees)} {view.quote}\n"
            f"PnL realised {money(p.realised)}  unrealised {money(p.unrealised)}")
