"""`souq order amend` and `souq asset precision` through the real script, on the `market`
fixture (BTC-IRR, tick 1000, step 0.0001, fees 0.1 %/0.2 %; alice, bob and carol with
10 BTC and 2,000,000,000 IRR each). The database is checked clean after each, so the
journal, the projections and a rebuild agree."""
PLACE = ("order", "place", "BTC-IRR")


def by_cid(orders):
    return {o["client_id"]: o for o in orders}


def test_amend_keeps_or_loses_time_priority_and_survives_a_rebuild(market):
    market.ok(*PLACE, "buy", "1", "-p", "100000000", "--id", "a1", as_user="alice")
    market.ok(*PLACE, "buy", "1", "-p", "100000000", "--id", "c1", as_user="carol")
    out = market.ok("order", "amend", "a1", "--qty", "0.4", as_user="alice")
    assert out == ("order 11 [a1] alice BTC-IRR buy 0.4000 @ 100,000,000 limit gtc: active, "
                   "filled 0.0000\n  time priority kept\n")
    [w] = [w for w in market.json("wallets", "--user", "alice") if w["asset"] == "IRR"]
    assert (w["hold"], w["available"]) == ("40080000", "1959920000")
    # a new process rebuilds the book from the tables: alice (reduced) is still first
    out = market.ok(*PLACE, "sell", "0.5", "-p", "100000000", "--id", "b1", as_user="bob")
    assert "trade 1: 0.4000 @ 100,000,000 (maker alice/a1, taker bob/b1)" in out
    assert "trade 2: 0.1000 @ 100,000,000 (maker carol/c1, taker bob/b1)" in out
    # a new price goes to the back, even back at the old price
    market.ok(*PLACE, "buy", "1", "-p", "99000000", "--id", "a2", as_user="alice")
    out = market.ok("order", "amend", "a2", "--price", "100000000", as_user="alice")
    assert out.endswith("time priority lost: at the back of its price level\n")
    book = market.json("book", "BTC-IRR")
    assert book["bids"][0]["price"] == "100000000" and book["bids"][0]["qty"] == "1.9"
    orders = by_cid(market.json("orders", "--user", "alice"))
    assert (orders["a2"]["price"], orders["a2"]["qty"]) == ("100000000", "1")
    out = market.ok(*PLACE, "sell", "1", "-p", "100000000", "--id", "b2", as_user="bob")
    assert "(maker carol/c1, taker bob/b2)" in out.splitlines()[1]
    assert market.ok("check").startswith("ok:")


def test_amend_refusals_are_one_line_and_change_nothing(market):
    market.ok(*PLACE, "sell", "1", "-p", "100000000", "--id", "a1", as_user="alice")
    before = market.json("wallets")
    market.fails("order", "amend", "a1", as_user="alice", match="say what to change")
    market.fails("order", "amend", "a1", "--qty", "30", as_user="alice",
                 match="amend rejected: insufficient available BTC to amend: needs 29 more, has 9")
    market.fails("order", "amend", "a1", "--qty", "1", "--user", "alice", as_user="bob",
                 match="error: bob may not act for alice")
    market.fails("order", "amend", "a1", "--price", "1e9", as_user="alice",
                 match="uses exponent notation")
    assert market.json("wallets") == before
    assert market.ok("check").startswith("ok:")


def test_asset_precision_rounds_fees_up_and_is_the_operators(market):
    market.fails("asset", "precision", "IRR", "0", as_user="alice",
                 match="only an admin may set asset precisions")
    market.fails("asset", "precision", "IRR", "-1", match="must be a whole number")
    assert market.ok("asset", "precision", "IRR", "0") == "IRR precision 0 decimal places (seq 11)\n"
    assert market.json("asset", "list") == [
        {"asset": "BTC", "precision": 18, "set": False},
        {"asset": "IRR", "precision": 0, "set": True}]
    market.ok(*PLACE, "sell", "0.0001", "-p", "100001000", "--id", "a1", as_user="alice")
    market.ok(*PLACE, "buy", "0.0001", "-p", "100001000", "--id", "b1", as_user="bob")
    [t] = market.json("trades")
    # notional 10,000.1 IRR: 0.1 % = 10.0001 -> 11, 0.2 % = 20.0002 -> 21
    assert (t["maker_fee"], t["taker_fee"]) == ("11", "21")
    assert market.ok("check").startswith("ok:")
