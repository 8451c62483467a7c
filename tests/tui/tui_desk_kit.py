"""The desk on a test workstation: the demo's strategy users and configurations, and runs
faked by writing mm_runs / mm_samples rows and trading as the strategy's user (no runner
process), so the Strategy and Inventory panes have something fixed to show."""
from souq.db import desk as D
from souq.db.api import Api
from souq.engine.model import OPERATOR
from souq.mm.desk.demo_configs import STAGE, configurations, user_commands
from tui_harness import FROZEN_NS, Ticker, Workstation

BID, ASK = "94999500000", "95000500000"        # the demo BTC-IRR touch


def with_desk(ws: Workstation) -> Workstation:
    """The demo's eight configurations (stage paper) and their funded users."""
    cfgs = configurations()
    ws.execute(user_commands(cfgs))
    api = Api(str(ws.path), OPERATOR)
    try:
        for cfg in cfgs:
            D.save_config(api.db, cfg["name"], cfg["template"], cfg["symbol"], cfg["user"],
                          cfg["params"], FROZEN_NS - 900 * 10**9, stage=STAGE, note="demo")
    finally:
        api.close()
    return ws


def fake_run(ws: Workstation, name: str, user: str, bought: str, *, state="running",
             samples: int = 30) -> int:
    """A run of `name` that bought `bought` BTC from bob inside the spread and sold 0.002
    back a little higher, with `samples` one-second samples of a position building to it."""
    api = Api(str(ws.path), OPERATOR, clock=Ticker(FROZEN_NS - 300 * 10**9))
    try:
        seq = api.store.ex.seq
        t0 = FROZEN_NS - 120 * 10**9
        run_id = D.start_run(api.db, name, 1, "live", t0, seq, "20", "50000000000000")
        for side, qty, price in (("buy", bought, "95000000000"), ("sell", "0.002", "95000100000")):
            other = "sell" if side == "buy" else "buy"
            for who, way in (("bob", other), (user, side)):     # bob rests, the strategy takes
                api.actor = who
                r = api.execute({"op": "limit", "user": who, "symbol": "BTC-IRR",
                                 "side": way, "price": price, "qty": qty})
                assert r.accepted, r.reason
        step = 10**9
        q_end = float(bought) - 0.002
        D.add_samples(api.db, run_id, [
            (t0 + i * step, f"{q_end * i / (samples - 1):.4f}",
             str(int(1000000 * ((i % 7) - 3 + i / 4))), "95000000000")
            for i in range(samples)])
        if state != "running":
            D.set_run_state(api.db, run_id, state, ts=t0 + samples * step,
                            reason=f"{state} in the fixture")
    finally:
        api.close()
    return run_id


def desk_market(ws: Workstation) -> Workstation:
    """Two runs: fixed-btc running at 0.8 of its max (warning) and layered-btc stopped
    at 0.96 (critical); the other six never ran."""
    with_desk(ws)
    fake_run(ws, "fixed-btc", "mm-fixed", "0.042")
    fake_run(ws, "layered-btc", "mm-layered", "0.05", state="stopped")
    return ws


QUOTES = (("sell", "95009500000", "0.003"), ("buy", "94990500000", "0.004"))


def quote(ws: Workstation, orders=QUOTES, user: str = "mm-fixed", ago_s: int = 30,
          name: str = "fixed-btc") -> Workstation:
    """Rest `orders` of the strategy's user, placed `ago_s` seconds before the frozen clock,
    and let `name`'s run beat at the frozen clock (the watchdog sees it alive)."""
    api = Api(str(ws.path), user, clock=lambda: FROZEN_NS - ago_s * 10**9)
    try:
        D.beat(api.db, api.read(D.active_run, name)["id"], FROZEN_NS)
        for side, price, qty in orders:
            r = api.execute({"op": "limit", "user": user, "symbol": "BTC-IRR", "side": side,
                             "price": price, "qty": qty})
            assert r.accepted, r.reason
    finally:
        api.close()
    return ws


LAYERED_QUOTES = (("sell", "95008000000", "0.002"), ("buy", "94992000000", "0.005"))


def two_makers(ws: Workstation) -> Workstation:
    """fixed-btc and layered-btc both running, each with two live quotes and two fills."""
    with_desk(ws)
    fake_run(ws, "fixed-btc", "mm-fixed", "0.042")
    fake_run(ws, "layered-btc", "mm-layered", "0.05")
    quote(ws)
    return quote(ws, LAYERED_QUOTES, "mm-layered", 12, name="layered-btc")
