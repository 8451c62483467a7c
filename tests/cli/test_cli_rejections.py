"""Bad input and missing rights through the real `souq` script: every failure exits
non-zero with one stderr line naming the problem, changes no balance, and an order that
got as far as the exchange is kept as "rejected" with its reason."""
PLACE = ("order", "place", "BTC-IRR")
PRICE = "100000000"

# A number or symbol typed wrong is refused at the edge instead, nothing journalled:
# tests/cli/test_cli_edge_refusals.py.

# (client id, arguments after `order place`, reason). A business rule refused it: the
# order is recorded as rejected with the reason.
REJECTED_ORDERS = [
    ("q-step", ("BTC-IRR", "buy", "0.00015", "-p", PRICE),
     "qty 0.00015 is not a multiple of the step 0.0001"),
    ("q-max", ("BTC-IRR", "buy", "101", "-p", PRICE), "qty 101 is above the maximum 100"),
    ("p-tick", ("BTC-IRR", "buy", "0.1", "-p", "100000500"),
     "price 100000500 is not a multiple of the tick 1000"),
    ("s-tick", ("BTC-IRR", "buy", "0.1", "-p", PRICE, "--stop", "100000500"),
     "stop_price 100000500 is not a multiple of the tick 1000"),
    ("band", ("BTC-IRR", "buy", "0.1", "-p", "106000000"),
     "price 106000000 is outside the daily band 95000000-105000000"),
    ("band-lo", ("BTC-IRR", "sell", "0.1", "-p", "94999000"),
     "price 94999000 is outside the daily band 95000000-105000000"),
    ("post", ("BTC-IRR", "buy", "0.1", "-p", PRICE, "--tif", "post_only"),
     "post-only order would cross the book at 100000000"),
    ("fok", ("BTC-IRR", "buy", "2", "-p", PRICE, "--tif", "fok"),
     "fill-or-kill order cannot be filled whole (qty 2)"),
    ("funds", ("BTC-IRR", "buy", "50", "-p", PRICE),   # bob holds 9,919,800 for b-dup
     "insufficient available IRR: needs 5010000000, has 1990080200"),
    ("funds-btc", ("BTC-IRR", "sell", "10.0001", "-p", "101000000"),
     "insufficient available BTC: needs 10.0001, has 10"),
    ("mkt-tif", ("BTC-IRR", "buy", "0.1", "--tif", "day"),
     "time in force day does not apply to market orders"),
]

# The reasons as the CLI prints them for people: numbers grouped (mm.display.grouped_text);
# the journal and --json keep the exact text above. Reasons without a long number read alike.
SHOWN = {
    "p-tick": "price 100,000,500 is not a multiple of the tick 1,000",
    "s-tick": "stop_price 100,000,500 is not a multiple of the tick 1,000",
    "band": "price 106,000,000 is outside the daily band 95,000,000-105,000,000",
    "band-lo": "price 94,999,000 is outside the daily band 95,000,000-105,000,000",
    "post": "post-only order would cross the book at 100,000,000",
    "funds": "insufficient available IRR: needs 5,010,000,000, has 1,990,080,200",
}

# (arguments, acting user, error text). Refused before an order exists.
REFUSED = [
    (PLACE + ("buy", "0.1", "-p", PRICE, "--id", "b-dup"), "bob",      # at the edge, like
     "error: duplicate client order id 'b-dup' for bob"),                # an unknown id
    (PLACE + ("buy", "0.1", "-p", PRICE, "--user", "ghost", "--id", "g1"), None,
     "error: unknown user 'ghost'"),
    (PLACE + ("buy", "0.1", "-p", PRICE, "--id", "g2"), "ghost",
     "error: unknown user 'ghost'"),            # refused by the permission table
    (PLACE + ("hold", "0.1", "-p", PRICE, "--id", "x1"), "bob", "side 'hold' must be buy or sell"),
    (PLACE + ("buy", "0.1", "-p", PRICE, "--tif", "gtd", "--id", "x2"), "bob",
     "tif 'gtd' is not one of gtc, ioc, fok, day, post_only"),
    (PLACE + ("buy", "0.1", "--type", "limit", "--id", "x3"), "bob", "a limit order needs --price"),
    (PLACE + ("buy", "0.1", "-p", PRICE, "--type", "market", "--id", "x4"), "bob",
     "a market order takes no --price"),
    (PLACE + ("buy", "0.1", "--type", "stop_market", "--id", "x5"), "bob",
     "a stop_market order needs --stop"),
    (PLACE + ("buy", "0.1", "--type", "iceberg", "--id", "x6"), "bob",
     "order type 'iceberg' is not one of limit, market, stop_limit, stop_market"),
    (PLACE + ("buy", "0.1", "-p", PRICE, "--id", "has space"), "bob",
     "id 'has space' must be 1-64 printable characters"),
    (PLACE + ("buy", "0.1", "-p", PRICE), None,
     "say whose order this is with --user NAME (or act as a user with --as NAME)"),
    (PLACE + ("buy",), "bob", "Missing argument 'qty'"),
]


def limit(cid, user, side, qty, price):
    return {"op": "limit", "id": cid, "user": user, "symbol": "BTC-IRR", "side": side,
            "price": price, "qty": qty}


def test_bad_orders_fail_with_one_line_and_are_kept_as_rejected(market):
    market.feed(limit("ask", "alice", "sell", "1", PRICE),
                limit("b-dup", "bob", "buy", "0.1", "99000000"))
    before = market.json("wallets")
    cases = [(("order", "place", *args, "--id", cid), "bob",
              f"order rejected: {SHOWN.get(cid, reason)}") for cid, args, reason in REJECTED_ORDERS]
    market.fail_all(cases + REFUSED)
    # the whole line, exactly, for one of them
    r = market.run(*PLACE, "buy", "0.1", "-p", "106000000", "--id", "band2", as_user="bob")
    assert (r.returncode, r.stderr) == (1, "error: order rejected: price 106,000,000 is outside "
                                           "the daily band 95,000,000-105,000,000\n")

    after, orders = market.jsons(("wallets",), ("orders",))
    assert after == before
    got = {o["client_id"]: (o["user"], o["status"], o["reason"]) for o in orders}
    want = {cid: ("bob", "rejected", reason) for cid, _, reason in REJECTED_ORDERS}
    want.update({"ask": ("alice", "active", None), "b-dup": ("bob", "active", None),
                 "band2": ("bob", "rejected",
                           "price 106000000 is outside the daily band 95000000-105000000")})
    assert got == want
    assert market.ok("check").startswith("ok: ")


def test_a_trader_has_only_their_own_rights(market):
    market.feed(limit("b1", "bob", "buy", "0.1", "99000000"),
                limit("a1", "alice", "sell", "0.1", "101000000"))
    before_wallets, before_orders = market.jsons(("wallets",), ("orders",))
    admin_only = "only an admin may"
    market.fail_all([
        (("symbol", "add", "FOO-IRR", "--base", "FOO", "--quote", "IRR", "--tick", "1",
          "--step", "1"), "alice",
         f"{admin_only} add symbols; alice is a trader"),
        (("symbol", "deactivate", "BTC-IRR"), "alice",
         f"{admin_only} change symbols; alice is a trader"),
        (("deposit", "alice", "IRR", "100"), "alice",
         f"{admin_only} move deposits; alice is a trader"),
        (("withdraw", "bob", "IRR", "100"), "alice",
         f"{admin_only} move withdrawals; alice is a trader"),
        (("user", "add", "eve"), "alice",
         f"{admin_only} add users; alice is a trader"),
        (("user", "suspend", "bob"), "alice",
         f"{admin_only} suspend or reinstate users; alice is a trader"),
        (("user", "list"), "alice", f"{admin_only} list users; alice is a trader"),
        (("session", "close", "BTC-IRR"), "alice",
         f"{admin_only} close sessions; alice is a trader"),
        (("session", "open", "BTC-IRR"), "alice",
         f"{admin_only} open sessions; alice is a trader"),
        (("orders", "--user", "bob"), "alice", "alice may not see bob's data"),
        (("trades", "--user", "bob"), "alice", "alice may not see bob's data"),
        (("wallets", "--user", "bob"), "alice", "alice may not see bob's data"),
        (("ledger", "--user", "bob"), "alice", "alice may not see bob's data"),
        (PLACE + ("buy", "0.1", "-p", "99000000", "--user", "bob", "--id", "x"), "alice",
         "error: alice may not act for bob"),
        (("order", "cancel", "b1", "--user", "bob"), "alice", "error: alice may not act for bob"),
        (("order", "cancel", "b1"), "alice", "error: unknown order id 'b1' for alice"),
        (("order", "cancel-all", "--user", "bob"), "alice", "error: alice may not act for bob"),
        (("orders",), "ghost", "unknown user 'ghost'"),
        (("wallets",), "@fees", "unknown user '@fees'"),
        (PLACE + ("buy", "0.1", "-p", "99000000", "--id", "f1"), "@fees",
         "unknown user '@fees'"),
    ])
    after_wallets, after_orders = market.jsons(("wallets",), ("orders",))
    mine, my_wallets, my_trades, book = market.jsons(
        ("orders",), ("wallets",), ("trades",), ("book", "BTC-IRR"), as_user="alice")
    assert after_wallets == before_wallets
    assert after_orders == before_orders
    assert [o["client_id"] for o in mine] == ["a1"]
    assert {w["user"] for w in my_wallets} == {"alice"}
    assert my_trades == []
    assert book["bids"] == [{"price": "99000000", "qty": "0.1", "orders": 1}]
