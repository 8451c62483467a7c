"""The REST API against a real `souq serve`: exact balances, idempotent orders, rejections
as the CLI shows them, and every kind of bad input refused with nothing changed."""
import json

import pytest

from gw_kit import Server, problem

pytestmark = pytest.mark.slow
P = "100000000"


def state(clients) -> tuple:
    """Everything a refused request must leave alone, as the admin sees it."""
    boss = clients["boss"]
    return (boss.get("/wallets").json(), boss.get("/orders").json(),
            boss.get("/trades").json(), boss.get("/users").json())


def test_place_match_cancel_with_exact_balances(clients, gw_market):
    alice, bob = clients["alice"], clients["bob"]
    r = alice.post("/orders", json={"symbol": "BTC-IRR", "side": "buy", "type": "limit",
                                    "price": P, "quantity": "0.5", "client_order_id": "ab1"})
    assert r.status_code == 201, r.text
    o = r.json()
    assert (o["status"], o["filled"], o["quantity"], o["price"], o["client_order_id"]) == \
        ("active", "0", "0.5", P, "ab1")
    irr = {w["asset"]: w for w in alice.get("/wallets").json()}["IRR"]
    # 0.5 x 100,000,000 plus the larger fee rate (0.2 %) reserved
    assert (irr["hold"], irr["available"]) == ("50100000", "1949900000")
    r = bob.post("/orders", json={"symbol": "BTC-IRR", "side": "sell", "type": "limit",
                                  "price": P, "quantity": "0.2"})
    assert r.status_code == 201, r.text
    sold = r.json()
    assert sold["status"] == "filled" and len(sold["trades"]) == 1
    t = sold["trades"][0]
    assert (t["price"], t["quantity"], t["taker_side"], t["maker_order"], t["maker_user"]) == \
        (P, "0.2", "sell", "ab1", "alice")
    assert t["time"].endswith("Z")
    mine = alice.get(f"/orders/{o['order_id']}").json()
    assert (mine["status"], mine["filled"], mine["avg_price"]) == ("partial", "0.2", P)
    fills = alice.get("/trades", params={"symbol": "BTC-IRR"}).json()
    assert [(f["trade_id"], f["quantity"]) for f in fills] == [(t["trade_id"], "0.2")]
    public = alice.get("/trades", params={"symbol": "BTC-IRR", "public": "true"}).json()
    assert public[-1]["trade_id"] == t["trade_id"] and "maker_user" not in public[-1] \
        or public[-1]["maker_user"] is None
    tick = alice.http.get("/tickers/BTC-IRR").json()
    assert (tick["last"], tick["bid"], tick["volume"], tick["open"]) == (P, P, "0.2", P)
    book = alice.http.get("/book/BTC-IRR", params={"depth": 1}).json()
    assert book["bids"] == [{"price": P, "quantity": "0.3", "orders": 1}] and book["asks"] == []
    r = alice.delete(f"/orders/{o['order_id']}")
    assert r.status_code == 200 and r.json()["status"] == "cancelled", r.text
    irr = {w["asset"]: w for w in alice.get("/wallets").json()}["IRR"]
    assert irr["hold"] == "0"
    # the CLI reads the same database: the same balances
    local = {w["asset"]: w for w in gw_market.json("wallets", as_user="alice")}
    assert local["IRR"]["available"] == irr["available"]


def test_post_orders_is_idempotent_by_client_order_id(clients):
    carol = clients["carol"]
    body = {"symbol": "BTC-IRR", "side": "sell", "price": "105000000", "quantity": "0.1",
            "client_order_id": "once"}
    first = carol.post("/orders", json=body)
    again = carol.post("/orders", json=body)
    assert first.status_code == 201 and again.status_code == 200, (first.text, again.text)
    assert first.json()["order_id"] == again.json()["order_id"]
    assert [o["client_order_id"] for o in carol.get("/orders").json()].count("once") == 1


def test_an_exchange_rejection_reads_as_in_the_cli(clients, gw_market):
    body = {"symbol": "BTC-IRR", "side": "buy", "price": "100000001", "quantity": "0.1"}
    r = clients["alice"].post("/orders", json=body)
    doc = problem(r, 422, "order rejected: price 100,000,001 is not a multiple of the tick 1,000")
    assert doc["order"]["status"] == "rejected"
    assert doc["order"]["reason"] == "price 100000001 is not a multiple of the tick 1000"
    line = gw_market.fails("order", "place", "BTC-IRR", "buy", "0.1", "-p", "100000001",
                           as_user="alice", match="order rejected")
    # the same sentence as the CLI prints it, numbers grouped (mm.display.rejection); the
    # order's JSON `reason` keeps the exact text
    assert doc["detail"] == "order rejected: price 100,000,001 is not a multiple of the tick 1,000"
    assert line == "error: " + doc["detail"]


ADMIN_ROUTES = [   # (method, path, body, the refusal's words; the CLI call that must agree)
    ("post", "/users", {"user_id": "mallory"}, "only an admin may add users; alice is a trader",
     ("user", "add", "mallory")),
    ("post", "/wallets/alice:IRR/deposit", {"amount": "5"},
     "only an admin may move deposits; alice is a trader", ("deposit", "alice", "IRR", "5")),
    ("post", "/wallets/alice:IRR/withdraw", {"amount": "5"},
     "only an admin may move withdrawals; alice is a trader", ("withdraw", "alice", "IRR", "5")),
    ("post", "/users/bob/suspend", None,
     "only an admin may suspend or reinstate users; alice is a trader", ("user", "suspend", "bob")),
    ("get", "/users", None, "only an admin may list users; alice is not one", ("user", "list")),
    ("get", "/wallets?user_id=bob", None, "alice may not see bob's data",
     ("wallets", "--user", "bob")),
    ("get", "/ledger?user_id=bob", None, "alice may not see bob's data",
     ("ledger", "--user", "bob")),
    ("get", "/orders?user_id=bob", None, "alice may not see bob's data",
     ("orders", "--user", "bob")),
    ("get", "/trades?user_id=bob", None, "alice may not see bob's data",
     ("trades", "--user", "bob")),
]


def test_cli_and_server_refuse_a_trader_the_same_way(clients, gw_market):
    before = state(clients)
    alice = clients["alice"]
    for method, path, body, words, _ in ADMIN_ROUTES:
        r = getattr(alice, method)(path, **({"json": body} if body is not None else {}))
        problem(r, 403, words.split(";")[0])
    gw_market.fail_all([(cli, "alice", words.split(";")[0]) for *_, words, cli in ADMIN_ROUTES])
    assert state(clients) == before


def test_admin_creates_funds_and_pays_out(clients):
    boss = clients["boss"]
    r = boss.post("/users", json={"user_id": "frank", "role": "market_maker"})
    assert r.status_code == 201, r.text
    assert r.json() == {"user_id": "frank", "role": "market_maker", "status": "active",
                        "wallet_ids": ["frank:BTC", "frank:IRR"]}
    problem(boss.post("/users", json={"user_id": "frank"}), 409, "user frank already exists")
    r = boss.post("/wallets/frank:IRR/deposit", json={"amount": "1000.5"})
    assert r.status_code == 201 and r.json()["transaction_id"].isdigit(), r.text
    problem(boss.post("/wallets/frank:IRR/withdraw", json={"amount": "2000"}), 422,
            "withdrawal rejected: insufficient available IRR for frank: needs 2,000, has 1,000.5")
    assert boss.post("/wallets/frank:IRR/withdraw", json={"amount": "0.5"}).status_code == 201
    w = boss.get("/wallets", params={"user_id": "frank"}).json()
    assert [(x["wallet_id"], x["balance"]) for x in w] == [("frank:IRR", "1000")]
    ledger = boss.get("/ledger", params={"user_id": "frank"}).json()
    assert [(e["kind"], e["amount"]) for e in ledger] == [("deposit", "1000.5"), ("withdraw", "0.5")]
    problem(boss.post("/wallets/ghost:IRR/deposit", json={"amount": "1"}), 404,
            "unknown user 'ghost'")
    problem(boss.post("/wallets/nocolon/deposit", json={"amount": "1"}), 404,
            "is not of the form USER:ASSET")
    assert "frank" in [u["user_id"] for u in boss.get("/users").json()]
    assert boss.http.get("/symbols").json()[0]["symbol"] == "BTC-IRR"
    assert boss.http.get("/sessions").status_code == 200


BAD_BODIES = [   # (raw body, the words of the refusal)
    (b'{"symbol": "BTC-IRR", "side": "buy"', "the request body is not valid JSON"),
    (b'[1, 2]', "the request body must be a JSON object"),
    (b'{"symbol": "BTC-IRR", "side": "buy", "price": 100000000, "quantity": "1"}',
     "price must be a JSON string (decimals as text, like \"1.5\"), got a JSON number"),
    (b'{"symbol": "BTC-IRR", "side": "buy", "price": "100000000", "quantity": 0.5}',
     "quantity must be a JSON string"),
    (b'{"symbol": "BTC-IRR", "side": "buy", "price": "1e8", "quantity": "1"}',
     "price '1e8' uses exponent notation; write it as a plain decimal"),
    (b'{"symbol": "BTC-IRR", "side": "buy", "price": "100000000", "quantity": "1E-2"}',
     "quantity '1E-2' uses exponent notation"),
    (b'{"symbol": "BTC-IRR", "side": "buy", "price": "100000000", "quantity": "1", "leverage": "5"}',
     "unknown field 'leverage'"),
    (b'{"symbol": "BTC-IRR", "side": "sideways", "price": "100000000", "quantity": "1"}',
     "side 'sideways' is not allowed"),
    (b'{"symbol": "BTC-IRR", "side": "buy", "price": "100000000"}', "missing required field 'quantity'"),
    (b'{"symbol": "BTC-IRR", "side": "buy", "price": "-5", "quantity": "1"}',
     "price must be positive"),
    (b'{"symbol": "BTC-IRR", "side": "buy", "price": "NaN", "quantity": "1"}',
     "price 'NaN' is not a finite number"),
]


def test_bad_bodies_are_422_with_one_sentence_and_change_nothing(clients):
    before = state(clients)
    alice = clients["alice"]
    for raw, words in BAD_BODIES:
        r = alice.http.post("/orders", content=raw, headers={
            **alice.auth, "content-type": "application/json"})
        problem(r, 422, words)
    problem(alice.http.post("/wallets/alice:IRR/deposit", content=b'{"amount": 5}',
                            headers={**clients["boss"].auth, "content-type": "application/json"}),
            422, "amount must be a JSON string")
    assert state(clients) == before


def test_other_users_orders_are_invisible(clients):
    bob = clients["bob"]
    r = bob.post("/orders", json={"symbol": "BTC-IRR", "side": "sell", "price": "103000000",
                                  "quantity": "0.1"})
    oid = r.json()["order_id"]
    before = state(clients)
    alice = clients["alice"]
    problem(alice.get(f"/orders/{oid}"), 404, f"no order '{oid}' of yours")
    problem(alice.delete(f"/orders/{oid}"), 404, f"no order '{oid}' of yours")
    assert oid not in [o["order_id"] for o in alice.get("/orders").json()]
    assert state(clients) == before
    assert bob.get(f"/orders/{oid}").json()["status"] == "active"


HOSTILE = ["../../etc/passwd", "..%2F..%2Fsouq.db", "1 OR 1=1", "'; DROP TABLE orders; --",
           "\" OR \"\"=\"", "%00", "BTC-IRR' --", "9" * 40]


@pytest.mark.parametrize("text", HOSTILE)
def test_path_traversal_and_sql_shapes_in_every_parameter(clients, text):
    before = state(clients)
    alice = clients["alice"]
    for path in ("/orders/{}", "/book/{}", "/tickers/{}", "/users/{}/suspend",
                 "/wallets/{}/deposit"):
        url = path.format(text)
        r = alice.post(url, json={"amount": "1"}) if "deposit" in url or "suspend" in url \
            else alice.get(url)
        assert 400 <= r.status_code < 500, (url, r.status_code, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
    for path, key in (("/orders", "symbol"), ("/trades", "symbol"), ("/wallets", "user_id"),
                      ("/ledger", "asset"), ("/sessions", "symbol"), ("/orders", "status")):
        r = alice.get(path, params={key: text})
        assert r.status_code in (200, 403, 404, 422), (path, key, r.status_code, r.text)
        if r.status_code == 200:
            assert r.json() == [], (path, key, r.text)
    problem(alice.delete("/orders", params={"symbol": text}), 404, "unknown symbol")
    assert state(clients) == before


def test_a_nul_character_anywhere_is_a_400_and_changes_nothing(clients, keys):
    """PostgreSQL text cannot hold NUL: refused at the edge on every store alike."""
    before = state(clients)
    alice = clients["alice"]
    problem(alice.get("/orders", params={"symbol": "BTC\x00IRR"}), 400,
            "the request path or query contains a NUL character")
    problem(alice.delete("/orders/a%00b"), 400, "contains a NUL character")
    problem(alice.post("/orders", json={"symbol": "BTC-IRR", "side": "buy", "type": "limit",
                                        "price": "99000000", "quantity": "0.01",
                                        "client_order_id": "x\x00y"}), 400,
            "the request body contains a NUL character")
    problem(alice.http.post("/auth/login", json={**keys["alice"], "client_id": "\x00"}), 400,
            "the request body contains a NUL character")
    assert state(clients) == before


def _raw(server, data: bytes) -> bytes:
    """Send `data` as it is on a new connection; the server's first answer (its head and
    Content-Length bytes of body, or all it sent before closing)."""
    import socket
    from urllib.parse import urlsplit
    where = urlsplit(server.url)
    with socket.create_connection((where.hostname, where.port), timeout=60) as s:
        s.sendall(data)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
            head, sep, body = out.partition(b"\r\n\r\n")
            length = [int(line.split(b":")[1]) for line in head.lower().split(b"\r\n")
                      if line.startswith(b"content-length:")]
            if sep and length and len(body) >= length[0]:
                break
    return out


def test_malformed_http_is_a_400(gw_market):
    """HTTP/1.1 without Host (RFC 9112 3.2) is a problem naming it; a request the parser
    cannot read at all is a plain 400, the connection closes and the server says so on
    stderr, one line each."""
    server = Server(gw_market, "--rate", "0")
    answer = _raw(server, b"GET /symbols HTTP/1.1\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400 ") and b"application/problem+json" in answer
    assert b"an HTTP/1.1 request must carry a Host header" in answer
    assert _raw(server, b"GET /symbols HTTP/1.0\r\n\r\n").startswith(b"HTTP/1.1 200 ")
    bad = (b"GARBAGE\r\n\r\n", b"GET /symbols HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
           b"POST /orders HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")
    for data in bad:
        assert _raw(server, data).startswith(b"HTTP/1.1 400 Bad Request"), data
    code, err = server.stop()
    assert code == 0 and err.splitlines() == ["WARNING:  Invalid HTTP request received."] * 3


def test_orders_carry_created_at_and_public_trades_read_by_time_window(clients):
    from datetime import datetime, timedelta
    alice, bob = clients["alice"], clients["bob"]
    r = alice.post("/orders", json={"symbol": "BTC-IRR", "side": "buy", "price": "99000000",
                                    "quantity": "0.1"})
    assert r.status_code == 201, r.text
    oid = r.json()["order_id"]
    created = alice.get(f"/orders/{oid}").json()["created_at"]
    assert created.endswith("Z") and datetime.fromisoformat(created.replace("Z", "+00:00"))
    assert r.json()["created_at"] == created          # POST's own answer: the same time
    assert {o["order_id"]: o["created_at"] for o in alice.get("/orders").json()}[oid] == created
    # with a client order id (the route's own path, not the fast one) and refused (422)
    for body, status in (({"client_order_id": "cat-1", "price": "99000000"}, 201),
                         ({"price": "100000001"}, 422)):
        r = alice.post("/orders", json={"symbol": "BTC-IRR", "side": "buy", "quantity": "0.1",
                                        **body})
        assert r.status_code == status, r.text
        answered = r.json() if status == 201 else r.json()["order"]
        shown = alice.get(f"/orders/{answered['order_id']}").json()["created_at"]
        assert answered["created_at"] is not None and answered["created_at"] == shown
    r = bob.post("/orders", json={"symbol": "BTC-IRR", "side": "sell", "price": "99000000",
                                  "quantity": "0.1"})
    (trade,) = r.json()["trades"]
    at = datetime.fromisoformat(trade["time"].replace("Z", "+00:00"))

    def window(**params) -> list[str]:
        got = bob.get("/trades", params={"symbol": "BTC-IRR", "public": "true", **params})
        assert got.status_code == 200, got.text
        return [t["trade_id"] for t in got.json()]
    after = (at + timedelta(microseconds=1)).isoformat()
    assert window(since=trade["time"], until=after) == [trade["trade_id"]]
    assert trade["trade_id"] not in window(until=trade["time"])
    assert trade["trade_id"] not in window(since=after)
    problem(bob.get("/trades", params={"symbol": "BTC-IRR", "public": "true",
                                       "since": "2026-12-02T09:30:00"}), 422,
            "since needs a time zone, like 2026-12-02T09:30:00Z")
    problem(bob.get("/trades", params={"since": trade["time"]}), 422,
            "since and until select public trades: add public=true")


def test_an_unreadable_number_reads_as_null_not_0(clients, gw_market, tmp_path):
    """Orders `souq replay` journalled with a quantity or price it could not read (each
    rejected for it) have none: GET /orders and /orders/{id} say null there, never "0"."""
    stream = tmp_path / "unreadable.jsonl"
    stream.write_text("".join(json.dumps(o) + "\n" for o in (
        {"op": "limit", "id": "unread-q", "user": "alice", "symbol": "BTC-IRR", "side": "buy",
         "price": "99000000", "qty": "1,5"},
        {"op": "limit", "id": "unread-p", "user": "alice", "symbol": "BTC-IRR", "side": "buy",
         "price": "99e6", "qty": "0.1"})))
    assert "0 accepted, 2 rejected" in gw_market.ok("replay", stream)
    alice = clients["alice"]
    got = {o["client_order_id"]: o for o in alice.get("/orders").json()}
    keys = ("type", "price", "stop_price", "quantity", "filled", "avg_price", "status",
            "reason", "cost", "hold")
    assert {cid: {k: got[cid][k] for k in keys} for cid in ("unread-q", "unread-p")} == {
        "unread-q": {"type": "limit", "price": "99000000", "stop_price": None,
                     "quantity": None, "filled": "0", "avg_price": None, "status": "rejected",
                     "reason": "qty '1,5' is not a plain decimal number", "cost": "0",
                     "hold": "0"},
        "unread-p": {"type": "limit", "price": None, "stop_price": None, "quantity": "0.1",
                     "filled": "0", "avg_price": None, "status": "rejected",
                     "reason": "price '99e6' uses exponent notation; write it as a plain "
                               "decimal", "cost": "0", "hold": "0"}}
    for cid in ("unread-q", "unread-p"):
        assert alice.get(f"/orders/{got[cid]['order_id']}").json() == got[cid]
