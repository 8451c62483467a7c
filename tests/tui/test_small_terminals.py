"""Small terminals: below the width (or height) where every pane fits, panes take turns
under a tab bar naming them with their keys; the footer keeps ? and q; at 80x24 the
order ticket leaves the book's prices in view."""
import pytest

from souq.tui.screens.order_ticket import OrderTicket
from tui_harness import drive, keys, screen_text, wait_for


def look(ws, size, *pressed) -> dict:
    seen = {}

    async def script(pilot):
        await keys(pilot, *pressed)
        app = pilot.app
        seen["narrow"] = app.screen_stack[1].has_class("narrow")
        seen["lines"] = screen_text(app).splitlines()
        seen["ticket"] = isinstance(app.screen, OrderTicket)
    drive(ws.app(), script, size=size)
    return seen


@pytest.mark.parametrize("size, narrow", [((160, 48), False), ((120, 36), True),
                                          ((149, 48), True), ((160, 30), True)])
def test_tabs_below_the_size_where_every_pane_fits(workstation, size, narrow):
    seen = look(workstation, size, "3")
    top = seen["lines"][0]
    assert seen["narrow"] is narrow
    if narrow:
        assert top.split("  ")[:3] == [" 1 Book", "2 Chart", "3 Orders"]
        assert "9 Quotes" in top and "Orders of alice" in seen["lines"][1]
    else:
        assert top.startswith("╭─ Order book BTC-IRR")


def test_80x24_footer_keeps_help_and_quit_and_the_ticket_leaves_the_book(workstation):
    seen = look(workstation, (80, 24))
    assert seen["lines"][0].split() == ["1", "Book", "2", "Chart", "3", "Orders", "4", "Tape",
                                        "5", "Wallets", "6", "Alerts", "7", "Strat", "8", "Inv",
                                        "9", "Quotes"]
    assert seen["lines"][-1].startswith(" ? Keys  q Quit")
    seen = look(workstation, (80, 24), "b")
    assert seen["ticket"]
    book = [line[:32] for line in seen["lines"][2:19]]
    assert any("95,000,500,000" in line for line in book)     # the best ask, beside the ticket
    assert any("spread" in line for line in book)
    assert any("94,999,500,000" in line for line in book)     # and the best bid


@pytest.mark.parametrize("size", [(80, 24), (120, 36), (160, 48)], ids=str)
def test_the_ticket_fits_with_its_buttons_and_leaves_book_prices_in_view(workstation, size):
    """The whole ticket, its Send and Close buttons included, lies on the screen, and the
    book's best ask and best bid stay readable beside it."""
    seen = {}

    async def script(pilot):
        await keys(pilot, "b")
        app = pilot.app
        screen = app.screen
        assert isinstance(screen, OrderTicket)
        seen["ticket"] = screen.query_one("#ticket").region
        seen["buttons"] = [screen.query_one(f"#ticket-{b}").region for b in ("send", "close")]
        seen["lines"] = screen_text(app).splitlines()
        seen["book"] = app.screen_stack[1].query_one("#book").region
    drive(workstation.app(), script, size=size)
    width, height = size
    ticket = seen["ticket"]
    assert ticket.y >= 0 and ticket.bottom <= height and ticket.right <= width
    for button in seen["buttons"]:
        assert button.height >= 1 and ticket.contains_region(button)
    rows = "\n".join(seen["lines"][min(b.y for b in seen["buttons"]):
                                   max(b.bottom for b in seen["buttons"])])
    assert "Send (Enter)" in rows and "Close (Esc)" in rows
    book = seen["book"]
    beside = [line[book.x:ticket.x] if ticket.y <= y < ticket.bottom else line[book.x:book.right]
              for y, line in enumerate(seen["lines"][book.y:book.bottom], book.y)]
    assert any("95,000,500,000" in line for line in beside)   # the best ask
    assert any("94,999,500,000" in line for line in beside)   # the best bid


def test_at_80x24_the_longest_ticket_fits_and_send_is_reached_by_keys(workstation):
    """The tallest the ticket gets (a stop-limit order, a refused number's message under
    its terms) still lies on a 80x24 screen with Send in it, and Tab reaches Send, whose
    Enter sends: the order is placed."""
    seen = {}

    async def script(pilot):
        app = pilot.app
        await keys(pilot, "b")
        screen = app.screen
        screen.query_one("#ticket-type").value = "stop_limit"
        screen.query_one("#ticket-stop").value = "95000400000"
        screen.query_one("#ticket-qty").value = "0.0001x"
        screen.query_one("#ticket-qty").focus()
        await keys(pilot, "enter")                      # refused in the ticket
        seen["error"] = str(screen.query_one("#ticket-error").render())
        seen["ticket"] = screen.query_one("#ticket").region
        seen["send"] = screen.query_one("#ticket-send").region
        screen.query_one("#ticket-qty").value = "0.0001"
        for _ in range(10):                             # Tab along to Send
            if screen.focused is screen.query_one("#ticket-send"):
                break
            await keys(pilot, "tab")
        seen["focused"] = screen.focused.id
        await keys(pilot, "enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, OrderTicket))
    drive(workstation.app(), script, size=(80, 24))
    assert seen["error"].startswith("quantity '0.0001x'")
    ticket, send = seen["ticket"], seen["send"]
    assert ticket.y >= 0 and ticket.bottom <= 24 and ticket.right <= 80
    assert send.height == 1 and ticket.contains_region(send)
    assert seen["focused"] == "ticket-send"
    [order] = [o for o in workstation.open_orders("alice") if o["type"] == "stop_limit"]
    assert (order["qty"], order["side"]) == ("0.0001", "buy")
