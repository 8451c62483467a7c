"""Issue 10 item 1: time priority is a total order that survives a rebuild.

Two orders that rest in one command (a taker's rest and the stop its trade triggers) get
distinct ranks, in the order they joined the book; a new process rebuilt from the tables
fills them in that order, like the process that placed them."""
import orjson
from hypothesis import HealthCheck, example, given, settings, strategies as st

from souq.db.store import Store, prepare
from souq.engine.exchange import Exchange
from souq.engine.stream import parse_command, trade_record

REPRODUCER = """\
{"op":"symbol","symbol":"X-Y","base":"X","quote":"Y","tick_size":"1","qty_step":"1"}
{"op":"user","user":"alice"}
{"op":"user","user":"bob"}
{"op":"user","user":"carol"}
{"op":"deposit","user":"alice","asset":"Y","amount":"1000"}
{"op":"deposit","user":"carol","asset":"Y","amount":"1000"}
{"op":"deposit","user":"bob","asset":"X","amount":"10"}
{"op":"limit","id":"b1","user":"bob","symbol":"X-Y","side":"sell","price":"99","qty":"1"}
{"op":"stop_limit","id":"c1","user":"carol","symbol":"X-Y","side":"buy","stop_price":"99","price":"100","qty":"1"}
{"op":"limit","id":"a1","user":"alice","symbol":"X-Y","side":"buy","price":"100","qty":"2"}
"""


def test_reproducer_alice_keeps_time_priority_in_a_new_process(souq, tmp_path):
    stream = tmp_path / "repro.jsonl"
    stream.write_text(REPRODUCER)
    souq.ok("replay", stream)
    out = souq.ok("order", "place", "X-Y", "sell", "1", "--price", "100", "--id", "b2",
                  as_user="bob")
    assert "trade 2: 1 @ 100 (maker alice/a1, taker bob/b2)" in out, out
    trades = souq.json("trades")
    assert [(t["maker_user"], t["maker"], t["taker"], t["price"], t["qty"]) for t in trades] == [
        ("bob", "b1", "a1", "99", "1"), ("alice", "a1", "b2", "100", "1")]
    orders = {o["client_id"]: o for o in souq.json("orders")}
    assert (orders["a1"]["status"], orders["a1"]["filled"]) == ("filled", "2")
    assert (orders["c1"]["status"], orders["c1"]["filled"]) == ("active", "0")
    assert souq.ok("check").startswith("ok: 11 journal entries replayed")


def test_orders_resting_in_one_command_get_distinct_increasing_ranks():
    ex = Exchange()
    for line in REPRODUCER.splitlines():
        ex.apply(parse_command(orjson.loads(line)))
    alice, carol = ex.users["alice"].orders["a1"], ex.users["carol"].orders["c1"]
    assert (alice.rank, carol.rank) == (10, 11)   # alice rested first, in seq 10
    assert ex.rank_seq == 11
    ex.apply(parse_command({"op": "limit", "id": "b3", "user": "bob", "symbol": "X-Y",
                            "side": "sell", "price": "101", "qty": "1"}))
    assert ex.users["bob"].orders["b3"].rank == 12   # seq 11 is taken: the next free rank


# ---------------------------------------------------------------- property: rebuilds
USERS = ("u1", "u2", "u3")
SETUP = [{"op": "symbol", "symbol": "X-Y", "base": "X", "quote": "Y", "tick_size": "1",
          "qty_step": "1"},
         *({"op": "user", "user": u} for u in USERS),
         *({"op": "deposit", "user": u, "asset": a, "amount": "100000"}
           for u in USERS for a in ("X", "Y"))]


@st.composite
def commands(draw):
    """Orders crowding two prices, stops among them, so ties in price and in the placing
    command (a taker's rest and the stops its trade fires) abound."""
    n = draw(st.integers(5, 30))
    out = []
    for i in range(n):
        user = draw(st.sampled_from(USERS))
        side = draw(st.sampled_from(("buy", "sell")))
        price = str(draw(st.integers(99, 100)))
        qty = str(draw(st.integers(1, 3)))
        kind = draw(st.sampled_from(("limit", "limit", "limit", "stop_limit", "stop_limit",
                                     "stop_market", "market", "cancel")))
        base = {"user": user, "symbol": "X-Y", "side": side, "qty": qty, "id": f"o{i}"}
        if kind == "stop_limit" and draw(st.booleans()):   # the reproducer's shape
            out.append({"op": "stop_limit", **base, "side": "buy", "price": "100",
                        "stop_price": "99"})
        elif kind == "limit":
            out.append({"op": "limit", **base, "price": price})
        elif kind == "stop_limit":
            out.append({"op": "stop_limit", **base, "price": price,
                        "stop_price": str(draw(st.integers(99, 100)))})
        elif kind == "stop_market":
            out.append({"op": "stop_market", **base, "stop_price": price})
        elif kind == "market":
            out.append({"op": "market", **base})
        else:
            out.append({"op": "cancel", "user": user, "id": f"o{draw(st.integers(0, i))}"})
    return out


def _trades(ex_trades) -> list[dict]:
    return [trade_record(t) for t in ex_trades]


def _queues(ex) -> list:
    """Every price level's live orders in queue order, and the stops in trigger order."""
    s = ex.symbols["X-Y"]
    return [[(lv.price, [o.cid for o in lv.orders if o.status in ("active", "partial")])
             for lv in book.values()] for book in (s.bids, s.asks)] + [[o.cid for o in s.stops]]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cmds=commands(), cuts=st.sets(st.integers(0, 30), max_size=6))
@example(cmds=[   # the reproducer's kind, always tried: a taker and the stop it fires tie
    {"op": "limit", "id": "o0", "user": "u2", "symbol": "X-Y", "side": "sell", "price": "99",
     "qty": "1"},
    {"op": "stop_limit", "id": "o1", "user": "u3", "symbol": "X-Y", "side": "buy",
     "stop_price": "99", "price": "100", "qty": "1"},
    {"op": "limit", "id": "o2", "user": "u1", "symbol": "X-Y", "side": "buy", "price": "100",
     "qty": "2"},
    {"op": "limit", "id": "o3", "user": "u2", "symbol": "X-Y", "side": "sell", "price": "100",
     "qty": "1"}], cuts={3})
def test_rebuilding_from_the_database_never_changes_a_later_trade(tmp_path_factory, cmds, cuts):
    """The same commands, once in one engine and once through a database that a fresh
    process (Store) rebuilds at random points: the same queues after every rebuild and
    the same trades, in the same order."""
    ex = Exchange()
    for obj in SETUP:
        ex.apply(parse_command(obj))
    path = tmp_path_factory.mktemp("rebuild") / "p.db"
    store = Store(f"sqlite:///{path}")
    want, got = [], []
    try:
        store.submit([prepare(o, "@operator") for o in SETUP], 0)
        for i, obj in enumerate(cmds):
            if i in cuts:
                store.close()
                store = Store(f"sqlite:///{path}")
                assert _queues(store.ex) == _queues(ex)
            want += _trades(ex.apply(parse_command(obj)).trades())
            got += _trades(store.submit([prepare(obj, "@operator")], 0).trades)
    finally:
        store.close()
    assert got == want
