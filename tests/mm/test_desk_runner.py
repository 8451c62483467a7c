"""The runner pipeline on a bare engine Exchange: exact commands, fills, inventory, reloads,
pause, and the kill switch."""
import desk_kit as kit
from souq.engine.invariants import check_exchange
from souq.engine.events import trades_of
from souq.engine.numbers import parse_price
from souq.engine.stream import parse_command
from souq.mm.desk.runner import MemoryRunner
from souq.mm.venue.ports import Amend, Cancel, Place

S = 10**9


def act(runner, ex, *cmds, now=0):
    """Another trader's commands, with their trades passed to the runner."""
    outcomes = [ex.apply(parse_command(c, extended=True), now, c["user"]) for c in cmds]
    assert [o.reason for o in outcomes] == [None] * len(cmds), cmds
    runner.record(trades_of(outcomes))


def limit(cid, side, price, qty):
    return Place(cid, "T-USD", side, parse_price(price), parse_price(qty))


def cancel(cid):
    return Cancel(cid)


def amend(cid, price=None, qty=None):
    return Amend(cid, price and parse_price(price), qty and parse_price(qty))


def open_orders(ex, user="mm"):
    return sorted(cid for cid, o in ex.users[user].orders.items() if o.is_open)


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
    assert r.p.size == S // 2
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
    assert [type(c) for c in r.step(4 * S).commands] == [Place, Place]


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


def _with_hedge_market():
    """kit.market() plus T-EUR (others quote 890 / 910: mark 900) for the hedge leg."""
    cmds = kit.market_commands() + [
        {"op": "symbol", "symbol": "T-EUR", "base": "T", "quote": "EUR", "tick_size": "1",
         "qty_step": "0.001", "min_qty": "0.001", "maker_fee": "0", "taker_fee": "0"},
        {"op": "deposit", "user": "x", "asset": "EUR", "amount": "1000000"},
        {"op": "limit", "id": "xe_b", "user": "x", "symbol": "T-EUR", "side": "buy",
         "price": "890", "qty": "5"},
        {"op": "limit", "id": "xe_a", "user": "x", "symbol": "T-EUR", "side": "sell",
         "price": "910", "qty": "5"}]
    from simkit import build
    return build(cmds)


def test_the_kill_switch_and_samples_value_the_hedge_leg():
    """Issue 12 item 10: a hedger sells 1 T on T-EUR at 890 (the others' bid). Own symbol
    only, that is 1 T (1000 USD at the T-USD mark) gone for nothing: a loss of 1000 past
    max_loss 500. Every leg: the 890 EUR are worth 890 / 900 T (T-EUR's mark) x 1000 USD
    = 988.888... USD, so the run is down 11.111111111111111112 USD (floored to 1e-18) and
    keeps quoting."""
    ex = _with_hedge_market()
    r = MemoryRunner(ex, kit.cfg({"hedge_symbol": "T-EUR", "max_loss": "500",
                                  "max_inventory": "100", "order_amount": "0.5"},
                                 template="hedger"), prefix="t.")
    r.start(0)
    assert r.watch == ["T-USD", "T-EUR"]
    r.step(S)
    act(r, ex, {"op": "market", "id": "h1", "user": "mm", "symbol": "T-EUR", "side": "sell",
                "qty": "1"}, now=S + 1)
    rep = r.step(2 * S)
    assert r.done is None and rep.inventory == -S
    assert rep.equity == -11_111_111_111_111_111_112
    assert r.samples[-1][:3] == (2 * S, -S, -11_111_111_111_111_111_112)
    assert check_exchange(ex) == []


def test_a_leg_no_watched_symbol_prices_is_named_not_hidden():
    """The same sale with T-EUR's book emptied: nothing prices EUR in USD, so the EUR leg
    counts 0 and a warning names it, once."""
    ex = _with_hedge_market()
    r = MemoryRunner(ex, kit.cfg({"hedge_symbol": "T-EUR", "max_loss": "5000",
                                  "max_inventory": "100", "order_amount": "0.5"},
                                 template="hedger"), prefix="t.")
    r.start(0)
    r.step(S)
    act(r, ex, {"op": "market", "id": "h1", "user": "mm", "symbol": "T-EUR", "side": "sell",
                "qty": "1"}, now=S + 1)
    act(r, ex, {"op": "cancel", "id": "xe_a", "user": "x"}, now=S + 2)
    act(r, ex, {"op": "cancel", "id": "xe_b", "user": "x"}, now=S + 2)
    ex.symbols["T-EUR"].last = None
    r.step(2 * S)
    r.step(3 * S)
    assert r.equity == -1000 * 10**18
    warned = [a.text for a in r.sink.alerts if a.kind == "unvalued_leg"]
    assert warned == ["EUR moved but no watched symbol prices it in USD: the PnL and the "
                      "kill switch leave it out"]
