"""What the workstation looks like: SVG snapshots of the screens people see, at 160x48 and
at 80x24, in every theme (the newer screens at three sizes in every theme:
test_theme_matrix.py).

Accept a changed snapshot only after looking at it (`pytest --snapshot-update`, then the
HTML report or the SVG in __snapshots__/test_snapshots/).
"""
import pytest

from souq.themes import THEMES
from souq.tui.screens.main import PANES
from tui_desk_kit import desk_market, quote
from tui_harness import NARROW, WIDE, caught_up, keys, populated, settle

SIZES = pytest.mark.parametrize("size", [WIDE, NARROW], ids=["160x48", "80x24"])


def after(*names: str):
    """run_before: settle, then press keys, each after the last one's effects (a screen
    opened, the workers it started, such as the chart's drawing) settled, so the snapshot
    never races them."""
    async def run(pilot) -> None:
        await settle(pilot)
        await keys(pilot, *names)
    return run


def test_fresh_demo_wide(snap_compare, empty_workstation):
    """An empty database: the app builds the demo exchange and shows every pane."""
    assert snap_compare(empty_workstation.app(), run_before=settle, terminal_size=WIDE)


def test_fresh_demo_narrow(snap_compare, workstation):
    """80x24: one pane at a time, the order book first."""
    assert snap_compare(workstation.app(), run_before=settle, terminal_size=NARROW)


def test_populated_book(snap_compare, workstation):
    """Trades on the tape, in the chart and its volume bars, alice's own orders marked
    in the book."""
    assert snap_compare(populated(workstation).app(), run_before=settle, terminal_size=WIDE)


async def feed_alerts(pilot) -> None:
    """A fill and a rejection through the quick entry, so the alerts pane has lines of
    both severities; the rejection's toast is cleared, as it would be on a click."""
    await settle(pilot)
    await keys(pilot, ":")
    for entry in ("sell 0.02 mkt", "buy 1 @ 1"):     # the entry keeps focus after Enter
        await keys(pilot, *entry, "enter")
        await caught_up(pilot)
    pilot.app.clear_notifications()
    await keys(pilot, "escape")


@pytest.mark.parametrize("pane", PANES)
def test_narrow_pane(snap_compare, workstation, pane):
    """80x24 on a populated market: the number key of each pane shows it alone, drawn to
    the pane's size."""
    key = str(PANES.index(pane) + 1)

    async def run_before(pilot) -> None:
        if pane == "alerts":
            await feed_alerts(pilot)
        await after(key)(pilot)
    assert snap_compare(populated(workstation).app(), run_before=run_before,
                        terminal_size=NARROW)


@SIZES
def test_order_ticket(snap_compare, workstation, size):
    """b opens a buy ticket at the best ask, the quantity field focused."""
    assert snap_compare(workstation.app(), run_before=after("b"), terminal_size=size)


def test_order_ticket_longest_at_80x24(snap_compare, workstation):
    """The tallest ticket (stop-limit, a refused number's message) on 80x24: all on screen,
    Send and Close included."""
    async def run_before(pilot) -> None:
        await settle(pilot)
        await keys(pilot, "b")
        screen = pilot.app.screen
        screen.query_one("#ticket-type").value = "stop_limit"
        screen.query_one("#ticket-stop").value = "95000400000"
        screen.query_one("#ticket-qty").value = "0.0001x"
        screen.query_one("#ticket-qty").focus()
        await keys(pilot, "enter")
    assert snap_compare(workstation.app(), run_before=run_before, terminal_size=NARROW)


@SIZES
def test_quick_entry_typed(snap_compare, workstation, size):
    """The entry has focus: the footer offers no binding that the typing would take."""
    assert snap_compare(workstation.app(), run_before=after(":", *"buy 0.2 @ 99m ioc"),
                        terminal_size=size)


@SIZES
def test_rejected_order_notification(snap_compare, workstation, size):
    """A price outside the daily band: the reason in an error toast, the ticket still open."""
    assert snap_compare(workstation.app(),
                        run_before=after("b", "shift+tab", "home", "1", "enter"),
                        terminal_size=size)


@SIZES
def test_help_panel(snap_compare, workstation, size):
    """? lays the keys over the right of the screen; the panes keep their sizes."""
    assert snap_compare(populated(workstation).app(), run_before=after("question_mark"),
                        terminal_size=size)


@SIZES
def test_symbol_picker(snap_compare, workstation, size):
    assert snap_compare(workstation.app(), run_before=after("slash"), terminal_size=size)


@pytest.mark.parametrize("theme", list(THEMES))
def test_theme(snap_compare, workstation, theme):
    """Bid, ask, own-order and chart colours in every theme, on a populated market."""
    assert snap_compare(populated(workstation).app(theme=theme), run_before=settle,
                        terminal_size=WIDE)


@pytest.mark.parametrize("theme", list(THEMES))
@pytest.mark.parametrize("pane", ["book", "chart"])
def test_theme_narrow(snap_compare, workstation, theme, pane):
    """80x24 in every theme: the book's sides and the chart's up and down colours."""
    key = str(PANES.index(pane) + 1)
    assert snap_compare(populated(workstation).app(theme=theme), run_before=after(key),
                        terminal_size=NARROW)


# ---------------------------------------------------------------- the desk
@SIZES
def test_strategy_pane(snap_compare, workstation, size):
    """The eight demo configurations, one running and one stopped (rows written by the
    fixture, no runner process); 7 shows the pane (alone at 80x24)."""
    assert snap_compare(desk_market(workstation).app(), run_before=after("7"),
                        terminal_size=size)


@SIZES
def test_inventory_pane(snap_compare, workstation, size):
    """Gauges: fixed-btc at 0.8 of max_inventory (warning), layered-btc at 0.96
    (critical); realised, unrealised, fees and spread captured of their runs."""
    assert snap_compare(desk_market(workstation).app(), run_before=after("8"),
                        terminal_size=size)


@SIZES
def test_maker_pane(snap_compare, workstation, size):
    """v (9 alone at 80x24): fixed-btc's two quotes 1.0 bps either side of the mid, its two
    fills with their fees, its PnL, inventory and spread captured."""
    key = "v" if size == WIDE else "9"
    assert snap_compare(quote(desk_market(workstation)).app(), run_before=after(key),
                        terminal_size=size)


@SIZES
def test_quit_with_a_strategy_running(snap_compare, workstation, size):
    """q with fixed-btc running: stop it, leave it running, or stay."""
    assert snap_compare(quote(desk_market(workstation)).app(), run_before=after("q"),
                        terminal_size=size)


@SIZES
def test_strategy_form(snap_compare, workstation, size):
    """Enter on a configuration: its parameters with unit and range, the focused one's
    help under them."""
    assert snap_compare(desk_market(workstation).app(), run_before=after("7", "down", "enter"),
                        terminal_size=size)


@SIZES
def test_chart_strategy_mode(snap_compare, workstation, size):
    """m in the chart: the selected strategy's inventory and PnL over its run."""
    assert snap_compare(desk_market(workstation).app(),
                        run_before=after("7", "down", "2", "m"), terminal_size=size)
