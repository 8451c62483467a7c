"""The chart reads trades by time window from the database (not the tape's 200), keeps
hours on hand, and zooms ([ ]) and pans (← →, End) in time."""
from souq.db.api import Api
from tui_harness import FROZEN_NS, drive, keys, settled, wait_for

STEP_S = 18            # seconds between commands: 300 trades take three hours


def spread_out_trades(ws, n: int = 300) -> None:
    """n trades between bob (resting) and alice (taking), one every 2 x STEP_S seconds,
    the last just before the frozen clock."""
    t = [FROZEN_NS - 2 * n * STEP_S * 10**9]

    def clock() -> int:
        t[0] += STEP_S * 10**9
        return t[0] - 10**9

    api = Api(str(ws.path), clock=clock)
    try:
        for i in range(n):
            price = str(95_000_000_000 + (i % 7) * 100_000)
            for who, side in (("bob", "sell"), ("alice", "buy")):
                api.actor = who
                r = api.execute({"op": "limit", "user": who, "symbol": "BTC-IRR", "side": side,
                                 "price": price, "qty": "0.001"})
                assert r.accepted, r.reason
    finally:
        api.close()


def count(ws, start_s: int, end_s: int) -> int:
    """Trades with FROZEN - start_s <= ts < FROZEN - end_s."""
    lo, hi = FROZEN_NS - start_s * 10**9, FROZEN_NS - end_s * 10**9
    return sum(lo <= t["ts"] < hi for t in ws.read("trades", symbol="BTC-IRR"))


def test_zoom_and_pan_over_hours_of_trades(workstation):
    ws = workstation
    spread_out_trades(ws)
    seen = []

    async def script(pilot):
        chart = pilot.app.screen.query_one("#chart")
        chart.focus()
        for press in ((), ("left_square_bracket",), ("left_square_bracket",), ("left",),
                      ("end",), ("right_square_bracket",)):
            await keys(pilot, *press)
            await settled(pilot)
            await wait_for(pilot, lambda: chart._drawn is not None)
            await settled(pilot)
            seen.append((chart.shown, str(chart.border_title)))
    drive(ws.app(), script)
    assert count(ws, 4 * 3600, 0) == 300 and count(ws, 6 * 3600, 2 * 3600) == 100  # > TAPE
    # the pane is about 45 columns wide: 22 candles, so 15m needs 60 s candles, 4h 900 s
    assert seen == [
        (count(ws, 900, 0), "Chart BTC-IRR line 60s, 15m window"),
        (count(ws, 3600, 0), "Chart BTC-IRR line 300s, 1h window"),
        (count(ws, 4 * 3600, 0), "Chart BTC-IRR line 900s, 4h window"),
        (count(ws, 6 * 3600, 2 * 3600), "Chart BTC-IRR line 900s, 4h window, 2h ago"),
        (count(ws, 4 * 3600, 0), "Chart BTC-IRR line 900s, 4h window"),
        (count(ws, 3600, 0), "Chart BTC-IRR line 300s, 1h window"),
    ]
