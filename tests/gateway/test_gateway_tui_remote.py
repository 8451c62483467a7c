"""The workstation against a real `souq serve` on loopback (`souq --server URL --key ID`):
Pilot drives the app, whose views come from the gateway (WebSocket for "something
changed", REST for the snapshot), acting as the key's user."""
import asyncio
import time

import pytest

from souq.gateway.remote import RemoteApi
from souq.tui.app import SouqApp
from souq.tui.screens.order_ticket import OrderTicket
from souq.tui.widgets.chart import ChartPane

pytestmark = pytest.mark.slow
HANG = 120.0         # seconds: an app or server that hangs, never a slow machine


async def wait_for(pilot, what: str, predicate) -> None:
    """Let the app run until predicate() holds; fail after HANG s."""
    deadline = time.monotonic() + HANG
    while not predicate():
        assert time.monotonic() < deadline, f"no {what} within {HANG} s"
        await pilot.pause(0.05)


def levels(side) -> dict:
    return {x.price: x.qty for x in side}


def test_the_workstation_on_a_server_follows_it_and_trades_as_the_keys_user(
        server, keys, clients, gw_market):
    r = clients["bob"].post("/orders", json={"symbol": "BTC-IRR", "side": "sell",
                                             "price": "103000000", "quantity": "0.2"})
    assert r.status_code == 201, r.text
    remote = RemoteApi(server.url, keys["carol"]["client_id"], keys["carol"]["client_secret"])
    app = SouqApp(None, remote=remote, show_clock=False)

    async def main() -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await wait_for(pilot, "first view", lambda: app.state.view is not None)
            v = app.state.view
            assert (v.symbol, v.user, v.users, v.session) == \
                ("BTC-IRR", "carol", ("carol",), "continuous")
            assert levels(v.asks) == {"103000000": "0.2"} and levels(v.bids) == {}
            assert {w["asset"]: w["balance"] for w in v.wallets} == \
                {"BTC": "10", "IRR": "2000000000"}
            # a write by the CLI on the server's database reaches the screen via the feed
            gw_market.ok("order", "place", "BTC-IRR", "buy", "0.1", "-p", "97000000",
                         as_user="alice")
            await wait_for(pilot, "alice's bid", lambda: levels(app.state.view.bids) ==
                           {"97000000": "0.1"})
            # the keys trade as carol: b opens the ticket at the best ask, enter sends it
            await pilot.press("b")
            await wait_for(pilot, "the ticket", lambda: isinstance(app.screen, OrderTicket))
            await pilot.press("enter")
            await wait_for(pilot, "carol's fill", lambda: app.state.view.trades and
                           app.state.view.trades[0]["price"] == "103000000")
            await wait_for(pilot, "the ask shrunk", lambda: levels(app.state.view.asks) ==
                           {"103000000": "0.1999"})
            assert app.check_action("pick_user", ()) is False       # the key decides
            assert app.check_action("backtest", ()) is False        # no local database
            # every order shows its time: the API's created_at, not "-"
            orders = app.state.view.orders
            assert orders and all(isinstance(o["placed_ts"], int) for o in orders), orders
            # the chart reads its trades by time window from the server
            now = time.time_ns()
            window = app.facade.chart_history().window("BTC-IRR", now - 3600 * 10**9,
                                                       now + 10**9)
            assert [(p, q) for _, p, q in window] == [("103000000", "0.0001")]
            assert window[0][0] == app.state.view.trades[0]["ts"]
            assert app.facade.chart_history().window("BTC-IRR", now - 3600 * 10**9,
                                                     window[0][0]) == []
            chart = app.screen.query_one(ChartPane)
            await wait_for(pilot, "the chart's trade", lambda: chart.shown == 1)
            await pilot.press("q")

    asyncio.run(main())
    (fill,) = clients["carol"].get("/trades").json()
    assert (fill["taker_user"], fill["maker_user"], fill["taker_side"], fill["price"],
            fill["quantity"]) == ("carol", "bob", "buy", "103000000", "0.0001")
