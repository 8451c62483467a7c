"""Order entry and the read commands through the real `souq` script, on the `market`
fixture (BTC-IRR, tick 1000, step 0.0001, band 95,000,000-105,000,000, fees 0.1 %/0.2 %;
alice, bob and carol with 10 BTC and 2,000,000,000 IRR each; journal at seq 10)."""
from decimal import Decimal

PLACE = ("order", "place", "BTC-IRR")


def wallet(user, asset, balance, hold="0"):
    avail = Decimal(balance) - Decimal(hold)
    return {"user": user, "asset": asset, "balance": balance, "hold": hold,
            "available": format(avail.normalize() if avail != avail.to_integral_value()
                                else avail.quantize(1), "f")}


def limit(cid, user, side, qty, price, **extra):
    return {"op": "limit", "id": cid, "user": user, "symbol": "BTC-IRR", "side": side,
            "price": price, "qty": qty, **extra}


def by_cid(orders):
    return {o["client_id"]: o for o in orders}


def test_limit_orders_trade_at_the_makers_price_with_exact_fees(market):
    out = market.ok(*PLACE, "sell", "1", "-p", "100000000", "--id", "a1", as_user="alice")
    assert out == ("order 11 [a1] alice BTC-IRR sell 1.0000 @ 100,000,000 limit gtc: active, "
                   "filled 0.0000\n")
    placed = market.json(*PLACE, "buy", "0.4", "-p", "100000000", "--id", "b1", as_user="bob")
    trade = {"seq": 1, "symbol": "BTC-IRR", "price": "100000000", "qty": "0.4", "maker": "a1",
             "taker": "b1", "maker_user": "alice", "taker_user": "bob", "maker_fee": "40000",
             "taker_fee": "80000"}
    assert placed == {
        "seq": 12, "status": "accepted", "reason": None, "trades": [trade],
        "order": {"id": 12, "user": "bob", "client_id": "b1", "symbol": "BTC-IRR",
                  "side": "buy", "type": "limit", "tif": "gtc", "stp": "none",
                  "price": "100000000", "stop_price": None, "qty": "0.4", "filled": "0.4",
                  "cost": "40000000", "status": "filled", "reason": None, "hold": "0"}}

    orders, trades, book, wallets, bobs, partial, none, carols = market.jsons(
        ("orders",), ("trades",), ("book", "BTC-IRR"), ("wallets",), ("orders", "--user", "bob"),
        ("orders", "--status", "partial"), ("orders", "--status", "cancelled"),
        ("trades", "--user", "carol"))
    a1 = {"id": 11, "user": "alice", "client_id": "a1", "symbol": "BTC-IRR", "side": "sell",
          "type": "limit", "tif": "gtc", "price": "100000000", "stop_price": None, "qty": "1",
          "filled": "0.4", "avg_price": "100000000", "status": "partial", "reason": None}
    b1 = {"id": 12, "user": "bob", "client_id": "b1", "symbol": "BTC-IRR", "side": "buy",
          "type": "limit", "tif": "gtc", "price": "100000000", "stop_price": None, "qty": "0.4",
          "filled": "0.4", "avg_price": "100000000", "status": "filled", "reason": None}
    assert orders == [a1, b1]
    assert (bobs, partial, none) == ([b1], [a1], [])
    assert trades == [trade] and carols == []
    assert book == {"symbol": "BTC-IRR", "bids": [],
                    "asks": [{"price": "100000000", "qty": "0.6", "orders": 1}]}
    assert wallets == [
        wallet("@fees", "IRR", "120000"),
        wallet("alice", "BTC", "9.6", hold="0.6"), wallet("alice", "IRR", "2039960000"),
        wallet("bob", "BTC", "10.4"), wallet("bob", "IRR", "1959920000"),
        wallet("carol", "BTC", "10"), wallet("carol", "IRR", "2000000000")]
    ledger = market.json("ledger", "--user", "bob", "--asset", "IRR")
    assert [(r["kind"], r["from_user"], r["from_bucket"], r["to_user"], r["to_bucket"],
             r["amount"]) for r in ledger] == [
        ("deposit", "@world", "available", "bob", "available", "2000000000"),
        ("hold", "bob", "available", "bob", "held", "40080000"),
        ("trade", "bob", "held", "alice", "available", "40000000"),
        ("fee", "bob", "held", "@fees", "available", "80000")]
    table = market.ok("book", "BTC-IRR")      # people read ticks and steps, grouped
    assert "│ 100,000,000 │  0.6000 │" in table
    tables = [market.ok(*c) for c in (("wallets", "--user", "alice"), ("orders",), ("trades",),
                                      ("ledger", "--user", "bob", "--asset", "IRR"))]
    assert "│ alice │ IRR   │ 2,039,960,000 │      0 │ 2,039,960,000 │" in tables[0]
    # an average price shows the digits it has beyond the tick: none here
    assert "│ 100,000,000 │            │ 1.0000 │ 0.4000 │ 100,000,000 │" in tables[1]
    assert "│ 100,000,000 │ 0.4000 │ alice" in tables[2] and "│    40,000 │    80,000 │" in tables[2]
    assert "│ 2,000,000,000 │" in tables[3] and "│        80,000 │ 1   │" in tables[3]


def test_market_order_sweeps_and_triggers_a_stop(market):
    market.feed(limit("a1", "alice", "sell", "0.5", "100000000"),
                limit("a2", "alice", "sell", "0.5", "100001000"))
    out = market.ok(*PLACE, "buy", "0.2", "--stop", "100001000", "--id", "c1", as_user="carol")
    assert out == ("order 13 [c1] carol BTC-IRR buy 0.2000 stop 100,001,000 stop_market gtc: "
                   "queued, filled 0.0000\n")
    out = market.ok(*PLACE, "sell", "0.1", "--stop", "96000000", "-p", "95000000", "--id", "c2",
                    as_user="carol")
    assert out == ("order 14 [c2] carol BTC-IRR sell 0.1000 @ 95,000,000 stop 96,000,000 stop_limit "
                   "gtc: queued, filled 0.0000\n")
    out = market.ok(*PLACE, "buy", "0.6", "--id", "b1", as_user="bob")
    assert out.splitlines() == [
        "order 15 [b1] bob BTC-IRR buy 0.6000 market gtc: filled, filled 0.6000",
        "  trade 1: 0.5000 @ 100,000,000 (maker alice/a1, taker bob/b1)",
        "  trade 2: 0.1000 @ 100,001,000 (maker alice/a2, taker bob/b1)",
        "  trade 3: 0.2000 @ 100,001,000 (maker alice/a2, taker carol/c1)"]
    # nothing to sell into: a market order's rest is cancelled, never left resting
    out = market.ok(*PLACE, "sell", "0.1", "--id", "b2", as_user="bob")
    assert out == ("order 16 [b2] bob BTC-IRR sell 0.1000 market gtc: cancelled, filled 0.0000 "
                   "(market order: no more liquidity within reach; rest cancelled)\n")

    orders, trades, wallets = market.jsons(("orders",), ("trades",), ("wallets",))
    assert {k: (o["type"], o["status"], o["filled"], o["avg_price"])
            for k, o in by_cid(orders).items()} == {
        "a1": ("limit", "filled", "0.5", "100000000"),
        "a2": ("limit", "partial", "0.3", "100001000"),
        "c1": ("stop_market", "filled", "0.2", "100001000"),
        "c2": ("stop_limit", "queued", "0", None),
        "b1": ("market", "filled", "0.6", "100000166.666666667"),
        "b2": ("market", "cancelled", "0", None)}
    assert [(t["seq"], t["price"], t["qty"], t["maker_fee"], t["taker_fee"]) for t in trades] == [
        (1, "100000000", "0.5", "50000", "100000"),
        (2, "100001000", "0.1", "10000.1", "20000.2"),
        (3, "100001000", "0.2", "20000.2", "40000.4")]
    assert wallets == [
        wallet("@fees", "IRR", "240000.9"),
        wallet("alice", "BTC", "9.2", hold="0.2"), wallet("alice", "IRR", "2079920299.7"),
        wallet("bob", "BTC", "10.6"), wallet("bob", "IRR", "1939879899.8"),
        wallet("carol", "BTC", "10.2", hold="0.1"), wallet("carol", "IRR", "1979959799.6")]

    out = market.ok("order", "cancel", "c2", as_user="carol")
    assert out == ("order 14 [c2] carol BTC-IRR sell 0.1000 @ 95,000,000 stop 96,000,000 stop_limit "
                   "gtc: cancelled, filled 0.0000 (cancelled by user)\n")
    assert market.json("wallets", "--user", "carol")[0] == wallet("carol", "BTC", "10.2")
    assert market.ok("check").startswith("ok: 17 journal entries replayed")


def test_time_in_force(market):
    market.ok(*PLACE, "sell", "0.5", "-p", "100000000", "--id", "a1", as_user="alice")
    out = market.ok(*PLACE, "buy", "1", "-p", "100000000", "--tif", "ioc", "--id", "ioc",
                    as_user="bob")
    assert out.splitlines()[0] == ("order 12 [ioc] bob BTC-IRR buy 1.0000 @ 100,000,000 limit ioc: "
                                   "cancelled, filled 0.5000 (immediate-or-cancel: unfilled rest "
                                   "cancelled)")
    market.fails(*PLACE, "buy", "1", "-p", "100000000", "--tif", "fok", "--id", "fok1",
                 as_user="bob",
                 match="order rejected: fill-or-kill order cannot be filled whole (qty 1)")
    market.ok(*PLACE, "sell", "0.3", "-p", "100000000", "--id", "a2", as_user="alice")
    market.ok(*PLACE, "buy", "0.3", "-p", "100000000", "--tif", "fok", "--id", "fok2",
              as_user="bob")
    market.ok(*PLACE, "sell", "0.2", "-p", "101000000", "--id", "a3", as_user="alice")
    market.fails(*PLACE, "buy", "0.1", "-p", "101000000", "--tif", "post_only", "--id", "po1",
                 as_user="bob",
                 match="order rejected: post-only order would cross the book at 101,000,000")
    market.ok(*PLACE, "buy", "0.1", "-p", "100000000", "--tif", "post_only", "--id", "po2",
              as_user="bob")
    orders, bob = market.jsons(("orders", "--user", "bob"), ("wallets", "--user", "bob"))
    assert [(o["client_id"], o["tif"], o["status"], o["filled"], o["reason"]) for o in orders] == [
        ("ioc", "ioc", "cancelled", "0.5", "immediate-or-cancel: unfilled rest cancelled"),
        ("fok1", "fok", "rejected", "0", "fill-or-kill order cannot be filled whole (qty 1)"),
        ("fok2", "fok", "filled", "0.3", None),
        ("po1", "post_only", "rejected", "0", "post-only order would cross the book at 101000000"),
        ("po2", "post_only", "active", "0", None)]
    # bought 0.8 at 100,000,000 with the 0.2 % taker fee; po2 holds 0.1 x price + 0.2 %
    assert bob == [wallet("bob", "BTC", "10.8"),
                   wallet("bob", "IRR", "1919840000", hold="10020000")]


def test_self_trade_prevention(market):
    market.ok(*PLACE, "sell", "0.5", "-p", "100000000", "--id", "a1", as_user="alice")
    out = market.ok(*PLACE, "buy", "0.2", "-p", "100000000", "--stp", "cancel_newest",
                    "--id", "a2", as_user="alice")
    assert out == ("order 12 [a2] alice BTC-IRR buy 0.2000 @ 100,000,000 limit gtc: cancelled, "
                   "filled 0.0000 (self-trade prevention: newest order cancelled)\n")
    market.ok(*PLACE, "buy", "0.2", "-p", "100000000", "--stp", "cancel_oldest", "--id", "a3",
              as_user="alice")
    market.ok(*PLACE, "sell", "0.1", "-p", "100000000", "--stp", "cancel_both", "--id", "a4",
              as_user="alice")
    market.ok(*PLACE, "sell", "0.1", "-p", "100000000", "--id", "b1", as_user="bob")
    market.ok(*PLACE, "buy", "0.1", "-p", "100000000", "--stp", "cancel_newest", "--id", "a5",
              as_user="alice")
    market.fails(*PLACE, "buy", "0.1", "-p", "100000000", "--stp", "bogus", "--id", "a6",
                 as_user="alice",
                 match="stp 'bogus' is not one of none, cancel_newest, cancel_oldest, cancel_both")
    orders, trades, alice = market.jsons(("orders",), ("trades",), ("wallets", "--user", "alice"))
    assert [(o["client_id"], o["status"], o["filled"], o["reason"]) for o in orders] == [
        ("a1", "cancelled", "0", "self-trade prevention: oldest order cancelled"),
        ("a2", "cancelled", "0", "self-trade prevention: newest order cancelled"),
        # cancel_both: the resting one and the incoming one, each saying both went
        ("a3", "cancelled", "0", "self-trade prevention: both orders cancelled"),
        ("a4", "cancelled", "0", "self-trade prevention: both orders cancelled"),
        ("b1", "filled", "0.1", None),
        ("a5", "filled", "0.1", None)]
    assert [(t["maker"], t["taker"]) for t in trades] == [("b1", "a5")]
    assert alice == [wallet("alice", "BTC", "10.1"), wallet("alice", "IRR", "1989980000")]


def test_cancel_and_cancel_all(market):
    market.feed(limit("a1", "alice", "buy", "0.1", "99000000"),
                limit("a2", "alice", "buy", "0.1", "98000000"),
                limit("a3", "alice", "sell", "0.1", "101000000"),
                limit("c1", "carol", "buy", "0.1", "100000000"),
                limit("b1", "bob", "sell", "0.1", "100000000"),     # fills c1
                limit("b2", "bob", "sell", "0.1", "102000000"))
    out = market.ok("order", "cancel", "a1", as_user="alice")
    assert out == ("order 11 [a1] alice BTC-IRR buy 0.1000 @ 99,000,000 limit gtc: cancelled, "
                   "filled 0.0000 (cancelled by user)\n")
    market.fail_all([
        (("order", "cancel", "a1"), "alice", "cancel rejected: order 'a1' is already cancelled"),
        (("order", "cancel", "c1"), "carol", "cancel rejected: order 'c1' is already filled"),
        (("order", "cancel", "zz"), "carol", "error: unknown order id 'zz' for carol"),
        (("order", "cancel", "b2"), None, "say whose order this is with --user NAME"),
        (("order", "cancel-all", "--symbol", "NOPE"), "alice",
         "error: unknown symbol 'NOPE'"),
        (("orders", "--status", "bogus"), "alice", "status 'bogus' is not one of new, queued"),
        (("book", "NOPE"), "alice", "unknown symbol 'NOPE'"),
        (("--db", market.db.parent / "no" / "such.db", "wallets"), None,
         "does not exist"),      # db/dbfile.py names the missing folder
    ])
    assert market.ok("order", "cancel-all", "--symbol", "BTC-IRR", as_user="alice") == \
        "cancelled 2 orders of alice\n"
    assert market.ok("order", "cancel", "b2", "--user", "bob") == (
        "order 16 [b2] bob BTC-IRR sell 0.1000 @ 102,000,000 limit gtc: cancelled, filled 0.0000 "
        "(cancelled by @operator)\n")
    assert market.ok("order", "cancel-all", as_user="alice") == "cancelled 0 orders of alice\n"
    orders, book, wallets = market.jsons(("orders",), ("book", "BTC-IRR"), ("wallets",))
    assert [(o["client_id"], o["status"], o["reason"]) for o in orders] == [
        ("a1", "cancelled", "cancelled by user"),
        ("a2", "cancelled", "cancelled by user (cancel all)"),
        ("a3", "cancelled", "cancelled by user (cancel all)"),
        ("c1", "filled", None), ("b1", "filled", None),
        ("b2", "cancelled", "cancelled by @operator")]
    assert book == {"symbol": "BTC-IRR", "bids": [], "asks": []}
    assert all(w["hold"] == "0" for w in wallets)
    assert wallets == [
        wallet("@fees", "IRR", "30000"),
        wallet("alice", "BTC", "10"), wallet("alice", "IRR", "2000000000"),
        wallet("bob", "BTC", "9.9"), wallet("bob", "IRR", "2009980000"),
        wallet("carol", "BTC", "10.1"), wallet("carol", "IRR", "1989990000")]


def test_symbol_deactivate_rejects_new_orders(market):
    assert market.ok("symbol", "deactivate", "BTC-IRR") == "symbol BTC-IRR inactive (seq 11)\n"
    market.fails(*PLACE, "buy", "0.1", "-p", "100000000", "--id", "x1", as_user="alice",
                 match="order rejected: symbol BTC-IRR is inactive")
    assert market.ok("symbol", "activate", "BTC-IRR") == "symbol BTC-IRR active (seq 13)\n"
    market.ok(*PLACE, "buy", "0.1", "-p", "100000000", "--id", "x2", as_user="alice")
    assert [(o["client_id"], o["status"], o["reason"]) for o in market.json("orders")] == [
        ("x1", "rejected", "symbol BTC-IRR is inactive"), ("x2", "active", None)]
