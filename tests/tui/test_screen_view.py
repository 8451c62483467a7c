"""The workstation's screen data (tui.snapshot.ScreenView) reads its symbol's
specification, session and last price from the one market view (mm.view.MarketView)."""
from souq.mm.view import MarketView, market_of
from souq.tui.snapshot import ScreenView

from view_market import market as _exchange


def test_the_screen_reads_its_symbol_from_the_market_view():
    ex = _exchange()
    screen = ScreenView(1, "B-Q", "a", ("a",), market_of(ex, ("a",)))
    assert screen.symbols == ("B-Q", "N-Q")
    assert (screen.session, screen.tick, screen.step, screen.min_qty, screen.taker_fee,
            screen.base, screen.quote, screen.ref, screen.band, screen.last) == (
        "continuous", "1", "1", "1", "0.002", "B", "Q", "100", ("90", "110"), None)
    assert screen.spec is ex.symbols["B-Q"].spec
    unknown = ScreenView(1, "Z-Q", "a", ("a",), MarketView({}, {}))
    assert (unknown.session, unknown.tick, unknown.step, unknown.min_qty, unknown.taker_fee,
            unknown.base, unknown.ref, unknown.band, unknown.spec) == (
        "unknown", "", "", "0", "0", "", None, None, None)
