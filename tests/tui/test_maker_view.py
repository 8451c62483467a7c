"""The market maker's view: a running strategy's quotes (distance from the mid in bps,
age), its fills (time, side, price, qty, fee) and its running figures in the desk row,
and a toast for every fill that arrives while the workstation is open."""
from datetime import datetime, timezone

from souq.db import desk as D
from souq.db.api import Api
from souq.mm.desk.report import report
from tui_desk_kit import desk_market, quote, two_makers
from tui_harness import FROZEN_NS, NARROW, WIDE, drive, keys, screen_text, wait_for

def take(ws, side: str, price: str, qty: str, user: str = "bob") -> None:
    api = Api(str(ws.path), user, clock=lambda: FROZEN_NS)
    try:
        r = api.execute({"op": "limit", "user": user, "symbol": "BTC-IRR", "side": side,
                         "price": price, "qty": qty, "tif": "ioc"})
        assert r.accepted, r.reason
    finally:
        api.close()


def notifications(messages) -> list:
    return [m.notification for m in messages if type(m).__name__ == "Notify"]


def maker_lines(app) -> list[str]:
    region = app.screen.query_one("#maker").region
    rows = screen_text(app).splitlines()[region.y:region.bottom]
    return [r[region.x:region.right] for r in rows]


def test_quotes_fills_and_figures_of_the_running_strategy(workstation):
    ws = desk_market(workstation)
    quote(ws)
    api = Api(str(ws.path))
    try:
        run_id = api.read(D.active_run, "fixed-btc")["id"]
        r = report(api, run_id)
        fills = api.trades(user="mm-fixed")
    finally:
        api.close()
    shown = {}

    async def script(pilot):
        await keys(pilot, "v")
        await wait_for(pilot, lambda: "1 active" in str(pilot.app.screen.query_one(
            "#maker").border_title))
        shown["lines"] = maker_lines(pilot.app)
        shown["title"] = str(pilot.app.screen.query_one("#maker").border_title)
    drive(ws.app(), script)
    text = "\n".join(shown["lines"])
    assert shown["title"] == "Quotes & fills: 1 active, 1 running"
    assert f"fixed-btc run {run_id} running BTC-IRR" in text
    # bought 0.042 and sold 0.002 100,000 higher, both as taker at 0.2%: fees 7,980,000 and
    # 380,000.4, +200 on the round trip, the rest at the mid; IRR shows whole units
    assert (r["pnl"]["total"], r["inventory"]) == ("-8359800.4", "0.04")
    assert "PnL -8,359,800 IRR  inv 0.0400 BTC  spread 0  mid 95,000,000,000" in text
    # the quotes: 9,500,000 above and below the others' mid 95,000,000,000 is 1.0 bps
    assert "sell 95,009,500,000 0.0030 +1.0 30s" in text
    assert "buy  94,990,500,000 0.0040 -1.0 30s" in text
    # the fills, newest first, with the strategy's own fee on each
    assert len(fills) == 2
    assert [f"{x['price']} {x['qty']}" for x in reversed(fills)] == [
        "95000100000 0.002", "95000000000 0.042"]
    times = [datetime.fromtimestamp(x["ts"] / 1e9, timezone.utc).strftime("%H:%M:%S")
             for x in reversed(fills)]
    # each fee as the ledger charged it (380,000.4 IRR, not rounded to whole rials)
    assert f"{times[0]} sell 95,000,100,000 0.0020 380,000.4" in text
    assert f"{times[1]} buy  95,000,000,000 0.0420 7,980,000" in text


def test_a_new_fill_of_a_running_strategy_notifies(workstation):
    ws = desk_market(workstation)
    quote(ws)

    async def script(pilot):
        await keys(pilot, "v")
        # bob sweeps the demo asks (0.036 up to 95,004,000,000) and 0.001 of the strategy's
        take(ws, "buy", "95009500000", "0.037")
        await wait_for(pilot, lambda: any(n.title == "fixed-btc filled"
                                          for n in notifications(pilot.app.seen)))
    messages = drive(ws.app(), script)
    (note,) = [n for n in notifications(messages) if n.title == "fixed-btc filled"]
    assert note.message.startswith("sold 0.0010 BTC @ 95,009,500,000, fee ")
    assert note.message.endswith(" IRR")


def test_every_running_strategy_is_in_the_maker_view_at_every_size(workstation):
    """Two strategies running: both, each with its quotes (bps from the mid, age), fills
    and figures, without leaving the main screen (v in the desk row; 9 where panes take
    turns)."""
    ws = two_makers(workstation)
    shown = {}

    async def script(pilot):
        await keys(pilot, "v" if pilot.app.size == WIDE else "9")
        await wait_for(pilot, lambda: "2 active" in str(pilot.app.screen.query_one(
            "#maker").border_title))
        body = pilot.app.screen.query_one("#maker-body")
        shown[pilot.app.size] = str(body.render())
    for size in (WIDE, (120, 36), NARROW):
        drive(ws.app(), script, size=size)
    for size, text in shown.items():
        lines = text.splitlines()
        heads = [line for line in lines if " run " in line]
        assert [h.split()[0] for h in heads] == ["fixed-btc", "layered-btc"], size
        assert any(line.startswith("PnL -8,359,800 IRR  inv 0.0400 BTC") for line in lines)
        assert any(line.startswith("PnL ") and "inv 0.0480 BTC" in line for line in lines)
        # layered-btc's quotes, 8,000,000 from the others' mid 95,000,000,000: 0.8 bps
        assert "sell 95,008,000,000 0.0020 +0.8 12s" in text, size
        assert "buy  94,992,000,000 0.0050 -0.8 12s" in text, size
        assert "sell 95,009,500,000 0.0030 +1.0 30s" in text, size


def test_a_burst_of_fills_is_one_toast_that_the_next_replaces(workstation):
    ws = two_makers(workstation)
    seen = {}

    def toasts(app) -> list:
        return [n for n in app._notifications if "fill" in n.title]

    async def script(pilot):
        app = pilot.app
        await keys(pilot, "v")
        # bob sweeps the demo asks (0.036), layered-btc's 0.002 and 0.001 of fixed-btc's
        take(ws, "buy", "95009500000", "0.039")
        await wait_for(pilot, lambda: len(notifications(app.seen)) >= 1)
        seen["first"] = [(n.title, n.message) for n in toasts(app)]
        take(ws, "buy", "95009500000", "0.001")
        await wait_for(pilot, lambda: any(n.title == "fixed-btc filled" for n in toasts(app)))
        seen["second"] = [(n.title, n.message) for n in toasts(app)]
    drive(ws.app(), script)
    ((title, message),) = seen["first"]
    assert title == "fixed-btc, layered-btc: 2 fills"
    lines = message.splitlines()
    assert sorted(lines) == ["fixed-btc sold 0.0010 @ 95,009,500,000",
                             "layered-btc sold 0.0020 @ 95,008,000,000"]
    ((title, message),) = seen["second"]          # the first toast is gone
    assert title == "fixed-btc filled"
    assert message.startswith("sold 0.0010 BTC @ 95,009,500,000, fee ")
