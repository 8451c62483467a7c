"""Numbers on the workstation's panes go through mm.display: the spread row in bps whose
parts are dropped whole rather than cut, the Inventory pane's compact figures."""
from souq.engine.numbers import parse_price
from souq.engine.symbols import SymbolSpec
from souq.mm.display import Figures
from souq.mm.view import MarketView, SymbolView
from souq.tui.snapshot import ScreenView
from souq.tui.widgets.inventory import short
from souq.tui.widgets.order_book import fitting, spread_parts

ETH = {"name": "ETH-USDT", "tick_size": "0.01", "qty_step": "0.0001", "base": "ETH",
       "quote": "USDT"}


def view(last: str | None = None, **kw) -> ScreenView:
    spec = SymbolSpec("ETH-USDT", "ETH", "USDT", parse_price("0.01"), parse_price("0.0001"),
                      parse_price("0.0001"))
    market = MarketView({"ETH-USDT": SymbolView(spec, None, None,
                                                None if last is None else parse_price(last),
                                                "continuous")}, {})
    return ScreenView(1, "ETH-USDT", "alice", ("alice",), market, figures=Figures([ETH]), **kw)


def test_the_spread_row_reads_in_ticks_and_bps():
    v = view(spread="0.35", mid="3500", last="3529.9")
    assert spread_parts(v) == ("spread 0.35 (1.0 bps)", "mid 3,500.00", "last 3,529.90")
    assert spread_parts(view(last=None)) == ("no two-sided market", "last -")


def test_parts_that_do_not_fit_are_left_out_whole():
    parts = ("spread 1,000,000 (0.1 bps)", "mid 95,000,000,000", "last 95,000,500,000")
    assert fitting(parts, 80) == "  ".join(parts)
    assert fitting(parts, 54) == "spread 1,000,000 (0.1 bps)  mid 95,000,000,000"
    assert fitting(parts, 20) == ""


def test_inventory_figures_are_compact_only_when_they_must_be_and_never_wrong():
    # every digit that fits, truncated toward zero: never more than there is
    assert short("-320893") == "-320.8k" and short("12.3456") == "12.3456"
    assert short("12.34567") == "12.35" and short("-0.0012", 4) == "-0.0012"
    assert short("99999.99") == "99.999k" and short("1234567") == "1,234k"


def test_wallets_value_the_position_at_the_books_mid_and_say_when_they_cannot(workstation):
    """alice bought 0.003 BTC (0.001 at 95,000,500,000, 0.002 at 95,001,000,000) and rests
    a bid at 95,000,000,000: her position is valued at the mid of the book's best bid and
    ask as the book shows them (95,000,000,000 and 95,001,500,000), not at the last trade
    or a mid without her bid; once bob empties the asks, at the last trade, saying so.
    The average reads at the tick's places (whole IRR)."""
    from souq.db.api import Api
    from tui_harness import FROZEN_NS, drive, wait_for
    ws = workstation
    ws.execute([{"op": "limit", "user": "alice", "symbol": "BTC-IRR", "side": "buy",
                 "price": "95000500000", "qty": "0.001", "tif": "ioc"},
                {"op": "limit", "user": "alice", "symbol": "BTC-IRR", "side": "buy",
                 "price": "95001000000", "qty": "0.002", "tif": "ioc"},
                {"op": "limit", "user": "alice", "symbol": "BTC-IRR", "side": "buy",
                 "price": "95000000000", "qty": "0.001"}])
    seen = {}

    def wallet(app) -> str:
        return str(app.screen.query_one("#wallets-pnl").render())

    async def script(pilot):
        app = pilot.app
        seen["both"] = wallet(app)
        api = Api(str(ws.path), "bob", clock=lambda: FROZEN_NS)
        try:                                    # bob buys every ask left: 0.033
            r = api.execute({"op": "market", "user": "bob", "symbol": "BTC-IRR",
                             "side": "buy", "qty": "0.033"})
            assert r.accepted, r.reason
        finally:
            api.close()
        await wait_for(pilot, lambda: "no asks" in wallet(app))
        seen["no_asks"] = wallet(app)
    drive(ws.app(), script)
    # 285,002,500,000 / 3: an average cost, two places finer than the tick
    position = "BTC-IRR position 0.0030 BTC @ 95,000,833,333.33"
    assert seen["both"].splitlines()[:2] == [
        position, "value at mid 285,002,250  fees 570,005 IRR"]    # 0.003 x 95,000,750,000
    assert seen["no_asks"].splitlines()[:2] == [
        position, "value at last trade (no asks) 285,012,000  fees 570,005 IRR"]  # x 95,004,000,000


def test_a_wallet_rows_amounts_line_up_their_decimal_points():
    """The Wallets pane shows a row's balance, hold and available at one number of places
    (Figures.common_places): 0.90001 ETH held finer than the 0.0001 step beside a 0.9 hold
    reads 10.90001 / 0.90000 / 10.00001, zeros added and nothing rounded; a USDT row at
    its 2 places stays there."""
    from souq.tui.widgets.wallets import _amounts
    f = Figures([ETH])
    eth = {"asset": "ETH", "balance": "10.90001", "hold": "0.9", "available": "10.00001"}
    usdt = {"asset": "USDT", "balance": "1500", "hold": "0", "available": "1500"}
    assert _amounts(f, eth) == ("10.90001", "0.90000", "10.00001")
    assert _amounts(f, usdt) == ("1,500.00", "0.00", "1,500.00")
