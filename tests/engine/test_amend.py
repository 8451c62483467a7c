"""Amend: change a resting order's price or quantity in place.

The usual exchange rule: a smaller quantity keeps the order's time priority; a new price
or a larger quantity loses it (a fresh rank, like a new order, and a price that crosses
trades at once). The hold moves by exactly the difference; a refused amend changes
nothing. BTC-IRR, tick 1000, step 0.0001, fees 0.1 % / 0.2 % (the `market` fixture).
"""
P = "100000000"


def amend(h, cid, user, actor=None, **kw):
    return h.apply({"op": "amend", "id": cid, "user": user, **kw}, actor or user)


def test_reducing_quantity_keeps_time_priority_and_releases_the_hold(market):
    h = market
    h.limit("a1", "alice", "buy", P, "1")
    h.limit("c1", "carol", "buy", P, "1")
    assert h.wallet("alice", "IRR") == ("899800000", "100200000")
    assert amend(h, "a1", "alice", qty="0.4") is None
    assert h.wallet("alice", "IRR") == ("959920000", "40080000")     # 0.4 x 100,200,000
    assert h.book()["bids"] == [(P, "1.4", ["a1", "c1"])]              # alice still first
    rank = h.order_obj("alice", "a1").rank
    assert h.limit("b1", "bob", "sell", P, "0.5") is None
    assert [(t["maker"], t["qty"]) for t in h.trades()] == [("a1", "0.4"), ("c1", "0.1")]
    assert h.order_obj("alice", "a1").rank == rank


def test_a_new_price_loses_priority_and_gets_a_fresh_rank(market):
    h = market
    h.limit("a1", "alice", "sell", P, "1")
    h.limit("c1", "carol", "sell", P, "1")
    h.limit("a2", "alice", "sell", "100001000", "1")
    seq = h.ex.seq + 1
    assert amend(h, "a2", "alice", price=P) is None
    assert h.order_obj("alice", "a2").rank == seq
    assert h.book()["asks"] == [(P, "3", ["a1", "c1", "a2"])]
    assert h.wallet("alice", "BTC") == ("8", "2")                      # a sell's hold: its qty


def test_a_larger_quantity_loses_priority_and_holds_the_difference(market):
    h = market
    h.limit("a1", "alice", "buy", P, "1")
    h.limit("c1", "carol", "buy", P, "1")
    assert amend(h, "a1", "alice", qty="2") is None
    assert h.book()["bids"] == [(P, "3", ["c1", "a1"])]
    assert h.wallet("alice", "IRR") == ("799600000", "200400000")


def test_a_price_that_crosses_trades_at_once_at_the_makers_price(market):
    h = market
    h.limit("b1", "bob", "buy", "99999000", "1")
    h.limit("a1", "alice", "sell", "100005000", "1")
    assert amend(h, "a1", "alice", price="99990000") is None
    [t] = h.trades()
    assert (t["price"], t["qty"], t["maker"], t["taker"]) == ("99999000", "1", "b1", "a1")
    assert (t["maker_fee"], t["taker_fee"]) == ("99999", "199998")
    assert h.status("alice", "a1") == "filled"


def test_a_buy_amended_up_is_refused_without_funds_and_nothing_changes(market):
    h = market
    h.limit("a1", "alice", "buy", P, "9")
    before = h.snapshot()
    assert amend(h, "a1", "alice", qty="10") == (
        "insufficient available IRR to amend: needs 100200000 more, has 98200000")
    assert h.snapshot() == before
    assert h.book()["bids"] == [(P, "9", ["a1"])]


def test_partly_filled_order_cannot_go_to_or_below_its_filled_quantity(market):
    h = market
    h.limit("a1", "alice", "sell", P, "1")
    h.limit("b1", "bob", "buy", P, "0.3")
    assert amend(h, "a1", "alice", qty="0.3") == (
        "qty 0.3 is not above the 0.3 already filled; cancel the order instead")
    assert amend(h, "a1", "alice", qty="0.5") is None
    assert h.book()["asks"] == [(P, "0.2", ["a1"])]
    assert h.wallet("alice", "BTC") == ("9.5", "0.2")


def test_refusals_name_the_reason(market):
    h = market
    h.limit("a1", "alice", "sell", P, "1", tif="post_only")
    h.limit("b1", "bob", "buy", "99000000", "1")
    h.stop_limit("s1", "alice", "sell", "90000000", "90000000", "1")
    assert amend(h, "a1", "alice", qty="1") == \
        "amend changes nothing: order 'a1' is already 1 @ 100000000"
    assert amend(h, "a1", "alice", price="99000000") == \
        "post-only order would cross the book at 99000000"
    assert amend(h, "a1", "alice", price="100000500") == \
        "price 100000500 is not a multiple of the tick 1000"
    assert amend(h, "a1", "alice", qty="0.00001") == \
        "qty 0.00001 is not a multiple of the step 0.0001"
    assert amend(h, "a1", "alice", price="abc") == "price 'abc' is not a plain decimal number"
    assert amend(h, "a1", "alice", "bob", qty="0.5") == "bob may not act for alice"
    assert amend(h, "s1", "alice", qty="0.5") == \
        "order 's1' is not resting in the book (a stop waiting to trigger)"
    assert amend(h, "zz", "alice", qty="0.5") == "unknown order id 'zz' for alice"
    h.cancel("a1", "alice")
    assert amend(h, "a1", "alice", qty="0.5") == "order 'a1' is already cancelled"
