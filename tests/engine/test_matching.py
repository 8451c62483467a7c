"""Matching: price-time priority, maker price, fees, escrow and partial fills.

The `market` fixture: BTC-IRR with tick 1000 IRR, step 0.0001 BTC, default fees (maker
0.1 %, taker 0.2 %), no band; alice, bob, carol and dave each hold 10 BTC and
1,000,000,000 IRR.
"""
from engine_harness import amount

from souq.engine.commands import SetAssetPrecision
from souq.engine.events import ResultCode, Trade, journal_rows, ledger_moves
from souq.engine.model import closed
from souq.engine.stream import parse_command

P = "100000000"  # 100,000,000 IRR


def test_same_price_fills_oldest_first(market):
    h = market
    assert h.limit("a1", "alice", "sell", P, "1") is None
    assert h.limit("c1", "carol", "sell", P, "1") is None
    assert h.limit("b1", "bob", "buy", P, "1.5") is None

    assert h.trades() == [
        {"seq": 1, "symbol": "BTC-IRR", "price": P, "qty": "1", "maker": "a1", "taker": "b1",
         "maker_user": "alice", "taker_user": "bob", "maker_fee": "100000", "taker_fee": "200000"},
        {"seq": 2, "symbol": "BTC-IRR", "price": P, "qty": "0.5", "maker": "c1", "taker": "b1",
         "maker_user": "carol", "taker_user": "bob", "maker_fee": "50000", "taker_fee": "100000"},
    ]
    assert h.book() == {"bids": [], "asks": [(P, "0.5", ["c1"])]}
    assert (h.status("alice", "a1"), h.status("carol", "c1"), h.status("bob", "b1")) == \
        ("filled", "partial", "filled")
    assert h.wallet("alice", "IRR") == ("1099900000", "0")
    assert h.wallet("alice", "BTC") == ("9", "0")
    assert h.wallet("carol", "IRR") == ("1049950000", "0")
    assert h.wallet("carol", "BTC") == ("9", "0.5")
    assert h.wallet("bob", "IRR") == ("849700000", "0")
    assert h.wallet("bob", "BTC") == ("11.5", "0")
    assert h.wallet("@fees", "IRR") == ("450000", "0")


def test_better_price_first_even_when_newer_and_trades_at_maker_price(market):
    h = market
    h.limit("a1", "alice", "sell", "101000000", "1")
    h.limit("c1", "carol", "sell", "100000000", "1")   # newer, but cheaper
    assert h.limit("b1", "bob", "buy", "101000000", "2") is None
    trades = h.trades()
    assert [(t["maker"], t["price"], t["qty"]) for t in trades] == \
        [("c1", "100000000", "1"), ("a1", "101000000", "1")]
    assert [(t["maker_fee"], t["taker_fee"]) for t in trades] == \
        [("100000", "200000"), ("101000", "202000")]
    # held 202,404,000 at the limit; paid 201,402,000; the price improvement is released
    assert h.wallet("bob", "IRR") == ("798598000", "0")
    assert h.wallet("bob", "BTC") == ("12", "0")


def test_bid_side_priority_best_then_oldest(market):
    h = market
    h.limit("a1", "alice", "buy", "99000000", "1")
    h.limit("c1", "carol", "buy", "99000000", "1")
    h.limit("d1", "dave", "buy", "99500000", "1")
    assert h.limit("b1", "bob", "sell", "99000000", "2.5") is None
    assert [(t["maker"], t["price"], t["qty"]) for t in h.trades()] == \
        [("d1", "99500000", "1"), ("a1", "99000000", "1"), ("c1", "99000000", "0.5")]
    assert h.book() == {"bids": [("99000000", "0.5", ["c1"])], "asks": []}
    # bob (taker) receives 99,500,000 + 2*49,500,000... minus 0.2 %
    gross = 99_500_000 + 99_000_000 + 49_500_000
    assert h.wallet("bob", "IRR") == (str(1_000_000_000 + gross - gross * 2 // 1000), "0")
    assert h.wallet("bob", "BTC") == ("7.5", "0")


def test_taker_sell_below_best_bid_trades_at_the_bid(market):
    h = market
    h.limit("b1", "bob", "buy", P, "1")
    assert h.wallet("bob", "IRR") == ("899800000", "100200000")   # price*qty + 0.2 %
    assert h.limit("a1", "alice", "sell", "95000000", "1") is None
    assert h.trades() == [
        {"seq": 1, "symbol": "BTC-IRR", "price": P, "qty": "1", "maker": "b1", "taker": "a1",
         "maker_user": "bob", "taker_user": "alice", "maker_fee": "100000",
         "taker_fee": "200000"}]
    assert h.wallet("alice", "IRR") == ("1099800000", "0")   # taker fee from the proceeds
    assert h.wallet("bob", "IRR") == ("899900000", "0")      # maker fee only; rest released
    assert h.wallet("@fees", "IRR") == ("300000", "0")
    assert h.wallet("@fees", "BTC") == ("0", "0")


def test_fees_are_per_symbol_and_in_the_quote_asset(market):
    h = market
    h.symbol("ETH-IRR", base="ETH", tick="1", step="0.001",
             maker_fee="0.0005", taker_fee="0.003")
    h.deposit("alice", "ETH", "5")
    h.limit("e1", "alice", "sell", "3000000", "2", symbol="ETH-IRR")
    h.limit("e2", "bob", "buy", "3000000", "2", symbol="ETH-IRR")
    [t] = h.trades()
    assert (t["symbol"], t["maker_fee"], t["taker_fee"]) == ("ETH-IRR", "3000", "18000")
    assert h.wallet("@fees", "IRR") == ("21000", "0")
    assert "ETH" not in h.ex.users["@fees"].wallets or h.balance("@fees", "ETH") == "0"
    assert h.wallet("alice", "IRR") == ("1005997000", "0")
    assert h.wallet("bob", "IRR") == ("993982000", "0")
    assert h.wallet("bob", "ETH") == ("2", "0")
    # the BTC-IRR defaults are untouched: 0.1 % / 0.2 %
    h.limit("a1", "alice", "sell", P, "1")
    h.limit("b1", "bob", "buy", P, "1")
    assert [(t["maker_fee"], t["taker_fee"]) for t in h.trades()] == [("100000", "200000")]


def test_zero_fees_move_nothing_to_the_fee_account(market):
    h = market
    h.symbol("ZRO-IRR", base="ZRO", tick="1", step="1", maker_fee="0", taker_fee="0")
    h.deposit("alice", "ZRO", "10")
    h.limit("z1", "alice", "sell", "500", "10", symbol="ZRO-IRR")
    h.limit("z2", "bob", "buy", "500", "10", symbol="ZRO-IRR")
    [t] = h.trades()
    assert (t["maker_fee"], t["taker_fee"]) == ("0", "0")
    assert h.balance("@fees", "IRR") == "0"
    assert h.wallet("bob", "IRR") == ("999995000", "0")


def test_buy_escrow_uses_the_larger_of_maker_and_taker_rate(market):
    h = market
    h.symbol("MKR-IRR", base="MKR", tick="1", step="1", maker_fee="0.003", taker_fee="0.001")
    h.deposit("alice", "MKR", "10")
    h.limit("m1", "bob", "buy", "1000", "10", symbol="MKR-IRR")
    # it may end up the maker, so it reserves 10,000 + 0.3 %
    assert h.wallet("bob", "IRR") == ("999989970", "10030")
    h.cancel("m1", "bob")
    assert h.wallet("bob", "IRR") == ("1000000000", "0")
    # a resting seller; bob takes at 0.1 % and the 0.3 % reserve is released
    h.limit("s1", "alice", "sell", "1000", "10", symbol="MKR-IRR")
    h.limit("m2", "bob", "buy", "1000", "10", symbol="MKR-IRR")
    [t] = h.trades()
    assert (t["maker_fee"], t["taker_fee"]) == ("30", "10")
    assert h.wallet("bob", "IRR") == ("999989990", "0")
    assert h.wallet("alice", "IRR") == ("1000009970", "0")


def test_fees_are_exact_until_a_precision_is_set(market):
    """No precision set for IRR: a fee is exact (to the ledger's 1e-18), never floored
    away. Notional 10,000.1 IRR: 0.1 % = 10.0001, 0.2 % = 20.0002."""
    h = market
    h.limit("a1", "alice", "sell", "100001000", "0.0001")
    h.limit("b1", "bob", "buy", "100001000", "0.0001")
    [t] = h.trades()
    assert (t["maker_fee"], t["taker_fee"]) == ("10.0001", "20.0002")
    assert h.wallet("alice", "IRR") == ("1000009990.0999", "0")
    assert h.wallet("bob", "IRR") == ("999989979.8998", "0")


def test_fees_round_up_to_the_quote_precision(market):
    """IRR at 0 decimal places: 10.0001 -> 11 and 20.0002 -> 21, never down."""
    h = market
    assert h.apply(SetAssetPrecision("IRR", 0)) is None
    h.limit("a1", "alice", "sell", "100001000", "0.0001")
    h.limit("b1", "bob", "buy", "100001000", "0.0001")
    [t] = h.trades()
    assert (t["maker_fee"], t["taker_fee"]) == ("11", "21")
    assert h.wallet("alice", "IRR") == ("1000009989.1", "0")
    assert h.wallet("bob", "IRR") == ("999989978.9", "0")


def test_sell_escrow_is_the_quantity_and_cancel_releases_it(market):
    h = market
    h.limit("a1", "alice", "sell", P, "0.5")
    assert h.wallet("alice", "BTC") == ("9.5", "0.5")
    assert h.wallet("alice", "IRR") == ("1000000000", "0")
    assert h.cancel("a1", "alice") is None
    assert h.status("alice", "a1") == "cancelled"
    assert h.wallet("alice", "BTC") == ("10", "0")
    assert h.book() == {"bids": [], "asks": []}


def test_partial_fill_rests_the_rest_with_exact_escrow_then_fills(market):
    h = market
    h.limit("c1", "carol", "sell", P, "0.4")
    assert h.limit("b1", "bob", "buy", "101000000", "1") is None
    [t] = h.trades()
    assert (t["price"], t["qty"], t["maker"]) == (P, "0.4", "c1")
    assert h.status("bob", "b1") == "partial"
    assert h.filled("bob", "b1") == "0.4"
    # paid 40,080,000; the 0.6 left reserves 60,600,000 + 0.2 % and no more
    assert h.wallet("bob", "IRR") == ("899198800", "60721200")
    assert h.book() == {"bids": [("101000000", "0.6", ["b1"])], "asks": []}

    h.limit("d1", "dave", "sell", "101000000", "0.6")
    [t] = h.trades()
    assert (t["price"], t["qty"], t["maker"], t["maker_fee"]) == \
        ("101000000", "0.6", "b1", "60600")
    assert h.status("bob", "b1") == "filled"
    assert h.wallet("bob", "IRR") == ("899259400", "0")
    assert h.wallet("bob", "BTC") == ("11", "0")
    assert h.ex.users["bob"].orders["b1"] == closed("filled")


def test_cancel_of_a_partial_order_releases_exactly_the_rest(market):
    h = market
    h.limit("c1", "carol", "sell", P, "0.4")
    h.limit("b1", "bob", "buy", "101000000", "1")
    assert h.cancel("b1", "bob") is None
    assert h.status("bob", "b1") == "cancelled"
    assert h.filled("bob", "b1") == "0.4"
    assert h.wallet("bob", "IRR") == ("959920000", "0")
    assert h.wallet("bob", "BTC") == ("10.4", "0")
    assert h.book() == {"bids": [], "asks": []}


def test_maker_partial_keeps_its_place_in_the_queue(market):
    h = market
    h.limit("a1", "alice", "sell", P, "1")
    h.limit("c1", "carol", "sell", P, "1")
    h.limit("b1", "bob", "buy", P, "0.3")
    h.limit("b2", "bob", "buy", P, "0.3")
    assert [t["maker"] for t in h.trades()] == ["a1", "a1"]
    assert h.book()["asks"] == [(P, "1.4", ["a1", "c1"])]
    assert h.status("alice", "a1") == "partial"


def test_market_buy_holds_what_it_can_reach_and_spends_exactly_that(market):
    h = market
    h.limit("c1", "carol", "sell", P, "0.3")
    h.limit("d1", "dave", "sell", "101000000", "0.2")
    assert h.market("m1", "bob", "buy", "0.4") is None
    trades, moves = h.last.trades(), moves_of(h.last)
    holds = [m.amount for m in moves if m.kind == "hold"]
    releases = [m.amount for m in moves if m.kind == "release"]
    # 0.3 @ 100,000,000 + 0.2 % and 0.1 @ 101,000,000 + 0.2 %
    assert holds == [amount("40180200")]
    assert releases == []
    assert [(t.price, t.qty) for t in trades] == [(100_000_000 * 10**9, 3 * 10**8),
                                            (101_000_000 * 10**9, 10**8)]
    assert h.status("bob", "m1") == "filled"
    assert h.wallet("bob", "IRR") == ("959819800", "0")
    assert h.wallet("bob", "BTC") == ("10.4", "0")


def test_market_buy_is_capped_by_available_funds(market):
    h = market
    h.user("erin")
    h.deposit("erin", "IRR", "40000000")
    h.limit("c1", "carol", "sell", P, "0.3")
    h.limit("d1", "dave", "sell", "101000000", "0.2")
    assert h.market("m1", "erin", "buy", "1") is None
    trades, moves = h.last.trades(), moves_of(h.last)
    assert [m.amount for m in moves if m.kind == "hold"] == [amount("40000000")]
    # 0.3 costs 30,060,000; 9,940,000 then buys 0.0982 @ 101,000,000 (9,938,036.4 with fee)
    assert [(t.qty, t.maker_fee, t.taker_fee) for t in trades] == [
        (3 * 10**8, amount("30000"), amount("60000")),
        (982 * 10**5, amount("9918.2"), amount("19836.4"))]
    o = h.order_obj("erin", "m1")
    assert o.status == "cancelled" and "funds exhausted" in o.reason
    assert h.filled("erin", "m1") == "0.3982"
    assert h.wallet("erin", "IRR") == ("1963.6", "0")
    assert h.wallet("erin", "BTC") == ("0.3982", "0")
    assert h.book()["asks"] == [("101000000", "0.1018", ["d1"])]
    assert h.status("dave", "d1") == "partial"


def test_market_buy_into_an_empty_book_is_cancelled_not_left_resting(market):
    h = market
    before = h.snapshot()
    assert h.market("m1", "bob", "buy", "1") is None
    o = h.order_obj("bob", "m1")
    assert o.status == "cancelled" and "no more liquidity" in o.reason
    assert h.snapshot() == before
    assert h.book() == {"bids": [], "asks": []}


def test_market_buy_partial_then_rest_cancelled(market):
    h = market
    h.limit("c1", "carol", "sell", P, "0.25")
    assert h.market("m1", "bob", "buy", "1") is None
    assert h.status("bob", "m1") == "cancelled"
    assert h.filled("bob", "m1") == "0.25"
    assert h.wallet("bob", "IRR") == ("974950000", "0")
    assert h.book() == {"bids": [], "asks": []}


def test_market_buy_with_nothing_available_is_rejected(market):
    h = market
    h.user("erin")
    h.limit("c1", "carol", "sell", P, "1")
    reason = h.market("m1", "erin", "buy", "1")
    assert "insufficient available IRR" in reason
    assert h.status("erin", "m1") == "rejected"


def test_market_sell_partial_then_rest_cancelled_and_released(market):
    h = market
    h.limit("d1", "dave", "buy", "99000000", "0.3")
    assert h.market("m1", "alice", "sell", "1") is None
    [t] = h.trades()
    assert (t["price"], t["qty"], t["taker_fee"]) == ("99000000", "0.3", "59400")
    assert h.status("alice", "m1") == "cancelled"
    assert h.wallet("alice", "BTC") == ("9.7", "0")
    assert h.wallet("alice", "IRR") == ("1029640600", "0")


def test_self_trade_allowed_by_default_and_charged_both_fees(market):
    h = market
    h.limit("a1", "alice", "sell", P, "1")
    assert h.limit("a2", "alice", "buy", P, "1") is None
    [t] = h.trades()
    assert (t["maker"], t["taker"], t["maker_user"], t["taker_user"]) == \
        ("a1", "a2", "alice", "alice")
    assert h.wallet("alice", "BTC") == ("10", "0")
    assert h.wallet("alice", "IRR") == ("999700000", "0")
    assert h.wallet("@fees", "IRR") == ("300000", "0")


def test_order_life_cycle_events(market):
    h = market
    h.limit("a1", "alice", "sell", P, "1")
    oid = h.order_obj("alice", "a1").oid
    assert h.order_events() == [("order", oid, "new", None), ("order", oid, "queued", None),
                                ("order", oid, "active", None)]
    h.limit("b1", "bob", "buy", P, "0.4")
    b1 = h.order_obj("bob", "b1").oid
    assert [e[1:3] for e in h.order_events()] == [
        (b1, "new"), (b1, "queued"), (b1, "active"), (oid, "partial"), (b1, "filled")]
    assert [type(e) for e in h.last.events].count(Trade) == 1
    h.limit("b2", "bob", "buy", P, "0.6")
    assert (oid, "filled") in [e[1:3] for e in h.order_events()]
    reason = h.limit("b3", "bob", "buy", "NaN", "1")
    b3 = h.order_obj("bob", "b3").oid
    assert h.order_events() == [("order", b3, "new", None), ("order", b3, "queued", None),
                                ("order", b3, "rejected", reason)]
    h.stop_market("s1", "bob", "buy", "200000000", "1")
    s1 = h.order_obj("bob", "s1").oid
    assert [e[2] for e in h.order_events()] == ["new", "queued"]
    h.cancel("s1", "bob")
    assert h.order_events() == [("order", s1, "cancelled", "cancelled by @operator")]


def test_outcome_carries_the_commands_typed_events(market):
    h = market
    h.limit("a1", "alice", "sell", P, "1")
    out = h.ex.apply(parse_command({"op": "limit", "id": "b1", "user": "bob",
                                    "symbol": "BTC-IRR", "side": "buy", "price": P, "qty": "1"}))
    assert out.code is ResultCode.ACCEPTED and out.reason is None and out.accepted
    kinds = [type(e).__name__ for e in out.events]
    assert kinds == ["OrderNew", "OrderQueued", "LedgerMoved", "OrderActive", "Trade",
                     "OrderFilled", "OrderFilled"]     # the move: b1's hold
    [t] = out.trades()
    assert (t.maker.cid, t.taker.cid, t.taker_side) == ("a1", "b1", "buy")
    assert [m.kind for m in moves_of(out)].count("fee") == 2
    assert {m.dst for m in moves_of(out)} >= {"alice", "bob", "@fees"}
    assert journal_rows(out.events)[3] == ("trade", t.id)
    again = h.ex.apply(parse_command({"op": "cancel", "id": "b1", "user": "bob"}))
    assert (again.code, again.reason) == (ResultCode.ORDER_CLOSED, "order 'b1' is already filled")
    assert again.events == []


def moves_of(outcome):
    return ledger_moves(outcome.events)


def test_an_order_resting_at_its_own_seq_shares_one_int_for_oid_and_rank():
    """Memory (issue 16: 1M resting orders under 500 MB): the rank given at the seq that
    placed the order is the oid's own int object, not a second one (the compiled engine
    once kept the sequence counters as C integers and paid 32 bytes a resting order)."""
    from souq.engine.exchange import Exchange
    from souq.engine.workload import resting, setup
    ex = Exchange()
    for o in setup(100):            # 301 commands: past the small ints Python shares anyway
        assert ex.apply(parse_command(o)).accepted
    for o in resting(50, 100):
        assert ex.apply(parse_command(o)).accepted
    live = [o for u in ex.users.values() for o in u.open_orders()]
    assert len(live) == 50 and min(o.oid for o in live) > 256
    assert all(o.rank == o.oid and o.rank is o.oid for o in live)
