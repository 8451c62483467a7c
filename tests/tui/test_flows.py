"""Whole flows through the workstation into the exchange: keys in, then what the database
holds (read back through db.api.Api) and what the screen shows."""
import asyncio
import json
import re

from textual.widgets import Input

from souq_cli import Souq
from souq.tui.facade import CommandDone
from souq.tui.screens.confirm import Confirm
from souq.tui.screens.order_ticket import OrderTicket
from souq.tui.screens.picker import Picker
from souq.tui.widgets.order_book import OrderBook
from souq.tui.widgets.quick_entry import QuickEntry
from textual.notifications import Notify

from tui_harness import caught_up, drive, handled, keys, screen_text, wait_for

BEST_ASK, BEST_BID = "95000500000", "94999500000"       # the demo book's BTC-IRR touch


def resting(user: str, cid: str, side: str, price: str, qty: str = "0.001") -> dict:
    return {"op": "limit", "id": cid, "user": user, "symbol": "BTC-IRR", "side": side,
            "price": price, "qty": qty}


def book_keys(app) -> list[str]:
    return app.screen.query_one(OrderBook).level_keys()


def field(app, name: str) -> str:
    return app.screen.query_one(f"#ticket-{name}", Input).value


async def submitted(pilot, answers: int = 1) -> None:
    """Wait for the exchange's answer to the app's `answers`-th command (a CommandDone the
    app handled), then for the redraw at the new journal point."""
    await handled(pilot, CommandDone, answers)
    await caught_up(pilot)


def notifications(messages) -> list:
    return [m.notification for m in messages if type(m).__name__ == "Notify"]


# ---------------------------------------------------------------- order ticket
def test_ticket_steps_price_and_qty_then_places_the_order(workstation):
    async def script(pilot):
        app = pilot.app
        await keys(pilot, "b")
        assert isinstance(app.screen, OrderTicket)
        assert (field(app, "price"), field(app, "qty")) == (BEST_ASK, "0.0001")
        assert app.focused.id == "ticket-qty"            # a price is given: size it
        await keys(pilot, "up", "up", "down")            # qty steps by the symbol's step
        assert field(app, "qty") == "0.0002"
        await keys(pilot, "shift+tab", "down", "down", "down")   # price steps by ticks
        assert field(app, "price") == "95000200000"
        await keys(pilot, "enter")
        await submitted(pilot)
        assert not isinstance(app.screen, OrderTicket)   # accepted: the ticket closed
        assert "buy:95000200000" in book_keys(app)       # the new best bid, own-marked
        screen = screen_text(app)
        assert re.search(r"●\s+95,000,200,000\s+0\.0002\s", screen)   # grouped, at the step
        assert "Orders of alice, BTC-IRR (1 open)" in screen

    messages = drive(workstation.app(), script)
    [order] = workstation.open_orders("alice")
    assert (order["side"], order["type"], order["price"], order["qty"], order["status"]) == \
        ("buy", "limit", "95000200000", "0.0002", "active")
    sent = list({id(m): m for m in messages if isinstance(m, (OrderTicket.Send, CommandDone))}
                .values())                              # a bubbling message is seen per node
    assert [type(m) for m in sent] == [OrderTicket.Send, CommandDone]
    assert sent[1].command is sent[0].command and sent[1].reason is None


def test_ticket_refuses_a_quantity_that_is_not_a_number_and_shows_its_terms(workstation):
    async def script(pilot):
        app = pilot.app
        await pilot.press("b")
        terms = str(app.screen.query_one("#ticket-terms").render())
        # 0.0001 BTC at 95,000,500,000 IRR; taker fee 0.2 % = 19,000.1, charged to the
        # ledger's 18 places as the exchange does (no IRR precision is set: it used to read
        # "19,001", rounded up to the display's whole rials); alice holds 50e12 IRR
        assert terms == ("notional 9,500,050 IRR\nfee 19,000.1 IRR (taker 0.20%)\n"
                         "available 50,000,000,000,000 IRR")
        await pilot.press("ctrl+t")                       # selling spends BTC
        assert str(app.screen.query_one("#ticket-terms").render()).endswith(
            "available 20.0000 BTC")
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace",
                          "backspace", "a", "b", "c", "enter")
        await pilot.pause()
        assert isinstance(app.screen, OrderTicket)        # refused here, still open
        assert str(app.screen.query_one("#ticket-error").render()) == \
            "quantity 'abc' is not a plain decimal number"

    messages = drive(workstation.app(), script)
    assert not [m for m in messages if isinstance(m, (OrderTicket.Send, CommandDone))]
    assert workstation.read("orders", user="alice") == []


def test_ticket_reads_only_ascii_digits_in_its_terms_and_steps(workstation):
    """An Arabic-Indic '\u0661' in the quantity is no number (engine/edge.py): the terms
    show no notional for it (Decimal() read it as 1), the up key leaves it as typed
    (it became '1.0001'), and sending is refused in the ticket."""
    async def script(pilot):
        app = pilot.app
        await pilot.press("b", *["backspace"] * 6, "\u0661")
        await pilot.pause()
        assert field(app, "qty") == "\u0661"
        assert str(app.screen.query_one("#ticket-terms").render()) == \
            "available 50,000,000,000,000 IRR"
        await pilot.press("up")
        assert field(app, "qty") == "\u0661"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, OrderTicket)
        assert str(app.screen.query_one("#ticket-error").render()) == \
            "quantity '\u0661' is not a plain decimal number"

    messages = drive(workstation.app(), script)
    assert not [m for m in messages if isinstance(m, (OrderTicket.Send, CommandDone))]
    assert workstation.read("orders", user="alice") == []


def test_rejected_order_names_the_reason_and_the_ticket_keeps_what_was_typed(workstation):
    async def script(pilot):
        app = pilot.app
        await keys(pilot, "b", "up", "shift+tab", "home", "1", "enter")
        await submitted(pilot)
        assert isinstance(app.screen, OrderTicket)       # still open, still filled in
        assert (field(app, "price"), field(app, "qty")) == ("1" + BEST_ASK, "0.0002")
        text = screen_text(app)
        assert "is outside the daily band" in text, text

    messages = drive(workstation.app(), script)
    [toast] = notifications(messages)
    assert toast.severity == "error" and toast.title == "limit rejected"
    assert toast.message == ("price 195,000,500,000 is outside the daily band "
                             "85,500,000,000-104,500,000,000")    # grouped, as the CLI's
    assert workstation.open_orders("alice") == []
    [order] = workstation.read("orders", user="alice")
    assert order["status"] == "rejected" and "daily band" in order["reason"]


# ---------------------------------------------------------------- the book ladder
def test_book_cursor_starts_at_the_touch_and_a_level_opens_a_ticket(workstation):
    async def script(pilot):
        app = pilot.app
        ladder = app.screen.query_one("#book-ladder")
        assert ladder.chosen() == ("sell", BEST_ASK)          # the touch
        await keys(pilot, "enter")                           # a ticket against that ask
        assert isinstance(app.screen, OrderTicket) and app.screen.side == "buy"
        assert field(app, "price") == BEST_ASK
        await keys(pilot, "escape", "down")                  # over the spread row
        assert ladder.chosen() == ("buy", BEST_BID)
        await keys(pilot, "enter")
        assert app.screen.side == "sell" and field(app, "price") == BEST_BID
        await keys(pilot, "escape")
        i = ladder._spread_index() - 2                       # the ask above the best ask
        deeper = ladder.rows[i][1].price
        await pilot.click("#book-ladder", offset=(20, 1 + i - ladder._top))   # 1: header
        assert isinstance(app.screen, OrderTicket) and app.screen.side == "buy"
        assert field(app, "price") == deeper and int(deeper) > int(BEST_ASK)
        await keys(pilot, "escape", "plus")                  # group two ticks a level
        await wait_for(pilot, lambda: app.state.view.group == 2)
        await caught_up(pilot)
        assert "group 200,000 (2 ticks)" in screen_text(app)     # the tick is 100,000

    drive(workstation.app(), script)


# ---------------------------------------------------------------- quick entry
def test_quick_entry_places_an_order_that_trades(workstation):
    async def script(pilot):
        app = pilot.app
        await keys(pilot, "colon", *f"buy 0.002 @ {BEST_ASK}", "enter")
        await submitted(pilot)
        assert app.screen.query_one(QuickEntry).value == ""     # accepted: the line clears
        screen = screen_text(app)
        assert re.search(r"12:00:00\s+●\s+95,000,500,000\s+0\.0010\s+buy", screen)  # tape: own
        assert "Orders of alice, BTC-IRR (1 open)" in screen

    drive(workstation.app(), script)
    [trade] = workstation.read("trades", user="alice")
    assert (trade["price"], trade["qty"], trade["taker_user"], trade["maker_user"]) == \
        (BEST_ASK, "0.001", "alice", "maker1")
    [order] = workstation.read("orders", user="alice")
    assert (order["status"], order["filled"], order["qty"]) == ("partial", "0.001", "0.002")
    wallets = {w["asset"]: w for w in workstation.read("wallets", user="alice")}
    assert wallets["BTC"]["balance"] == "20.001"
    # paid 95,000,500 plus the 0.2 % taker fee, 190,001 exactly (IRR has no precision set,
    # so nothing is rounded away); the resting half holds its cost and fee
    assert (wallets["IRR"]["balance"], wallets["IRR"]["hold"]) == ("49999904809499", "95190501")


def test_quick_entry_reads_k_and_m_suffixes(workstation):
    async def script(pilot):
        await keys(pilot, "colon", *"sell 0.001 @ 95010m", "enter")
        await submitted(pilot)
        await keys(pilot, *"b 0.001 @ 94990000k", "enter")
        await submitted(pilot, 2)
        assert {"sell:95010000000", "buy:94990000000"} <= set(book_keys(pilot.app))

    drive(workstation.app(), script)
    orders = workstation.open_orders("alice")
    assert sorted((o["side"], o["price"]) for o in orders) == \
        [("buy", "94990000000"), ("sell", "95010000000")]


def test_quick_entry_names_a_bad_line_and_keeps_it(workstation):
    async def script(pilot):
        await keys(pilot, "colon", *"buy abc @ 1", "enter")
        await handled(pilot, Notify)
        assert pilot.app.screen.query_one(QuickEntry).value == "buy abc @ 1"

    messages = drive(workstation.app(), script)
    [toast] = notifications(messages)
    assert (toast.title, toast.message) == ("quick entry", "quantity 'abc' is not a number")
    assert workstation.read("orders", user="alice") == []


TYPOS = ("buy -1 @ 94000000000", "buy -1 mkt", "sell 0 @ 94000000000",
         "buy 0.01 @ -94000000000", "buy 0.01 @ 0", "buy 9999999999999999 @ 94000000000")


def test_quick_entry_refuses_typing_mistakes_before_the_journal(workstation):
    """Typing mistakes are not orders: each line is refused in the entry line, as the ticket
    refuses them, and nothing reaches the journal."""
    async def script(pilot):
        await keys(pilot, "colon")
        for n, line in enumerate(TYPOS, 1):
            pilot.app.screen.query_one(QuickEntry).value = ""
            await keys(pilot, *line, "enter")
            await handled(pilot, Notify, n)
            assert pilot.app.screen.query_one(QuickEntry).value == line    # kept to mend

    messages = drive(workstation.app(), script)
    assert not [m for m in messages if isinstance(m, CommandDone)]
    assert [(t.title, t.message) for t in notifications(messages)] == [
        ("quick entry", "quantity must be positive, got '-1'"),
        ("quick entry", "quantity must be positive, got '-1'"),
        ("quick entry", "quantity must be positive, got '0'"),
        ("quick entry", "price must be positive, got '-94000000000'"),
        ("quick entry", "price must be positive, got '0'"),
        ("quick entry", "quantity '9999999999999999' is absurdly large "
                        "(limit 1,000,000,000,000,000)")]
    assert workstation.read("orders", user="alice") == []


# ---------------------------------------------------------------- cancelling
def test_cancel_the_selected_order(workstation):
    workstation.execute([resting("alice", "a-1", "buy", "94990000000"),
                         resting("alice", "a-2", "buy", "94991000000")])

    async def script(pilot):
        await keys(pilot, "3", "down")            # the orders pane; newest first: a-1 is 2nd
        await keys(pilot, "c")
        await submitted(pilot)
        assert "Orders of alice, BTC-IRR (1 open)" in screen_text(pilot.app)
        assert "buy:94990000000" not in book_keys(pilot.app)

    drive(workstation.app(), script)
    status = {o["client_id"]: o["status"] for o in workstation.read("orders", user="alice")}
    assert status == {"a-1": "cancelled", "a-2": "active"}


def test_cancel_all_asks_first_and_cancels_only_the_acting_users_orders(workstation):
    workstation.execute([resting("alice", "a-1", "buy", "94990000000"),
                         resting("alice", "a-2", "sell", "95010000000"),
                         resting("bob", "b-1", "buy", "94991000000")])

    async def script(pilot):
        app = pilot.app
        await keys(pilot, "C")
        assert isinstance(app.screen, Confirm)
        await keys(pilot, "n")                     # no: nothing happens
        assert not isinstance(app.screen, Confirm)
        assert len(workstation.open_orders("alice")) == 2
        await keys(pilot, "C", "y")
        await submitted(pilot)
        assert "Orders of alice, BTC-IRR (0 open)" in screen_text(app)

    messages = drive(workstation.app(), script)
    assert [type(m) for m in messages if isinstance(m, CommandDone)] == [CommandDone]  # y only
    assert workstation.open_orders("alice") == []
    assert [o["client_id"] for o in workstation.open_orders("bob")] == ["b-1"]


# ---------------------------------------------------------------- switching
def test_switch_symbol_then_trade_it(workstation):
    async def script(pilot):
        app = pilot.app
        await keys(pilot, "slash")
        assert isinstance(app.screen, Picker)
        await keys(pilot, "down", "enter")        # BTC-IRR -> ETH-USDT
        await wait_for(pilot, lambda: app.state.view.symbol == "ETH-USDT")
        await caught_up(pilot)
        screen = screen_text(app)
        assert "Order book ETH-USDT" in screen and " ETH-USDT  session continuous" in screen
        assert "sell:3500.05" in book_keys(app)
        await keys(pilot, "colon", *"buy 0.01 @ 3499.9", "enter")
        await submitted(pilot)

    drive(workstation.app(), script)
    [order] = workstation.open_orders("alice")
    assert (order["symbol"], order["price"], order["qty"]) == ("ETH-USDT", "3499.9", "0.01")


def test_switch_user_then_act_as_them(workstation):
    async def script(pilot):
        app = pilot.app
        await keys(pilot, "u")
        assert isinstance(app.screen, Picker)
        await keys(pilot, "down", "down", "enter")   # alice -> bank-a -> bob
        await wait_for(pilot, lambda: app.state.view.user == "bob")
        await caught_up(pilot)
        screen = screen_text(app)
        assert "Orders of bob, BTC-IRR (0 open)" in screen and "Wallets of bob" in screen
        await keys(pilot, "colon", *"sell 0.003 @ 95001m", "enter")
        await submitted(pilot)
        assert "Orders of bob, BTC-IRR (1 open)" in screen_text(app)

    drive(workstation.app(), script)
    assert workstation.read("orders", user="alice") == []
    [order] = workstation.open_orders("bob")
    assert (order["side"], order["price"]) == ("sell", "95001000000")


# ---------------------------------------------------------------- following others
def test_an_order_from_the_cli_shows_in_the_book(workstation):
    cli = Souq(workstation.path, db_flag=True)

    async def script(pilot):
        app = pilot.app
        assert "buy:95000000000" not in book_keys(app)
        done = await asyncio.to_thread(cli.run, "order", "place", "BTC-IRR", "buy", "0.5",
                                       "--price", "95000000000", as_user="bob")
        assert done.returncode == 0, done.stderr
        # committed when the CLI exits; the app runs on while the CLI runs, then polls
        await wait_for(pilot, lambda: "buy:95000000000" in book_keys(app))
        await caught_up(pilot)
        assert re.search(r"95,000,000,000\s+0\.5000\s+0\.5000\s", screen_text(app))

    drive(workstation.app(), script)
    [order] = workstation.open_orders("bob")
    assert order["price"] == "95000000000"


# ---------------------------------------------------------------- settings
def test_theme_command_switches_and_remembers_the_theme(workstation):
    async def script(pilot):
        app = pilot.app
        await keys(pilot, "ctrl+p", *"souq-light")
        await wait_for(pilot, lambda: "Theme: souq-light" in screen_text(app))
        await keys(pilot, "enter")
        await wait_for(pilot, lambda: app.theme == "souq-light")

    assert not workstation.settings.exists()
    drive(workstation.app(), script)
    assert json.loads(workstation.settings.read_text()) == {"theme": "souq-light"}

    async def reopened(pilot):
        assert pilot.app.theme == "souq-light"
    drive(workstation.app(), reopened)
