"""What the ticket and the quick entry offer before anything is typed comes from the
symbol's spec: the smallest quantity the exchange accepts and prices inside the daily band
(a newcomer was offered 0.0001 ETH, under ETH-USDT's minimum, and BTC at 100,000,000 IRR,
outside its band)."""
from decimal import Decimal

import pytest

from souq.tui.entry import parse_entry
from souq.tui.screens.order_ticket import OrderTicket
from souq.tui.widgets.quick_entry import QuickEntry
from tui_harness import caught_up, drive, keys, wait_for

SPECS = {"BTC-IRR": ("0.0001", "85500000000", "104500000000"),   # min qty, band low, high
         "ETH-USDT": ("0.001", "3150", "3850"),
         "USDT-IRR": ("1", "902500", "997500")}


@pytest.mark.parametrize("symbol", sorted(SPECS))
def test_ticket_and_entry_defaults_fit_the_symbol_and_are_accepted(workstation, symbol):
    min_qty, low, high = (Decimal(x) for x in SPECS[symbol])
    seen = {}

    async def script(pilot):
        app = pilot.app
        seen["placeholder"] = app.screen.query_one(QuickEntry).placeholder
        seen["band"] = app.state.view.band
        for side in ("b", "s"):
            await keys(pilot, side)
            ticket = app.screen
            assert isinstance(ticket, OrderTicket)
            seen[side] = (ticket.query_one("#ticket-price").value,
                          ticket.query_one("#ticket-qty").value)
            await keys(pilot, "enter")                  # send it as offered
            await wait_for(pilot, lambda: not isinstance(app.screen, OrderTicket))
            await caught_up(pilot)
    drive(workstation.app(symbol=symbol), script)
    assert seen["band"] == (format(low.normalize(), "f"), format(high.normalize(), "f"))
    for side in ("b", "s"):
        price, qty = (Decimal(x) for x in seen[side])
        assert qty == min_qty and low <= price <= high
    orders = workstation.read("orders", user="alice", symbol=symbol)
    assert sorted((o["side"], Decimal(o["qty"]), o["status"]) for o in orders) == [
        ("buy", min_qty, "filled"), ("sell", min_qty, "filled")]   # at the far touch
    text = seen["placeholder"].removeprefix("quick entry: ").split("   (")[0]
    examples = [parse_entry(e.strip(), "alice", symbol) for e in text.split("|")]
    assert [e["op"] for e in examples] == ["limit", "market", "limit"]
    for e in examples:
        assert Decimal(e["qty"]) == min_qty
        if "price" in e:
            assert low <= Decimal(e["price"]) <= high
