"""The tape's times and marks (the acting user's trades ●, the strategies' ◆) and the
Orders pane: time, client id and average fill price; open orders above finished ones with
the cursor on the newest open one; `a` lists every symbol's orders."""
from datetime import datetime, timezone

from textual.widgets import DataTable

from souq.db import queries as Q
from souq.db.queries import OPEN
from souq.db.api import Api

from tui_desk_kit import desk_market
from tui_harness import caught_up, drive, keys, populated, screen_text, wait_for


def hms(ns: int) -> str:
    return datetime.fromtimestamp(ns / 1e9, timezone.utc).strftime("%H:%M:%S")


def pane_lines(app, selector: str) -> list[str]:
    region = app.screen.query_one(selector).region
    rows = screen_text(app).splitlines()[region.y:region.bottom]
    return [r[region.x:region.right] for r in rows]


def placed(ws, order_id: int) -> int:
    """When the order was placed: the ts of the journal entry its id names."""
    api = Api(str(ws.path))
    try:
        return api.read(Q.journal_times, [order_id])[order_id]
    finally:
        api.close()


def trades_of(ws, order_id: int) -> list[tuple[str, str]]:
    return [(t["price"], t["qty"]) for t in ws.read("trades", user="alice")
            if order_id in (t["maker_order"], t["taker_order"])]


def take(user: str, side: str, price: str, qty: str, cid: str, symbol="BTC-IRR") -> dict:
    return {"op": "limit", "id": cid, "user": user, "symbol": symbol, "side": side,
            "price": price, "qty": qty, "tif": "ioc"}


def test_the_tape_shows_times_and_marks_own_and_strategy_trades(workstation):
    ws = desk_market(workstation)           # mm-fixed and mm-layered traded with bob
    ws.execute([take("alice", "buy", "95000500000", "0.001", "alice-lift")])
    trades = ws.read("trades", symbol="BTC-IRR")
    shown = {}

    async def script(pilot):
        await caught_up(pilot)
        await wait_for(pilot, lambda: pilot.app.screen.query_one(
            "#trades-body").strategies)      # the desk's users arrived with the desk view
        shown["lines"] = pane_lines(pilot.app, "#trades-body")
    drive(ws.app(), script)
    lines = shown["lines"]
    assert lines[0].split() == ["time", "price", "qty", "side"]
    body = [line.split() for line in lines[1:1 + len(trades)]]
    expected = []
    for t in reversed(trades):              # newest first
        users = {t["maker_user"], t["taker_user"]}
        mark = ["●"] if "alice" in users else ["◆"] if users & {"mm-fixed", "mm-layered"} \
            else []
        expected.append([hms(t["ts"]), *mark])
    assert [row[:len(e)] for row, e in zip(body, expected)] == expected
    assert body[0][:3] == [hms(trades[-1]["ts"]), "●", "95,000,500,000"]
    assert sum(row[1] == "◆" for row in body) == 4     # two trades of each fake run


def test_orders_show_time_cid_and_average_open_first_and_every_symbol(workstation):
    ws = populated(workstation)             # alice-bid and alice-ask rest on BTC-IRR
    ws.execute([take("alice", "buy", "95000500000", "0.001", "alice-lift"),
                {"op": "limit", "id": "alice-eth", "user": "alice", "symbol": "ETH-USDT",
                 "side": "buy", "price": "3200", "qty": "0.1"}])
    orders = {o["client_id"]: o for o in ws.read("orders", user="alice")}
    seen = {}

    async def script(pilot):
        app = pilot.app
        await caught_up(pilot)
        table = app.screen.query_one("#orders-table", DataTable)
        seen["cids"] = [table.get_row_at(i)[1] for i in range(table.row_count)]
        seen["first"] = table.get_row_at(0)
        seen["lift"] = table.get_row(str(orders["alice-lift"]["id"]))
        seen["selected"] = app.screen.query_one("#orders").selected_client_id()
        seen["title"] = str(app.screen.query_one("#orders").border_title)
        table.focus()
        await keys(pilot, "a")
        await wait_for(pilot, lambda: app.state.view.all_orders)
        await caught_up(pilot)
        seen["all"] = [table.get_row_at(i)[1] for i in range(table.row_count)]
        seen["all_title"] = str(app.screen.query_one("#orders").border_title)
        await keys(pilot, "a")
        await wait_for(pilot, lambda: not app.state.view.all_orders)
    drive(ws.app(), script)
    # open first (newest first), then the finished lift; the cursor on the newest open one
    btc = sorted((o for o in orders.values() if o["symbol"] == "BTC-IRR"),
                 key=lambda o: (o["status"] not in OPEN, -o["id"]))
    n_open = sum(o["status"] in OPEN for o in btc)
    assert seen["cids"] == [o["client_id"] for o in btc]
    assert seen["cids"][:2] == ["alice-ask", "alice-bid"] and n_open >= 2
    assert seen["cids"][n_open] == "alice-lift"        # the newest finished one
    assert seen["selected"] == "alice-ask"
    assert seen["title"] == f"Orders of alice, BTC-IRR ({n_open} open)"
    lift = seen["lift"]
    assert lift[0] == hms(placed(ws, orders["alice-lift"]["id"]))
    assert lift[1:8] == ["alice-lift", "buy", "95,000,500,000", "0.0010", "0.0010", "filled",
                         "95,000,200,000"]     # the best ask it met, at the tick's places
    assert trades_of(ws, orders["alice-lift"]["id"]) == [("95000200000", "0.001")]
    assert seen["first"][1:7] == ["alice-ask", "sell", "95,003,000,000", "0.0040", "0.0000",
                                  "active"]
    # every symbol: alice's ETH-USDT bid is open, so it comes first
    assert seen["all"][0] == "alice-eth" and "alice-lift" in seen["all"]
    assert seen["all_title"] == f"Orders of alice, all symbols ({n_open + 1} open)"
