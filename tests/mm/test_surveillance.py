"""Surveillance detectors on real journals: each pattern planted through the exchange API
raises its alert with the evidence, the honest look-alike does not; the follower, restarted
every batch, raises exactly the alerts an offline scan does."""
from pathlib import Path

import pytest

from souq.db.api import Api
from souq.db import surveil as D
from souq.mm.surveillance.evaluate import T0, run_seed
from souq.mm.surveillance.follower import Follower, scan
from souq.mm.surveillance.monitor import LINK, SET, Surveillance

S = 1_000_000_000


class Market:
    """A small exchange with a clock the test moves (ns)."""

    def __init__(self, path: Path) -> None:
        self.now = T0
        self.api = Api(str(path / "s.db"), clock=lambda: self.now)
        cmds = [{"op": "symbol", "symbol": "BTC-IRR", "base": "BTC", "quote": "IRR",
                 "tick_size": "1000", "qty_step": "0.0001", "ref_price": "100000000",
                 "daily_limit": "0.5"}]
        for u in ("a", "b", "c", "d"):
            cmds += [{"op": "user", "user": u},
                     {"op": "deposit", "user": u, "asset": "BTC", "amount": "100"},
                     {"op": "deposit", "user": u, "asset": "IRR", "amount": "100000000000"}]
        self.run(*cmds)
        self.n = 0

    def run(self, *cmds, dt: float = 0.0):
        self.now += int(dt * S)
        batch = self.api.execute_many(list(cmds))
        return [o.reason for o in batch.outcomes]

    def order(self, user, side, qty, price, tif=None, dt=0.1):
        self.n += 1
        cmd = {"op": "limit", "id": f"o{self.n}", "user": user, "symbol": "BTC-IRR", "side": side,
               "price": str(price), "qty": str(qty)}
        if tif:
            cmd["tif"] = tif
        assert self.run(cmd, dt=dt) == [None]
        return f"o{self.n}"

    def cancel(self, user, cid, dt=0.1):
        assert self.run({"op": "cancel", "id": cid, "user": user}, dt=dt) == [None]

    def cross(self, seller, buyer, qty="0.1", price=100000000):
        self.order(seller, "sell", qty, price)
        self.order(buyer, "buy", qty, price, "ioc")

    def alerts(self, rule=None):
        return [a for a in scan(self.api.db) if rule is None or a.rule == rule]


@pytest.fixture
def m(tmp_path):
    market = Market(tmp_path)
    yield market
    market.api.close()


def test_wash_trading_needs_the_link_or_both_directions(m):
    for _ in range(4):
        m.cross("a", "b")
    assert m.alerts("wash_trading") == []          # one way, two owners: not a wash
    m.run({"op": "audit", "action": LINK, "subject": "a,b"}, dt=61)
    for _ in range(4):
        m.cross("a", "b")
    [alert] = m.alerts("wash_trading")
    assert alert.users == ("a", "b") and alert.symbol == "BTC-IRR"
    assert alert.scores["trades"] == 4 and alert.scores["share"] == 1.0
    assert len(alert.trades) == 4 and len(alert.orders) == 8


def test_back_and_forth_between_two_owners(m):
    for i in range(4):
        m.cross("a", "b") if i % 2 == 0 else m.cross("b", "a")
    [alert] = m.alerts("wash_trading")
    assert alert.users == ("a", "b") and alert.scores["net"] == 0.0


def test_circular_ring_of_three_twice(m):
    for _ in range(2):
        m.cross("a", "b")
        m.cross("b", "c")
        m.cross("c", "a")
    [alert] = m.alerts("circular_trading")
    assert alert.users == ("a", "b", "c") and alert.scores["cycles"] == 2
    assert len(alert.trades) == 6


def _typical_flow(m, n=30):
    for i in range(n):
        m.order("d", "buy", "0.01", 99000000 - 1000 * (i % 5), dt=0.01)


def test_spoofing_big_bid_cancelled_while_selling(m):
    _typical_flow(m)
    m.order("c", "buy", "0.05", 99990000)              # an honest bid to sell into
    big = m.order("a", "buy", "1", 99980000)
    m.order("a", "sell", "0.01", 99990000, "ioc")
    m.cancel("a", big)
    [alert] = m.alerts("spoofing")
    assert alert.users == ("a",) and alert.scores["size_x"] >= 6 and len(alert.orders) == 1
    # the same big bid cancelled without trading the other side is no spoof
    big = m.order("b", "buy", "1", 99980000, dt=10)
    m.cancel("b", big)
    assert len(m.alerts("spoofing")) == 1


def _layer(m, qty, levels):
    """Typical flow, an honest bid, `levels` bids by a under it, a's sale into the honest
    bid, then a cancels the bids."""
    _typical_flow(m)
    m.order("c", "buy", "0.05", 99990000)
    layers = [m.order("a", "buy", qty, 99980000 - 1000 * i) for i in range(levels)]
    m.order("a", "sell", "0.01", 99990000, "ioc")
    for cid in layers:
        m.cancel("a", cid)


def test_layering_stacked_bids(m):
    _layer(m, "0.05", 4)
    [alert] = m.alerts("layering")
    assert alert.users == ("a",) and alert.scores["levels"] == 4 and len(alert.orders) == 4
    assert alert.scores["size_x"] == 20.0


def test_layering_needs_four_levels(m):
    _layer(m, "0.1", 3)
    assert m.alerts("layering") == []


def test_typical_size_is_the_median_not_a_market_makers_ladder(m):
    for i in range(8):          # a ladder of large resting orders first
        m.order("b", "buy", "0.5", 98000000 - 1000 * i, dt=0.01)
    _typical_flow(m, 24)        # the median is taken again at the 32nd order
    big = m.order("a", "buy", "0.2", 99980000)  # 20x the typical 0.01, 0.4x the ladder's
    m.order("c", "buy", "0.05", 99990000)
    m.order("a", "sell", "0.01", 99990000, "ioc")
    m.cancel("a", big)
    [alert] = m.alerts("spoofing")
    assert alert.scores["size_x"] == 20.0


def test_circular_ring_repeated_within_the_window(m):
    for _ in range(3):          # three episodes of two rings each, all within a minute
        for _ in range(2):
            m.cross("a", "b")
            m.cross("b", "c")
            m.cross("c", "a")
    alerts = m.alerts("circular_trading")
    assert [a.scores["cycles"] for a in alerts] == [2, 2, 2]
    assert alerts[-1].scores["share"] == 1.0


def test_rapid_fire_burst(m):
    for i in range(30):
        cid = m.order("a", "buy", "0.01", 90000000, dt=0.01)
        m.cancel("a", cid, dt=0.01)
    [alert] = m.alerts("rapid_fire")
    assert alert.users == ("a",) and alert.scores["burst"] == 60


def _thin_book(m):
    """Typical flow (orders of 0.01), a first trade at 100,000,000 and five small asks
    0.1 % apart above it: a thin market."""
    _typical_flow(m)
    m.cross("c", "b", "0.01")
    for i in range(1, 6):
        m.order("c", "sell", "0.01", 100000000 + 100000 * i, dt=0.01)


def _buys(m, user, qty, prices, tif="ioc"):
    for price in prices:
        m.order(user, "buy", qty, price, tif, dt=0.25)


def test_pump_alerts_on_orders_the_thin_book_cannot_fill(m):
    """A pump: six IOC buys of 10 BTC (1,000 typical orders each) at limits climbing 0.5 %
    a step. The book fills 0.05 of the 60 ordered; the orders given count all the same."""
    _thin_book(m)
    m.run(dt=5)                                   # the next 5 s bucket
    _buys(m, "a", "10", [100500000 + 500000 * i for i in range(6)])
    m.order("d", "buy", "0.01", 99000000, dt=6)   # a later entry closes the bucket
    [alert] = m.alerts("abnormal_volume")
    assert alert.users == ("a",) and alert.symbol == "BTC-IRR"
    assert alert.scores == {"typical_x": 6000.0, "min_typical_x": 500.0, "reach_bps": 300.0,
                            "min_reach_bps": 80.0, "share": 1.0, "min_share": 0.5}
    assert len(alert.orders) == 6 and len(alert.trades) == 5
    assert alert.last_ts - alert.first_ts == 5 * S
    assert alert.text == ("a buys 6,000x the typical order in 5 s, reaching 300 bps past the "
                          "price (100% of the aggressive flow)")      # grouped (mm.display)


def test_pump_look_alikes_do_not_alert(m):
    """The same 60 BTC resting under the price (it takes nothing), and buys climbing just as
    fast but of a typical trader's size (30 typical orders), are no pump."""
    _thin_book(m)
    m.run(dt=5)
    _buys(m, "b", "10", [99900000 - 1000 * i for i in range(6)], tif=None)
    m.run(dt=5)
    _buys(m, "c", "0.05", [100500000 + 500000 * i for i in range(6)])
    m.order("d", "buy", "0.01", 99000000, dt=6)
    assert m.alerts("abnormal_volume") == []


def test_structuring_and_in_and_out(m):
    for amount in ("9500000000", "9900000000", "9999999999"):
        m.run({"op": "deposit", "user": "d", "asset": "IRR", "amount": amount}, dt=60)
    m.run({"op": "deposit", "user": "d", "asset": "IRR", "amount": "10000000000"}, dt=60)
    [alert] = m.alerts("structuring")
    assert alert.users == ("d",) and alert.scores["deposits"] == 3
    m.run({"op": "withdraw", "user": "d", "asset": "IRR", "amount": "120000000000"}, dt=60)
    [alert] = m.alerts("in_and_out")
    assert alert.users == ("d",) and alert.scores["trades"] == 0


def test_unauthorised_access_from_rejections(m):
    m.api.actor = "b"
    for i in range(5):
        m.run({"op": "cancel", "id": "x", "user": "a"}, dt=1)
    m.api.actor = "@operator"
    m.run({"op": "user_status", "user": "c", "status": "suspended"})
    m.api.actor = "c"
    m.run({"op": "limit", "user": "c", "symbol": "BTC-IRR", "side": "buy", "price": "100000000",
           "qty": "1"})
    alerts = m.alerts("unauthorised_access")
    assert [a.users for a in alerts] == [("b",), ("c",)]
    assert alerts[0].scores["failures"] == 5 and alerts[1].severity == "critical"


def test_rule_parameters_come_from_the_journal(m):
    m.run({"op": "audit", "action": SET, "subject": "wash_trading.min_trades=2"},
          {"op": "audit", "action": LINK, "subject": "a,b"})
    m.cross("a", "b")
    m.cross("a", "b")
    assert len(m.alerts("wash_trading")) == 1


def test_snapshot_restores_exactly_and_refuses_code(m):
    for _ in range(3):
        m.cross("a", "b")
    s = Surveillance()
    s.configure(LINK, "a,b")
    from souq.mm.surveillance.follower import entries
    with m.api.db.connect() as conn:
        for e in entries(conn, 0, None):
            s.feed(e)
    import pickle, zlib
    blob = s.snapshot()
    again = Surveillance.restore(blob)
    assert pickle.loads(zlib.decompress(again.snapshot())) == pickle.loads(zlib.decompress(blob))
    assert again.ctx.owner("b") == "a" and again.detectors["wash_trading"].books
    with pytest.raises(pickle.UnpicklingError):
        Surveillance.restore(zlib.compress(pickle.dumps(Path("x"))))


def test_follower_restarted_every_batch_agrees_with_scan(tmp_path):
    """Honest flow and every bad actor for 25 simulated seconds; then a follower that is
    rebuilt from its cursor after every 300 entries: the same alerts as one scan, none
    repeated, none missed, and the cases hold them all."""
    alerts, _labels, _honest = run_seed("normal", 3, 25, 6.0, ["all"], tmp_path)
    assert {a.rule for a in alerts} >= {"wash_trading", "rapid_fire", "structuring"}
    url = str(tmp_path / "eval-normal-3.db")
    api = Api(url)
    seen = []
    while True:
        f = Follower(api.db, batch=300)
        p = f.poll()
        seen += p.alerts
        if not p.entries:
            break
    assert [a.to_dict() for a in seen] == [a.to_dict() for a in alerts]
    assert [a.to_dict() for a in scan(api.db, 1, None)] == [a.to_dict() for a in alerts]
    with api.db.connect() as conn:
        assert sum(c["alerts"] for c in D.cases(conn)) == len(alerts)
    # a range scan is the full scan's alerts over those entries when they start fresh
    half = alerts[len(alerts) // 2].last_seq
    assert [a.to_dict() for a in scan(api.db, 1, half)] == [
        a.to_dict() for a in alerts if a.last_seq <= half]
    api.close()


def test_eval_figures_of_one_seed_are_exact():
    """`souq surveil eval --scenario normal --seeds 1`: the same seed gives the same market,
    the same planted episodes and the same alerts, so its figures are exact. (alerts,
    matched alerts, episodes played out, episodes found) per rule; README has 6 seeds."""
    from souq.mm.surveillance.evaluate import evaluate
    ev = evaluate("normal", 1)
    got = {r: (s.alerts, s.matched, s.episodes, s.found) for r, s in ev.rules.items() if s.alerts or s.episodes}
    assert got == {"wash_trading": (8, 8, 8, 8), "circular_trading": (2, 2, 3, 3),
                   "spoofing": (1, 1, 1, 1), "layering": (3, 3, 3, 3), "rapid_fire": (7, 7, 6, 6),
                   "abnormal_volume": (8, 8, 5, 5), "structuring": (6, 6, 5, 5),
                   "in_and_out": (5, 5, 5, 5)}
    assert (ev.honest_orders, ev.false_alerts) == (19428, 0)


def test_fast_and_real_time_runs_journal_the_same_times_and_alerts(tmp_path):
    """The same seed run --fast (a machine whose wall clock hardly moves during the run) and
    in real time (the clock moves as the ticks are due): the simulator journals simulated
    time in both, so both journals carry the same times and every detector raises the same
    alerts, the planted actors' among them. (Before, the fast journal's times were the
    Api clock's: 20 s of flow within a few milliseconds.)"""
    from souq.mm.desk.demo_configs import build as build_demo
    from souq.mm.sim import ApiDriver, SimParams, run_fast, run_realtime
    from souq.mm.sim.bad_actors import MixedDriver, actors

    def run(name, realtime):
        wall = [T0]

        def tick():                       # the Api's own clock: 1 us a reading
            wall[0] += 1000
            return wall[0]
        api = Api(str(tmp_path / f"{name}.db"), clock=tick)
        build_demo(api)
        driver = MixedDriver(ApiDriver(api, SimParams(rate=200), 7, epoch=T0 + S),
                             actors(["rapid", "wash"], 6.0, 7))
        if realtime:
            clock = [0]
            run_realtime(driver, 20, clock=lambda: clock[0],
                         sleep=lambda s: clock.__setitem__(0, clock[0] + round(s * S)))
        else:
            run_fast(driver, 20)
        with api.db.connect() as conn:
            times = [r[0] for r in conn.exec_driver_sql("SELECT ts FROM journal ORDER BY seq")]
        alerts = [a.to_dict() for a in scan(api.db)]
        api.close()
        return times, alerts

    fast, real = run("fast", False), run("real", True)
    assert fast == real
    times, alerts = fast
    assert times[-1] == T0 + S + 20 * S          # the last tick, at 20 simulated seconds
    caught = {(a["rule"], u) for a in alerts for u in a["users"] if u.startswith("bad-")}
    assert caught == {("rapid_fire", "bad-rapid"), ("wash_trading", "bad-wash-a"),
                      ("wash_trading", "bad-wash-b")}


def test_parameter_ranges_and_values_read_as_plain_grouped_numbers():
    """A range or value a person reads is never in exponent notation: Python's {:g} wrote
    'is outside 1..1e+06' and a window of a million seconds as '1e+06' (in `souq surveil
    rules` and the alerts' texts); mm.display.number writes them grouped and plain."""
    from souq.mm.surveillance.params import Param
    size = Param("size_x", "ratio", 15.0, "x", 1, 1e6)
    with pytest.raises(ValueError) as refused:
        size.parse("spoofing", "0.5")
    assert str(refused.value) == "spoofing.size_x: 0.5 is outside 1..1,000,000 (ratio)"
    window = Param("window", "seconds", 300.0, "x", 1, 10**7)
    assert [window.show(v) for v in (1_000_000.0, 86_400.0, 0.001, 60.0)] == [
        "1,000,000", "86,400", "0.001", "60"]
