"""The runner pipeline on a bare engine Exchange: exact commands, fills, inventory, reloads,
pause, and the kill switch."""
import desk_kit as kit
from engine.invariants import check_exchange
from engine.model import Order
from engine.stream import parse_command
from mm.desk.runner import MemoryRunner

S = 10**9


def act(runner, ex, *cmds, now=0):
    """Another trader's commands, with their trades passed to the runner."""
    for c in cmds:
        assert ex.apply(parse_command(c, extended=True), now, c["user"]) is None, c
    runner.record(ex.drain()[1])


def limit(cid, side, price, qty):
    return {"op": "limit", "id": cid, "user": "mm", "symbol": "T-USD", "side": side,
            "price": price, "qty": qty, "stp": "cancel_newest"}


def cancel(cid):
    return {"op": "cancel", "id": cid, "user": "mm"}


def amend(cid, **change):
    return {"op": "amend", "id": cid, "user": "mm", **change}


def open_orders(ex, user="mm"):
    return sorted(cid for cid, o in ex.users[user].orders.items() if type(o) is Order)


def quoted_then_hit(ex, params):
    """Two levels of 0.5 each side, 2 ticks apart around 1000; then x sells 0.5 into our
    best bid (998)."""
    r = MemoryRunner(ex, kit.cfg({"ticks": "2", "levels": "2", "size": "0.5", **params}),
                     prefix="t.")
    r.start(0)
    r.step(S)
    act(r, ex, {"op": "market", "id": "xs", "user": "x", "symbol": "T-USD", "side": "sell",
                "qty": "0.5"}, now=S + 1)
    return ex, r


def test_first_step_places_the_ladder_best_first_per_side():
    ex = kit.market()
    r = MemoryRunner(ex, kit.cfg({"ticks": "2", "levels": "2", "size": "0.5"}), prefix="t.")
    r.start(0)
    rep = r.step(S)
    assert rep.commands == [limit("t.1", "buy", "998", "0.5"), limit("t.2", "buy", "996", "0.5"),
                            limit("t.3", "sell", "1002", "0.5"),
                            limit("t.4", "sell", "1004", "0.5")]
    assert rep.reasons == [None] * 4
    # the same book a second later: nothing to change
    assert r.step(2 * S).commands == []
    assert check_exchange(ex) == []


def test_a_fill_moves_inventory_and_requotes_at_once_inside_the_limits():
    ex, r = quoted_then_hit(kit.market(), {"max_inventory": "1"})
    rep = r.step(S + 2)       # inside the 1 s refresh interval: the fill forces a requote
    assert [(f.side, f.price, f.qty, f.cid) for f in rep.fills] == [
        ("buy", 998 * S, S // 2, "t.1")]
    assert rep.inventory == S // 2
    # fair is the others' mid, still (990 + 1010) / 2 = 1000 whatever our own quotes do;
    # long 0.5 of 1: one bid of 0.5 still fits, the second not, so the second bid moves up
    # to 998 by amend (one command, same id); the asks stay as they are
    assert rep.commands == [amend("t.2", price="998")]
    assert rep.reasons == [None]
    assert open_orders(ex) == ["t.2", "t.3", "t.4"]
    assert [(ex.users["mm"].orders[c].price // S) for c in ("t.2", "t.3", "t.4")] == \
        [998, 1002, 1004]
    assert check_exchange(ex) == []


def test_the_refresh_interval_holds_quotes_until_it_passes():
    ex = kit.market()
    r = MemoryRunner(ex, kit.cfg({"ticks": "2", "size": "0.5"}), prefix="t.")
    r.start(0)
    r.step(S)                                         # bid 998, ask 1002 around 1000
    act(r, ex, {"op": "limit", "id": "xb2", "user": "x", "symbol": "T-USD", "side": "buy",
                "price": "1000", "qty": "1"}, now=S)  # others' mid (1000 + 1010) / 2
    assert r.step(S + S // 2).commands == []          # inside order_refresh_time (1 s)
    # the ask moves away from the bid first, then the bid up: never crossing our own
    assert r.step(2 * S + S // 2).commands == [amend("t.2", price="1007"),
                                               amend("t.1", price="1003")]


def test_a_newer_configuration_applies_at_once():
    ex = kit.market()
    r = MemoryRunner(ex, kit.cfg({"ticks": "2", "size": "0.5"}), prefix="t.")
    r.start(0)
    r.step(S)
    r.reload(kit.cfg({"ticks": "2", "size": "0.25"}, version=2), S + 1)
    # a smaller size at the same price: amended in place, keeping the queue
    assert r.step(S + 2).commands == [amend("t.1", qty="0.25"), amend("t.2", qty="0.25")]
    assert [a.text for a in r.sink.alerts] == ["version 2 applied"]


def test_a_newer_version_on_another_symbol_is_refused_with_an_alert():
    ex = kit.market()
    r = MemoryRunner(ex, kit.cfg({"size": "0.5"}), prefix="t.")
    r.start(0)
    r.reload(kit.cfg({"size": "0.25"}, symbol="X-USD", version=2), S)
    assert r.p["size"] == S // 2
    assert [a.text for a in r.sink.alerts] == [
        "version 2 changes the symbol or user: restart the run to apply it"]


def test_pause_cancels_and_resume_quotes_again():
    ex = kit.market()
    r = MemoryRunner(ex, kit.cfg({"size": "0.5"}), prefix="t.")
    r.start(0)
    r.step(S)
    r.pause(S + 1)
    assert open_orders(ex) == []
    assert r.step(3 * S).commands == []
    r.resume()
    assert [c["op"] for c in r.step(4 * S).commands] == ["limit", "limit"]


def test_kill_switch_cancels_everything_stops_and_then_alerts():
    # x takes our best bid: we pay 499 and a 4.99 fee for 0.5 worth 500 at the others'
    # mid 1000 (our own quotes do not move the mark)
    ex, r = quoted_then_hit(kit.market(maker="0.01"), {"max_loss": "3.5"})
    rep = r.step(S + 2)
    assert rep.equity == -3_990_000_000_000_000_000
    assert rep.commands == []                               # the decision never ran
    assert open_orders(ex) == []
    assert r.done == "killed"
    assert r.reason == "kill switch: loss 3.99 reached max_loss 3.5"
    (alert,) = r.sink.alerts
    assert (alert.severity, alert.kind) == ("critical", "kill_switch")
    assert alert.text == ("kill switch: loss 3.99 reached max_loss 3.5; cancelled 3 open "
                          "orders and stopped the run")
    assert r.step(5 * S).commands == []                     # stays stopped
    assert check_exchange(ex) == []
