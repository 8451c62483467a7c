"""Stop orders (trigger on the last trade price) and self-trade prevention."""
P = "100000000"


# ------------------------------------------------------------------ stop orders
def test_stop_limit_buy_waits_then_triggers_at_its_stop_price(market):
    h = market
    h.limit("c1", "carol", "sell", "100000000", "0.1")
    h.limit("c2", "carol", "sell", "101000000", "0.1")
    h.limit("c3", "carol", "sell", "102000000", "1")
    assert h.stop_limit("s1", "bob", "buy", "101000000", "102000000", "0.5") is None
    assert h.status("bob", "s1") == "queued"
    assert h.stops() == ["s1"]
    assert h.wallet("bob", "IRR") == ("948898000", "51102000")   # at its limit price + 0.2 %
    assert h.book()["bids"] == []

    h.limit("d1", "dave", "buy", "100000000", "0.1")        # last 100,000,000: below the stop
    assert h.status("bob", "s1") == "queued"
    h.trades()

    h.limit("d2", "dave", "buy", "101000000", "0.05")       # last 101,000,000: reaches it
    assert [(t["maker"], t["taker"], t["price"], t["qty"]) for t in h.trades()] == [
        ("c2", "d2", "101000000", "0.05"),
        ("c2", "s1", "101000000", "0.05"),
        ("c3", "s1", "102000000", "0.45")]
    assert h.status("bob", "s1") == "filled"
    assert h.stops() == []
    assert h.wallet("bob", "IRR") == ("948948100", "0")
    assert h.wallet("bob", "BTC") == ("10.5", "0")


def test_stop_market_sell_triggers_at_or_below_only(market):
    h = market
    h.limit("d1", "dave", "buy", "99500000", "0.1")
    h.limit("d2", "dave", "buy", "98000000", "1")
    assert h.stop_market("s1", "alice", "sell", "99000000", "0.3") is None
    assert h.wallet("alice", "BTC") == ("9.7", "0.3")

    h.limit("c1", "carol", "sell", "99500000", "0.1")        # 99,500,000 is above the stop
    assert h.status("alice", "s1") == "queued"
    h.limit("d3", "dave", "buy", "99000000", "0.1")
    h.trades()
    h.limit("c2", "carol", "sell", "99000000", "0.1")        # exactly the stop: triggers
    assert [(t["maker"], t["taker"], t["price"], t["qty"]) for t in h.trades()] == [
        ("d3", "c2", "99000000", "0.1"),
        ("d2", "s1", "98000000", "0.3")]
    assert h.status("alice", "s1") == "filled"
    assert h.wallet("alice", "BTC") == ("9.7", "0")
    assert h.wallet("alice", "IRR") == ("1029341200", "0")   # 29,400,000 - 0.2 %


def test_stop_limit_sell_does_not_trigger_above_its_stop(market):
    h = market
    h.stop_limit("s1", "alice", "sell", "99000000", "98000000", "1")
    h.limit("c1", "carol", "sell", "99001000", "0.1")
    h.limit("d1", "dave", "buy", "99001000", "0.1")
    assert h.status("alice", "s1") == "queued"
    assert h.wallet("alice", "BTC") == ("9", "1")


def test_stop_market_buy_reserves_at_its_stop_price_then_buys_at_market(market):
    h = market
    h.limit("c1", "carol", "sell", "100000000", "0.1")
    h.limit("c2", "carol", "sell", "101000000", "1")
    assert h.stop_market("s1", "bob", "buy", "100000000", "0.5") is None
    assert h.wallet("bob", "IRR") == ("949900000", "50100000")
    h.limit("d1", "dave", "buy", "100000000", "0.1")
    trades = h.trades()
    assert [(t["taker"], t["price"], t["qty"]) for t in trades] == \
        [("d1", "100000000", "0.1"), ("s1", "101000000", "0.5")]
    assert h.status("bob", "s1") == "filled"
    assert h.wallet("bob", "IRR") == ("949399000", "0")      # 50,500,000 + 0.2 %
    assert h.wallet("bob", "BTC") == ("10.5", "0")


def test_cancel_of_a_waiting_stop_releases_its_hold(market):
    h = market
    h.stop_limit("s1", "bob", "buy", "101000000", "102000000", "0.5")
    h.stop_market("s2", "alice", "sell", "90000000", "2")
    assert h.cancel("s1", "bob") is None
    assert h.cancel("s2", "alice") is None
    assert h.stops() == []
    assert (h.status("bob", "s1"), h.status("alice", "s2")) == ("cancelled", "cancelled")
    assert h.wallet("bob", "IRR") == ("1000000000", "0")
    assert h.wallet("alice", "BTC") == ("10", "0")


def test_stop_placed_beyond_the_last_price_triggers_at_once(market):
    """Judgement: the last price has already reached the stop, so it fires immediately."""
    h = market
    h.limit("c1", "carol", "sell", P, "0.1")
    h.limit("c2", "carol", "sell", "101000000", "1")
    h.limit("d1", "dave", "buy", P, "0.1")
    h.trades()
    assert h.stop_limit("s1", "bob", "buy", "99000000", "101000000", "0.2") is None
    assert [(t["maker"], t["taker"], t["qty"]) for t in h.trades()] == [("c2", "s1", "0.2")]
    assert h.status("bob", "s1") == "filled"


def test_no_stop_triggers_before_any_trade(market):
    h = market
    h.stop_market("s1", "bob", "buy", "1000", "0.1")
    h.stop_market("s2", "alice", "sell", "999999000", "0.1")
    assert h.stops() == ["s1", "s2"]


def test_stops_cascade_within_one_command(market):
    h = market
    h.limit("c1", "carol", "sell", "100000000", "0.1")
    h.limit("c2", "carol", "sell", "101000000", "0.1")
    h.limit("c3", "carol", "sell", "102000000", "0.1")
    h.stop_market("s1", "bob", "buy", "100000000", "0.1")
    h.stop_market("s2", "alice", "buy", "101000000", "0.1")
    h.limit("d1", "dave", "buy", "100000000", "0.1")
    assert [(t["maker"], t["taker"]) for t in h.trades()] == \
        [("c1", "d1"), ("c2", "s1"), ("c3", "s2")]
    assert h.stops() == []
    assert h.ex.symbols["BTC-IRR"].last == 102_000_000 * 10**9


def test_triggered_stop_limit_outside_the_band_is_rejected_and_released(h):
    h.symbol(daily_limit="0.05", ref_price="100000000")
    for name in ("alice", "carol", "dave"):
        h.user(name)
        h.deposit(name, "BTC", "10")
        h.deposit(name, "IRR", "1000000000")
    assert h.stop_limit("s1", "alice", "sell", "99000000", "96000000", "1") is None
    h.ok({"op": "session_open", "symbol": "BTC-IRR", "opening_price": "103000000"})
    h.limit("c1", "carol", "sell", "98000000", "0.1")   # band is now 97,850,000-108,150,000
    h.limit("d1", "dave", "buy", "98000000", "0.1")
    o = h.order_obj("alice", "s1")
    assert o.status == "rejected"
    assert "outside the daily band 97850000-108150000 when triggered" in o.reason
    assert h.wallet("alice", "BTC") == ("10", "0")
    assert h.stops() == []


def test_triggered_stop_rests_with_time_priority_from_its_trigger(market):
    h = market
    h.limit("c1", "carol", "sell", P, "0.1")
    h.stop_limit("s1", "bob", "buy", P, "99000000", "1")     # placed first ...
    h.limit("a1", "alice", "buy", "99000000", "1")           # ... but rests later
    h.limit("d1", "dave", "buy", P, "0.1")
    assert h.book()["bids"] == [("99000000", "2", ["a1", "s1"])]
    h.limit("c2", "carol", "sell", "99000000", "1")
    assert [t["maker"] for t in h.trades() if t["taker"] == "c2"] == ["a1"]


# ------------------------------------------------------------------ self-trade prevention
def test_stp_cancel_newest_cancels_the_incoming_order(market):
    h = market
    h.limit("a1", "alice", "sell", P, "1")
    assert h.limit("a2", "alice", "buy", P, "1", stp="cancel_newest") is None
    assert h.trades() == []
    o = h.order_obj("alice", "a2")
    assert o.status == "cancelled" and o.reason == "self-trade prevention: newest order cancelled"
    assert h.status("alice", "a1") == "active"
    assert h.book() == {"bids": [], "asks": [(P, "1", ["a1"])]}
    assert h.wallet("alice", "IRR") == ("1000000000", "0")
    assert h.wallet("alice", "BTC") == ("9", "1")


def test_stp_cancel_newest_after_a_partial_fill(market):
    h = market
    h.limit("c0", "carol", "sell", P, "0.5")
    h.limit("a1", "alice", "sell", P, "1")
    assert h.limit("a2", "alice", "buy", P, "1", stp="cancel_newest") is None
    assert [(t["maker"], t["qty"]) for t in h.trades()] == [("c0", "0.5")]
    assert h.status("alice", "a2") == "cancelled"
    assert h.filled("alice", "a2") == "0.5"
    assert h.book()["asks"] == [(P, "1", ["a1"])]
    assert h.wallet("alice", "IRR") == ("949900000", "0")
    assert h.wallet("alice", "BTC") == ("9.5", "1")


def test_stp_cancel_oldest_cancels_the_resting_order_and_keeps_matching(market):
    h = market
    h.limit("a1", "alice", "sell", P, "1")
    h.limit("c1", "carol", "sell", P, "1")
    assert h.limit("a2", "alice", "buy", P, "1", stp="cancel_oldest") is None
    o = h.order_obj("alice", "a1")
    assert o.status == "cancelled" and o.reason == "self-trade prevention: oldest order cancelled"
    assert [(t["maker"], t["taker"]) for t in h.trades()] == [("c1", "a2")]
    assert h.status("alice", "a2") == "filled"
    assert h.book() == {"bids": [], "asks": []}
    assert h.wallet("alice", "BTC") == ("11", "0")
    assert h.wallet("alice", "IRR") == ("899800000", "0")


def test_stp_cancel_oldest_then_rests_when_nothing_else_crosses(market):
    h = market
    h.limit("a1", "alice", "sell", P, "1")
    assert h.limit("a2", "alice", "buy", P, "1", stp="cancel_oldest") is None
    assert h.status("alice", "a1") == "cancelled"
    assert h.status("alice", "a2") == "active"
    assert h.book() == {"bids": [(P, "1", ["a2"])], "asks": []}
    assert h.wallet("alice", "BTC") == ("10", "0")
    assert h.wallet("alice", "IRR") == ("899800000", "100200000")


def test_stp_cancel_both(market):
    h = market
    h.limit("a1", "alice", "sell", P, "1")
    h.limit("c1", "carol", "sell", P, "1")
    assert h.limit("a2", "alice", "buy", P, "1", stp="cancel_both") is None
    assert h.trades() == []
    assert h.order_obj("alice", "a2").reason == "self-trade prevention: both orders cancelled"
    assert (h.status("alice", "a1"), h.status("alice", "a2"), h.status("carol", "c1")) == \
        ("cancelled", "cancelled", "active")
    assert h.book() == {"bids": [], "asks": [(P, "1", ["c1"])]}
    assert h.wallet("alice", "BTC") == ("10", "0")
    assert h.wallet("alice", "IRR") == ("1000000000", "0")


def test_stp_ignores_other_users(market):
    h = market
    h.limit("a1", "alice", "sell", P, "1")
    assert h.limit("b1", "bob", "buy", P, "1", stp="cancel_both") is None
    assert [(t["maker"], t["taker"]) for t in h.trades()] == [("a1", "b1")]


def test_stp_with_fok(market):
    h = market
    h.limit("a1", "alice", "sell", P, "1")
    h.limit("c1", "carol", "sell", P, "1")
    before = h.snapshot()
    # cancel_newest would stop at alice's own order: it cannot fill whole
    assert "fill-or-kill" in h.limit("a2", "alice", "buy", P, "1", tif="fok", stp="cancel_newest")
    assert h.snapshot() == before and h.status("alice", "a1") == "active"
    # cancel_oldest clears a1 out of the way and fills from carol
    assert h.limit("a3", "alice", "buy", P, "1", tif="fok", stp="cancel_oldest") is None
    assert [(t["maker"], t["taker"]) for t in h.trades()] == [("c1", "a3")]
    assert h.status("alice", "a1") == "cancelled"


def test_stp_cancel_newest_on_a_market_buy(market):
    h = market
    h.limit("a1", "alice", "sell", P, "1")
    assert h.market("m1", "alice", "buy", "1", stp="cancel_newest") is None
    assert h.status("alice", "m1") == "cancelled"
    assert h.status("alice", "a1") == "active"
    assert h.wallet("alice", "IRR") == ("1000000000", "0")
    assert h.book()["asks"] == [(P, "1", ["a1"])]
