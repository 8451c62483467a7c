"""Issue 10 item 2: a suspended user keeps no live order and never trades.

The rule (README, "Accounts"): `user suspend` cancels every open order and untriggered stop
of the user in the same command, releasing their holds; a stop of a suspended user never
triggers into a trade."""
def test_reproducer_suspended_alice_neither_makes_nor_takes(souq):
    souq.feed(
        {"op": "symbol", "symbol": "X-Y", "base": "X", "quote": "Y", "tick_size": "1",
         "qty_step": "1"},
        {"op": "user", "user": "alice"}, {"op": "user", "user": "bob"},
        {"op": "deposit", "user": "alice", "asset": "Y", "amount": "1000"},
        {"op": "deposit", "user": "bob", "asset": "X", "amount": "10"},
        {"op": "limit", "id": "b0", "user": "bob", "symbol": "X-Y", "side": "sell",
         "price": "100", "qty": "1"},
        {"op": "market", "id": "a0", "user": "alice", "symbol": "X-Y", "side": "buy", "qty": "1"},
    )   # one trade at 100: the last price a stop compares with; alice paid the default
    # 0.2 % taker fee, 0.2 Y exactly (Y has no precision set), and each buy below holds its
    # cost plus that fee: 100 + 0.2 for a1, 101 + 0.202 for the stop a2
    souq.ok("order", "place", "X-Y", "buy", "1", "--price", "100", "--id", "a1", as_user="alice")
    souq.ok("order", "place", "X-Y", "buy", "1", "--type", "stop_market", "--stop", "101",
            "--id", "a2", as_user="alice")
    assert souq.json("wallets", "--user", "alice") == [
        {"user": "alice", "asset": "X", "balance": "1", "hold": "0", "available": "1"},
        {"user": "alice", "asset": "Y", "balance": "899.8", "hold": "201.402",
         "available": "698.398"}]
    assert souq.ok("user", "suspend", "alice") == \
        "user alice suspended, 2 open orders cancelled (seq 10)\n"
    orders = {o["client_id"]: o for o in souq.json("orders", "--user", "alice")}
    assert [(orders[c]["status"], orders[c]["reason"]) for c in ("a1", "a2")] == [
        ("cancelled", "user alice suspended"), ("cancelled", "user alice suspended")]
    out = souq.ok("order", "place", "X-Y", "sell", "1", "--price", "100", "--id", "b2",
                  as_user="bob")
    assert "active, filled 0" in out and "trade" not in out, out
    out = souq.ok("order", "place", "X-Y", "sell", "1", "--type", "market", "--id", "b3",
                  as_user="bob")
    assert "trade" not in out, out
    assert [t["seq"] for t in souq.json("trades")] == [1]
    assert souq.json("wallets", "--user", "alice") == [
        {"user": "alice", "asset": "X", "balance": "1", "hold": "0", "available": "1"},
        {"user": "alice", "asset": "Y", "balance": "899.8", "hold": "0", "available": "899.8"}]
    assert souq.json("book", "X-Y")["bids"] == []
    souq.ok("check")
