"""/ws against a real `souq serve` with a real websockets client: public book deltas
numbered after a snapshot, trades and tickers; private channels only after auth; a
resubscribe gives a snapshot consistent with the deltas; writes by the CLI show too."""
import json
from decimal import Decimal

import pytest
from websockets.sync.client import connect

from gw_kit import Client, apply, levels

pytestmark = pytest.mark.slow
P = "100000000"


class Ws:
    def __init__(self, server) -> None:
        self.ws = connect(server.ws_url, open_timeout=120)

    def send(self, **msg) -> None:
        self.ws.send(json.dumps(msg))

    def next(self, **match) -> dict:
        """The next message whose fields equal `match` (others are skipped)."""
        while True:
            msg = json.loads(self.ws.recv(timeout=120))
            if all(msg.get(k) == v for k, v in match.items()):
                return msg

    def collect(self, *wanted: tuple) -> dict:
        """The first message of each (channel, type) in `wanted`, in whatever order they
        come (type None: any type)."""
        got: dict = {}
        while len(got) < len(wanted):
            msg = json.loads(self.ws.recv(timeout=120))
            for w in wanted:
                if w not in got and msg.get("channel") == w[0] and w[1] in (None, msg.get("type")):
                    got[w] = msg
                    break
        return got

    def close(self) -> None:
        self.ws.close()


def test_public_book_trades_and_ticker(server, clients, gw_market):
    ws = Ws(server)
    ws.send(op="subscribe", channel="book", symbol="BTC-IRR")
    ws.send(op="subscribe", channel="trades", symbol="BTC-IRR")
    ws.send(op="subscribe", channel="ticker", symbol="BTC-IRR")
    snap = ws.next(channel="book", type="snapshot")
    book, seq = levels(snap), snap["seq"]
    ws.next(channel="ticker", type="snapshot")
    carol = clients["carol"]
    r = carol.post("/orders", json={"symbol": "BTC-IRR", "side": "sell", "price": "102000000",
                                    "quantity": "0.3"})
    assert r.status_code == 201, r.text
    delta = ws.next(channel="book", type="delta")
    assert delta["seq"] == seq + 1
    apply(book, delta)
    assert Decimal(book["asks"]["102000000"]) >= Decimal("0.3")
    # a write by another process (the CLI) reaches the stream through the journal
    gw_market.ok("order", "place", "BTC-IRR", "buy", "0.1", "-p", "102000000", as_user="alice")
    got = ws.collect(("trades", None), ("ticker", "update"), ("book", "delta"))
    trades, tick, delta2 = got[("trades", None)], got[("ticker", "update")], got[("book", "delta")]
    assert [(t["price"], t["quantity"], t["taker_side"]) for t in trades["trades"]] == \
        [("102000000", "0.1", "buy")]
    assert trades["trades"][0].get("maker_user") is None      # the public tape names nobody
    assert tick["last"] == "102000000"
    assert delta2["seq"] == delta["seq"] + 1
    apply(book, delta2)
    # resubscribing gives a snapshot equal to snapshot + deltas, at the same number
    ws.send(op="subscribe", channel="book", symbol="BTC-IRR")
    again = ws.next(channel="book", type="snapshot")
    assert again["seq"] == delta2["seq"] and levels(again) == book
    rest = clients["boss"].http.get("/book/BTC-IRR", params={"depth": 1000}).json()
    assert {s: {x["price"]: x["quantity"] for x in rest[s]} for s in ("bids", "asks")} == book
    ws.close()


def test_private_channels_need_auth_and_carry_only_own_data(server, clients, keys):
    ws = Ws(server)
    ws.send(op="subscribe", channel="orders")
    err = ws.next(type="error")
    assert err["detail"].startswith("channel orders is private: authenticate first")
    ws.send(op="auth", token="forged.token.here")
    assert "not valid" in ws.next(type="error")["detail"]
    bob = Client(server, keys["bob"])
    ws.send(op="auth", token=bob.tokens["access_token"])
    assert ws.next(type="authenticated")["user_id"] == "bob"
    for channel in ("orders", "fills", "wallets"):
        ws.send(op="subscribe", channel=channel)
    ws.next(channel="orders", type="snapshot")
    wallets = ws.next(channel="wallets", type="snapshot")
    assert {w["user_id"] for w in wallets["wallets"]} == {"bob"}
    clients["alice"].post("/orders", json={"symbol": "BTC-IRR", "side": "buy", "price": "99000000",
                                           "quantity": "0.1"})
    r = bob.post("/orders", json={"symbol": "BTC-IRR", "side": "sell", "price": "99000000",
                                  "quantity": "0.1", "client_order_id": "ws-fill"})
    assert r.status_code == 201 and r.json()["status"] == "filled", r.text
    got = ws.collect(("orders", "update"), ("fills", None), ("wallets", "update"))
    upd, fills, w = got[("orders", "update")], got[("fills", None)], got[("wallets", "update")]
    assert {o["user_id"] for o in upd["orders"]} == {"bob"}
    assert "ws-fill" in [o["client_order_id"] for o in upd["orders"]]
    assert fills["trades"][0]["taker_order"] == "ws-fill"
    assert {x["user_id"] for x in w["wallets"]} == {"bob"}
    ws.send(op="subscribe", channel="nonsense")
    assert "unknown channel 'nonsense'" in ws.next(type="error")["detail"]
    ws.send(op="subscribe", channel="book", symbol="NOPE")
    assert "needs a listed symbol" in ws.next(type="error")["detail"]
    ws.ws.send("{not json")
    assert ws.next(type="error")["detail"] == "a message must be a JSON object"
    ws.close()


def test_an_unknown_op_lists_every_op_there_is(server):
    from souq.gateway.ws import OPS
    assert set(OPS) == {"subscribe", "unsubscribe", "auth", "cancel_on_disconnect", "ping"}
    ws = Ws(server)
    for op in ("nonsense", 5, None):
        ws.send(op=op)
        assert ws.next(type="error")["detail"] == (
            (f"unknown op {op!r}; use" if op is not None else "a message needs an op:")
            + " subscribe, unsubscribe, auth, cancel_on_disconnect or ping")
    # each op listed is one the socket knows (answered, not refused as unknown)
    for op in OPS:
        ws.send(op=op)
        msg = json.loads(ws.ws.recv(timeout=120))
        assert "unknown op" not in msg.get("detail", ""), (op, msg)
    ws.close()


def test_cli_writes_on_the_same_database_reach_the_private_feeds(server, clients, keys,
                                                                 gw_market):
    """The follower inside serve: an order placed and a deposit made by `souq` on the
    server's database (another process) arrive on carol's private channels."""
    ws = Ws(server)
    carol = Client(server, keys["carol"])
    ws.send(op="auth", token=carol.tokens["access_token"])
    ws.next(type="authenticated")
    for channel in ("orders", "wallets"):
        ws.send(op="subscribe", channel=channel)
    ws.next(channel="orders", type="snapshot")
    ws.next(channel="wallets", type="snapshot")
    gw_market.ok("order", "place", "BTC-IRR", "buy", "0.2", "-p", "97000000", "--id", "cli-1",
                 as_user="carol")
    upd = ws.next(channel="orders", type="update")
    (o,) = [o for o in upd["orders"] if o["client_order_id"] == "cli-1"]
    assert (o["user_id"], o["side"], o["price"], o["quantity"], o["status"]) == \
        ("carol", "buy", "97000000", "0.2", "active")
    before = {w["asset"]: w for w in carol.get("/wallets").json()}
    gw_market.ok("deposit", "carol", "BTC", "0.5")
    want = Decimal(before["BTC"]["balance"]) + Decimal("0.5")
    seen = []
    while want not in seen:         # the order's hold may come first: IRR, BTC unchanged
        w = ws.next(channel="wallets", type="update")
        assert {x["user_id"] for x in w["wallets"]} == {"carol"}
        seen += [Decimal(x["balance"]) for x in w["wallets"] if x["asset"] == "BTC"]
    assert seen[-1] == want and set(seen) <= {want, Decimal(before["BTC"]["balance"])}
    ws.close()


def test_a_message_repeating_a_key_is_refused_naming_it(server, clients):
    """The WebSocket reads its messages as strictly as the routes read bodies: a repeated
    key (whichever value would win) is an error naming the key, and nothing is done."""
    ws = Ws(server)
    try:
        ws.ws.send('{"op": "subscribe", "channel": "book", "symbol": "NOPE", '
                   '"symbol": "BTC-IRR"}')
        assert ws.next(type="error") == {
            "type": "error",
            "detail": "the message has a duplicate key 'symbol'; each field may appear once"}
        ws.ws.send('{"op": "auth", "token": "x", "token": "y"}')
        assert ws.next(type="error")["detail"] == (
            "the message has a duplicate key 'token'; each field may appear once")
        ws.send(op="ping")
        assert ws.next() == {"type": "pong"}       # nothing was subscribed in between
    finally:
        ws.close()


def test_a_message_missing_or_adding_a_field_is_refused_naming_it(server, clients):
    """Each op takes its own fields, as each route takes its body's: a missing op, channel
    or symbol is named (not shown as Python's None), a field the op does not take is
    refused rather than silently ignored, and a private channel takes no symbol. Nothing
    is subscribed by a refused message."""
    ws = Ws(server)
    ops = "subscribe, unsubscribe, auth, cancel_on_disconnect or ping"
    channels = "public: book, trades, ticker; private: orders, fills, wallets"
    cases = [
        ({"channel": "book", "symbol": "BTC-IRR"}, f"a message needs an op: {ops}"),
        ({"op": "subscribe"}, f"a subscribe message needs a channel; {channels}"),
        ({"op": "unsubscribe", "symbol": "BTC-IRR"},
         f"an unsubscribe message needs a channel; {channels}"),
        ({"op": "subscribe", "channel": "book"}, "channel book needs a symbol"),
        ({"op": "subscribe", "channel": "book", "symbol": "BTC-IRR", "depth": 5},
         "unknown field 'depth' in a subscribe message; it takes op, channel or symbol"),
        ({"op": "ping", "id": 1}, "unknown field 'id' in a ping message; it takes op"),
        ({"op": "auth", "token": "x", "scope": "admin"},
         "unknown field 'scope' in an auth message; it takes op or token"),
        ({"op": "cancel_on_disconnect", "timeout": 5, "user": "alice"},
         "unknown field 'user' in a cancel_on_disconnect message; it takes op or timeout"),
    ]
    try:
        for msg, detail in cases:
            ws.send(**msg)
            assert ws.next() == {"type": "error", "detail": detail}, msg
        ws.send(op="auth", token=clients["alice"].tokens["access_token"])
        assert ws.next()["type"] == "authenticated"
        ws.send(op="subscribe", channel="orders", symbol="BTC-IRR")
        assert ws.next() == {"type": "error", "detail":
                             "channel orders takes no symbol: it carries all of yours"}
        ws.send(op="ping")
        assert ws.next() == {"type": "pong"}       # nothing was subscribed in between
    finally:
        ws.close()


def test_each_trade_once_and_every_delta_in_sequence(server, clients, gw_market):
    """Trades made through this server (published by its committer as each batch is
    durable) and by the CLI (read back by its journal follower), interleaved: each trade
    reaches the tape once, and the book's deltas are numbered without a gap and add up to
    the snapshot a resubscription gives."""
    ws = Ws(server)
    ws.send(op="subscribe", channel="book", symbol="BTC-IRR")
    ws.send(op="subscribe", channel="trades", symbol="BTC-IRR")
    snap = ws.next(channel="book", type="snapshot")
    ws.next(type="subscribed", channel="trades")
    book, seq = levels(snap), snap["seq"]
    before = {t["trade_id"] for t in clients["boss"].get(
        "/trades", params={"symbol": "BTC-IRR", "public": "true"}).json()}
    alice, bob = clients["alice"], clients["bob"]
    for i in range(3):
        price = str(101000000 + i * 1000)
        assert bob.post("/orders", json={"symbol": "BTC-IRR", "side": "sell", "price": price,
                                         "quantity": "0.02"}).status_code == 201
        assert alice.post("/orders", json={"symbol": "BTC-IRR", "side": "buy", "price": price,
                                           "quantity": "0.01"}).status_code == 201
        gw_market.ok("order", "place", "BTC-IRR", "buy", "0.01", "-p", price, as_user="carol")
    made = [t["trade_id"] for t in clients["boss"].get(
        "/trades", params={"symbol": "BTC-IRR", "public": "true"}).json()
        if t["trade_id"] not in before]
    assert len(made) == 6
    seen: list[str] = []
    while not set(made) <= set(seen):
        msg = json.loads(ws.ws.recv(timeout=120))
        if msg.get("channel") == "trades":
            seen += [t["trade_id"] for t in msg["trades"]]
        elif msg.get("channel") == "book":
            assert msg["type"] == "delta" and msg["seq"] == seq + 1
            seq = msg["seq"]
            apply(book, msg)
    ws.send(op="subscribe", channel="book", symbol="BTC-IRR")   # everything before it came
    while (msg := json.loads(ws.ws.recv(timeout=120))).get("type") != "snapshot":
        if msg.get("channel") == "trades":
            seen += [t["trade_id"] for t in msg["trades"]]
        elif msg.get("channel") == "book" and msg["type"] == "delta":
            assert msg["seq"] == seq + 1
            seq = msg["seq"]
            apply(book, msg)
    assert sorted(seen, key=int) == sorted(made, key=int)          # each once, none other
    assert msg["seq"] == seq and levels(msg) == book
    ws.close()


def test_every_answer_and_message_about_an_order_carries_its_created_at(server, clients,
                                                                       keys, gw_market):
    """created_at is when the order was placed, whichever path answers it: the REST cancel
    and cancel-all answers, the orders channel's snapshot, and its updates from this
    server's batches and from another process's writes (the follower) all say what
    GET /orders/{id} says, never null."""
    carol = clients["carol"]

    def place(price: str, cid: str) -> str:
        r = carol.post("/orders", json={"symbol": "BTC-IRR", "side": "buy", "price": price,
                                        "quantity": "0.1", "client_order_id": cid})
        assert r.status_code == 201, r.text
        return r.json()["order_id"]

    def created(oid: str) -> str:
        at = carol.get(f"/orders/{oid}").json()["created_at"]
        assert at is not None and at.endswith("Z")
        return at

    early = place("96200000", "ca-early")         # before anyone follows carol's orders
    ws = Ws(server)
    ws.send(op="auth", token=Client(server, keys["carol"]).tokens["access_token"])
    ws.next(type="authenticated")
    ws.send(op="subscribe", channel="orders")
    snap = ws.next(channel="orders", type="snapshot")
    assert {o["order_id"]: o["created_at"] for o in snap["orders"]}[early] == created(early)
    r = carol.delete(f"/orders/{early}")
    assert r.status_code == 200 and r.json()["created_at"] == created(early), r.text
    upd = ws.next(channel="orders", type="update")
    assert [(o["order_id"], o["status"], o["created_at"]) for o in upd["orders"]] == \
        [(early, "cancelled", created(early))]
    late = place("95800000", "ca-late")           # placed and published by this server
    upd = ws.next(channel="orders", type="update")
    assert [(o["order_id"], o["created_at"]) for o in upd["orders"]] == [(late, created(late))]
    gw_market.ok("order", "place", "BTC-IRR", "buy", "0.1", "-p", "95500000", "--id", "ca-cli",
                 as_user="carol")                # another process: the follower's path
    upd = ws.next(channel="orders", type="update")
    (cli,) = [o for o in upd["orders"] if o["client_order_id"] == "ca-cli"]
    assert cli["created_at"] == created(cli["order_id"])
    r = carol.delete("/orders", params={"symbol": "BTC-IRR"})
    assert r.status_code == 200, r.text
    answered = {o["order_id"]: o["created_at"] for o in r.json()["orders"]}
    assert {late, cli["order_id"]} <= answered.keys()
    assert answered == {oid: created(oid) for oid in answered}
    upd = ws.next(channel="orders", type="update")
    assert {o["order_id"]: o["created_at"] for o in upd["orders"]} == answered
    ws.close()
