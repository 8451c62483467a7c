"""What the workstation looks like: SVG snapshots of the screens people see.

Accept a changed snapshot only after looking at it (`pytest --snapshot-update`, then the
HTML report or the SVG in __snapshots__/test_snapshots/).
"""
import pytest

from themes import THEMES
from tui_harness import NARROW, WIDE, populated, settle


def test_fresh_demo_wide(snap_compare, empty_workstation):
    """An empty database: the app builds the demo exchange and shows every pane."""
    assert snap_compare(empty_workstation.app(), run_before=settle, terminal_size=WIDE)


def test_fresh_demo_narrow(snap_compare, workstation):
    """80x24: one pane at a time, the order book first."""
    assert snap_compare(workstation.app(), run_before=settle, terminal_size=NARROW)


def test_populated_book(snap_compare, workstation):
    """Trades on the tape and in the chart, alice's own orders marked in the book."""
    assert snap_compare(populated(workstation).app(), run_before=settle, terminal_size=WIDE)


def test_order_ticket(snap_compare, workstation):
    """b opens a buy ticket at the best ask, the quantity field focused."""
    assert snap_compare(workstation.app(), run_before=settle, press=["b"], terminal_size=WIDE)


def test_quick_entry_typed(snap_compare, workstation):
    assert snap_compare(workstation.app(), run_before=settle,
                        press=[":", *"buy 0.2 @ 99m ioc"], terminal_size=WIDE)


def test_rejected_order_notification(snap_compare, workstation):
    """A price outside the daily band: the reason in an error toast, the ticket still open."""
    async def reject(pilot):
        await settle(pilot)
        await pilot.press("b", "shift+tab", "home", "1", "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    assert snap_compare(workstation.app(), run_before=reject, terminal_size=WIDE)


def test_help_panel(snap_compare, workstation):
    assert snap_compare(workstation.app(), run_before=settle, press=["question_mark"],
                        terminal_size=WIDE)


def test_symbol_picker(snap_compare, workstation):
    assert snap_compare(workstation.app(), run_before=settle, press=["slash"],
                        terminal_size=WIDE)


@pytest.mark.parametrize("theme", list(THEMES))
def test_theme(snap_compare, workstation, theme):
    """Bid, ask and own-order colours in every theme, on a populated market."""
    assert snap_compare(populated(workstation).app(theme=theme), run_before=settle,
                        terminal_size=WIDE)


def test_narrow_chart_pane(snap_compare, workstation):
    """80x24 after pressing 2: the chart alone, drawn to the pane's size."""
    assert snap_compare(populated(workstation).app(), run_before=settle, press=["2"],
                        terminal_size=NARROW)
