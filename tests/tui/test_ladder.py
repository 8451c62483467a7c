"""The ladder in short panes: the touch and the spread row stay in view while the cursor
follows the touch; moving away is the user's choice and Home returns from anywhere;
grouping steps go 1, 2, 5, 10 x tick; the spread row says the spread in bps."""
from souq.tui.widgets.order_book import GROUPS, next_group
from tui_harness import caught_up, drive, keys, populated, screen_text, settled, wait_for


def book_lines(app) -> list[str]:
    region = app.screen.query_one("#book-ladder").region
    rows = screen_text(app).splitlines()[region.y:region.bottom]
    return [r[region.x:region.right] for r in rows]


def test_grouping_steps_follow_one_two_five():
    assert GROUPS[:9] == [1, 2, 5, 10, 20, 50, 100, 200, 500]
    assert [next_group(1, 1), next_group(2, 1), next_group(5, 1), next_group(10, -1)] == \
        [2, 5, 10, 5]
    assert next_group(1, -1) == 1 and next_group(3, 1) == 5     # 3 is not a step: from 2


def test_short_pane_keeps_touch_and_spread_and_home_returns(workstation):
    ws = populated(workstation)
    seen = {}

    async def script(pilot):
        app = pilot.app
        ladder = app.screen.query_one("#book-ladder")
        seen["first"] = book_lines(app)
        await keys(pilot, "b", "escape")                   # a ticket opened and closed
        await caught_up(pilot)
        seen["after_ticket"] = book_lines(app)
        await keys(pilot, *["up"] * 12)                    # the user scrolls away
        seen["away"] = book_lines(app)
        seen["away_following"] = ladder.following
        app.screen.query_one("#quick-entry").focus()       # focus elsewhere, then Home
        await keys(pilot, "escape")
        app.screen.query_one("#orders-table").blur()
        app.set_focus(None)
        await keys(pilot, "home")
        seen["home"] = book_lines(app)
        seen["home_following"] = ladder.following
        seen["chosen"] = ladder.chosen()
    drive(ws.app(), script, size=(80, 12))
    for name in ("first", "after_ticket", "home"):
        text = "\n".join(seen[name])
        # after the seeded flow the touch is 95,000,200,000 / 94,999,000,000: 1,200,000 apart,
        # 1,200,000 / 94,999,600,000 x 10,000 = 0.126 bps
        assert "spread 1,200,000 (0.1 bps)  mid 94,999,600,000" in text, (name, seen[name])
        assert "95,000,200,000" in text and "94,999,000,000" in text, (name, text)
    assert not seen["away_following"] and "spread" not in "\n".join(seen["away"])
    assert seen["home_following"] and seen["chosen"][0] == "sell"
