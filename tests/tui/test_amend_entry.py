"""Amend from the workstation: the quick-entry line reads `amend ID [QTY] [@ PRICE]`, and
the amended order keeps or loses its queue place by the exchange's rule."""
import pytest

from souq.tui.entry import EntryError, parse_entry
from tui_harness import caught_up, drive, workers_done


@pytest.mark.parametrize("text, command", [
    ("amend a-1 0.5", {"op": "amend", "user": "alice", "id": "a-1", "qty": "0.5"}),
    ("amend a-1 @ 95m", {"op": "amend", "user": "alice", "id": "a-1", "price": "95000000"}),
    ("amend Q7 0.002@94990m", {"op": "amend", "user": "alice", "id": "Q7", "qty": "0.002",
                               "price": "94990000000"}),
])
def test_reads_amend(text, command):
    assert parse_entry(text, "alice", "BTC-IRR") == command


@pytest.mark.parametrize("text, message", [
    ("amend", "say which order: amend ID [QTY] [@ PRICE]"),
    ("amend a-1", "give a new quantity or '@ PRICE': amend ID [QTY] [@ PRICE]"),
    ("amend a-1 1 2", "do not understand '2'"),
    ("amend a-1 @", "missing price after @"),
    ("amend a-1 x", "quantity 'x' is not a number"),
])
def test_bad_amend_is_named(text, message):
    with pytest.raises(EntryError) as err:
        parse_entry(text, "alice", "BTC-IRR")
    assert str(err.value) == message


def test_amend_from_the_quick_entry_line_moves_the_order(workstation):
    workstation.execute([{"op": "limit", "id": "a-1", "user": "alice", "symbol": "BTC-IRR",
                          "side": "buy", "price": "94990000000", "qty": "0.002"}])

    async def script(pilot):
        await pilot.press("colon", *"amend a-1 0.001 @ 94991m", "enter")
        await workers_done(pilot.app)
        await pilot.pause()
        await caught_up(pilot)

    drive(workstation.app(), script)
    [o] = [o for o in workstation.read("orders", user="alice") if o["client_id"] == "a-1"]
    assert (o["price"], o["qty"], o["status"]) == ("94991000000", "0.001", "active")
