"""The screens a newcomer tried, as SVG snapshots at 80x24, 120x36 and 160x48 in every
theme: the maker view of two running strategies, the Surveillance screen, the chart
zoomed out over hours of history, the layout (tabs below 150x36), the quit dialog and the
order ticket.

Deterministic under `pytest -n 2`: the harness's frozen clock (no wall-clock text), fixed
seeds and fixtures, and each snapshot taken once the app has settled (harness `settle`,
`chart_drawn`). Accept a change only after looking at it (`--snapshot-update`, then the
HTML report).
"""
import pytest

from souq.themes import THEMES
from test_chart_history import spread_out_trades
from test_surveillance_screen import open_screen, with_case
from tui_desk_kit import desk_market, quote, two_makers
from tui_harness import chart_drawn, keys, populated, settle

SIZES = [(80, 24), (120, 36), (160, 48)]
WIDE_LAYOUT = (160, 48)         # every pane at once; below it, panes take turns


def pressing(*names: str, chart: bool = False):
    """run_before: settle, press keys (each after the last one's effects), and wait for
    the chart's deferred drawing when it is on screen."""
    async def run(pilot) -> None:
        await settle(pilot)
        await keys(pilot, *names)
        if chart:
            await chart_drawn(pilot)
    return run


def maker(ws, size):
    key = "v" if size == WIDE_LAYOUT else "9"
    return two_makers(ws), pressing(key)


def surveillance(ws, size):
    return with_case(ws), open_screen


def chart_zoomed(ws, size):
    spread_out_trades(ws)
    return ws, pressing("2", "left_square_bracket", "left_square_bracket", chart=True)


def layout(ws, size):
    return populated(ws), settle


def quit_dialog(ws, size):
    return quote(desk_market(ws)), pressing("q")


def ticket(ws, size):
    return populated(ws), pressing("s")


SCREENS = {f.__name__: f for f in (maker, surveillance, chart_zoomed, layout, quit_dialog,
                                   ticket)}


@pytest.mark.parametrize("theme", list(THEMES))
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_in_theme(snap_compare, workstation, screen, size, theme):
    ws, run_before = SCREENS[screen](workstation, size)
    assert snap_compare(ws.app(theme=theme), run_before=run_before, terminal_size=size)
