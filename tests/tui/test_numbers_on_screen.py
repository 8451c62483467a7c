"""Numbers on the workstation's panes go through mm.display: the spread row in bps whose
parts are dropped whole rather than cut, the Inventory pane's compact figures."""
from mm.display import Figures
from tui.snapshot import MarketView
from tui.widgets.inventory import short
from tui.widgets.order_book import fitting, spread_parts

ETH = {"name": "ETH-USDT", "tick_size": "0.01", "qty_step": "0.0001", "base": "ETH",
       "quote": "USDT"}


def view(**kw) -> MarketView:
    return MarketView(1, "ETH-USDT", ("ETH-USDT",), "alice", ("alice",), "continuous",
                      "0.01", "0.0001", figures=Figures([ETH]), **kw)


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
    assert short("-320893") == "-321k"
    assert short("12.3456") == "12.35" and short("-0.0012", 4) == "-0.0012"
    assert short("99999.99") == "100k" and short("1234567") == "1.23M"
