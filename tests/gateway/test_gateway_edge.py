"""The gateway's edge against a real `souq serve`: duplicate JSON keys, bodies that are
not JSON, a missing body, unknown symbols and assets, and the quantity limit the CLI uses
too; each a problem document naming what was wrong, with nothing journalled."""
import pytest

from souq.engine.numbers import MAX_PRICE_WHOLE
from souq.mm.display import grouped_text
from gw_kit import problem

pytestmark = pytest.mark.slow
JSON = {"content-type": "application/json"}


def state(clients) -> tuple:
    """What a refused request must leave alone, as the admin sees it."""
    boss = clients["boss"]
    return boss.get("/wallets").json(), boss.get("/orders").json()


def order(**fields) -> dict:
    return {"symbol": "BTC-IRR", "side": "buy", "price": "99000000", "quantity": "0.1", **fields}


def test_a_duplicate_key_is_a_422_naming_it(clients):
    before = state(clients)
    alice = clients["alice"]
    raw = b'{"symbol": "BTC-IRR", "side": "buy", "price": "99000000", "price": "1000", ' \
          b'"quantity": "0.1"}'
    body = problem(alice.http.post("/orders", content=raw, headers={**alice.auth, **JSON}),
                   422, "the request body has a duplicate key 'price'; each field may "
                        "appear once")
    assert body["title"] == "Unprocessable content"
    nested = b'{"client_id": "a", "client_id": "b", "client_secret": "c"}'
    problem(alice.http.post("/auth/login", content=nested, headers=JSON), 422,
            "duplicate key 'client_id'")
    boss = clients["boss"]
    # every route that reads a body, before the route sees it (whichever value would win)
    for path, key, raw in (
            ("/auth/refresh", "refresh_token", b'{"refresh_token": "a", "refresh_token": "b"}'),
            ("/users", "user_id", b'{"user_id": "dave", "user_id": "eve"}'),
            ("/wallets/alice:IRR/deposit", "amount", b'{"amount": "1", "amount": "2"}'),
            ("/wallets/alice:IRR/withdraw", "amount", b'{"amount": "1", "amount": "2"}'),
            ("/orders", "quantity", b'{"symbol": "BTC-IRR", "side": "buy", "quantity": "0.1", '
                                    b'"quantity": "0.1"}')):
        body = problem(boss.http.post(path, content=raw, headers={**boss.auth, **JSON}), 422,
                       "")
        assert body["detail"] == f"the request body has a duplicate key {key!r}; each field " \
                                 "may appear once", path
    assert state(clients) == before


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "application/xml"])
def test_a_body_that_is_not_json_is_415(clients, content_type):
    before = state(clients)
    alice = clients["alice"]
    r = alice.http.post("/orders", content=b'{"symbol": "BTC-IRR"}',
                        headers={**alice.auth, "content-type": content_type})
    body = problem(r, 415, "the request body must be JSON (Content-Type: application/json), "
                           f"not '{content_type}'")
    assert body["title"] == "Unsupported media type"
    assert state(clients) == before


def test_json_media_types_are_read(clients):
    r = clients["alice"].http.post(
        "/orders", content=b'{"symbol": "BTC-IRR"}',
        headers={**clients["alice"].auth, "content-type": "application/json; charset=utf-8"})
    problem(r, 422, "missing required field 'side'")


def test_a_missing_body_names_the_request_body(clients):
    r = clients["alice"].post("/orders")
    problem(r, 422, "missing the request body: send a JSON object "
                    "(Content-Type: application/json)")


def test_unknown_symbols_assets_and_users_are_404_and_not_journalled(clients):
    before = state(clients)
    alice, boss = clients["alice"], clients["boss"]
    problem(alice.post("/orders", json=order(symbol="DOGE-IRR")), 404,
            "unknown symbol 'DOGE-IRR'; known: BTC-IRR")
    problem(boss.post("/wallets/alice:DOGE/deposit", json={"amount": "5"}), 404,
            "unknown asset 'DOGE'; no symbol trades it (known: BTC, IRR)")
    problem(boss.post("/wallets/alice:DOGE/withdraw", json={"amount": "5"}), 404,
            "unknown asset 'DOGE'")
    problem(boss.post("/wallets/ghost:IRR/deposit", json={"amount": "5"}), 404,
            "unknown user 'ghost'")
    assert state(clients) == before


def test_the_quantity_limit_is_the_clis(clients, gw_market):
    """One limit (engine.numbers.MAX_PRICE_WHOLE) at both edges, worded alike."""
    before = state(clients)
    too_big = str(MAX_PRICE_WHOLE + 1)
    words = f"'{too_big}' is absurdly large (limit 1,000,000,000,000,000)"
    problem(clients["alice"].post("/orders", json=order(quantity=too_big)), 422,
            f"quantity {words}")
    problem(clients["alice"].post("/orders", json=order(price=too_big)), 422, f"price {words}")
    gw_market.fails("order", "place", "BTC-IRR", "buy", too_big, "-p", "99000000",
                    as_user="alice", match=f"error: qty {words}")
    assert state(clients) == before
    # at the limit the shape is fine: the symbol's own maximum rejects it (journalled)
    r = clients["alice"].post("/orders", json=order(quantity=str(MAX_PRICE_WHOLE)))
    problem(r, 422, "order rejected: qty 1,000,000,000,000,000 is above the maximum 100")
    assert r.json()["order"]["status"] == "rejected"


def test_token_wording(clients):
    c = clients["carol"]
    r = c.http.get("/users/me", headers={"Authorization": "Bearer " + c.tokens["refresh_token"]})
    problem(r, 401, "a refresh token was sent where an access token belongs")
    r = c.http.post("/auth/refresh", json={"refresh_token": c.tokens["access_token"]})
    problem(r, 401, "an access token was sent where a refresh token belongs")


# (field, text, the detail): a JSON number string the edge refuses, worded as the CLI's
BAD_NUMBERS = [
    ("quantity", "abc", "quantity 'abc' is not a plain decimal number"),
    ("quantity", "-1", "quantity must be positive, got '-1'"),
    ("quantity", "1e3", "quantity '1e3' uses exponent notation; write it as a plain decimal"),
    ("quantity", "nan", "quantity 'nan' is not a finite number"),
    ("quantity", "inf", "quantity 'inf' is not a finite number"),
    ("quantity", "", "quantity '' is not a plain decimal number"),
    ("quantity", " 1", "quantity ' 1' is not a plain decimal number"),
    ("quantity", "1,000", "quantity '1,000' is not a plain decimal number"),
    ("quantity", "0.0000000001", "quantity '0.0000000001' has more than 9 decimal places"),
    ("price", "NaN", "price 'NaN' is not a finite number"),
    ("price", "-inf", "price '-inf' is not a finite number"),
    ("price", "1e8", "price '1e8' uses exponent notation; write it as a plain decimal"),
    ("price", "", "price '' is not a plain decimal number"),
    ("price", "99000000.0000000001", "price '99000000.0000000001' has more than 9 decimal "
                                     "places"),
    ("price", 99000000, "price must be a JSON string (decimals as text, like \"1.5\"), got a "
                        "JSON number"),
]


def test_bad_number_strings_are_422_naming_the_field_and_not_journalled(clients):
    before = state(clients)
    alice, boss = clients["alice"], clients["boss"]
    for field, text, detail in BAD_NUMBERS:
        body = problem(alice.post("/orders", json=order(**{field: text})), 422, detail)
        assert body["detail"] == detail and "order" not in body
    stop = order(type="stop_limit", stop_price="inf")
    problem(alice.post("/orders", json=stop), 422, "stop_price 'inf' is not a finite number")
    for text, detail in (("nan", "amount 'nan' is not a finite number"),
                         ("", "amount '' is not a plain decimal number"),
                         ("1e3", "amount '1e3' uses exponent notation"),
                         ("-5", "amount must be positive, got '-5'"),
                         ("1." + "0" * 18 + "1", "has more than 18 decimal places")):
        for route in ("deposit", "withdraw"):
            problem(boss.post(f"/wallets/alice:IRR/{route}", json={"amount": text}), 422,
                    detail)
    assert state(clients) == before


def test_query_filters_naming_nothing_listed_are_404(clients):
    """A filter on an unknown user, symbol or asset is refused, never an empty list that
    reads as "none yet"; a trader asking for another user's data is refused as before,
    whether that user exists or not."""
    boss, alice = clients["boss"], clients["alice"]
    unknown_symbol = "unknown symbol 'NOPE'; known: BTC-IRR"
    for path in ("/orders?symbol=NOPE", "/trades?symbol=NOPE", "/trades?public=true&symbol=NOPE"):
        assert problem(boss.get(path), 404, unknown_symbol)["detail"] == unknown_symbol
        problem(alice.get(path), 404, unknown_symbol)
    problem(boss.get("/ledger?asset=DOGE"), 404,
            "unknown asset 'DOGE'; no symbol trades it (known: BTC, IRR)")
    for path in ("/orders", "/trades", "/wallets", "/ledger"):
        body = problem(boss.get(f"{path}?user_id=ghost"), 404, "unknown user 'ghost'")
        assert body["detail"] == "unknown user 'ghost'"
        problem(alice.get(f"{path}?user_id=ghost"), 403, "alice may not see ghost's data")
    assert boss.get("/wallets?user_id=alice").status_code == 200
    assert boss.get("/orders?symbol=BTC-IRR&user_id=alice").status_code == 200


# ---------------------------------------------------------------- session 26 fixes
BODY_ROUTES = [   # every route that takes a body, with a body it would accept
    ("/auth/login", {"client_id": "x", "client_secret": "y"}),
    ("/auth/refresh", {"refresh_token": "x"}),
    ("/users", {"user_id": "nobody-new"}),
    ("/wallets/alice:IRR/deposit", {"amount": "1"}),
    ("/wallets/alice:IRR/withdraw", {"amount": "1"}),
    ("/orders", order()),                                   # the fast path's body
    ("/orders", order(client_order_id="no-type")),          # the full route's
]


def test_a_body_without_content_type_is_415_on_every_body_route(clients):
    import json
    before = state(clients)
    boss = clients["boss"]
    for path, body in BODY_ROUTES:
        r = boss.http.post(path, content=json.dumps(body).encode(), headers=boss.auth)
        assert "content-type" not in r.request.headers
        got = problem(r, 415, "")
        assert got["detail"] == ("the request body has no Content-Type; send it as JSON "
                                 "with Content-Type: application/json"), path
    assert state(clients) == before
    # a POST without a body needs no Content-Type (logout is checked in test_gateway_auth)
    assert boss.http.post("/orders", headers=boss.auth).status_code == 422


def test_a_reused_client_order_id_with_other_fields_is_409_naming_the_field(clients):
    alice = clients["alice"]
    first = order(price="96000000", quantity="0.01", client_order_id="reuse-1")
    r = alice.post("/orders", json=first)
    assert r.status_code == 201, r.text
    placed = r.json()
    # identical retries, also with the same numbers written differently: the first order
    for retry in (first, {**first, "price": "96000000.0", "quantity": "0.010"},
                  {**first, "time_in_force": "gtc", "stp": "none", "type": "limit"}):
        again = alice.post("/orders", json=retry)
        assert again.status_code == 200 and again.json() == placed, again.text
    before = state(clients)
    for field, value, was in (("side", "sell", "buy"), ("price", "99000000", "96000000"),
                              ("quantity", "5", "0.01"), ("symbol", "ETH-IRR", "BTC-IRR"),
                              ("time_in_force", "ioc", "gtc"), ("stp", "cancel_newest", "none"),
                              ("type", "stop_limit", "limit")):
        body = {**first, field: value}
        if field == "type":
            body["stop_price"] = "97000000"
        got = problem(alice.post("/orders", json=body), 409, "")
        assert got["detail"].startswith(f"client_order_id 'reuse-1' was used for another "
                                        f"order: its {field} differs (was "), got
        assert grouped_text(f"(was {was}, now {value}); nothing was placed") in got["detail"]
        assert (got["client_order_id"], got["field"], got["order_id"]) == \
            ("reuse-1", field, placed["order_id"])
        assert "order" not in got
    assert state(clients) == before


def test_the_client_sdk_raises_on_a_reused_client_order_id(server, keys):
    from souq.gateway.client import ApiError, SouqClient
    c = SouqClient(server.url, keys["alice"]["client_id"], keys["alice"]["client_secret"])
    try:
        o = c.place_order("BTC-IRR", "buy", "0.01", price="96000000", client_order_id="sdk-1")
        assert c.place_order("BTC-IRR", "buy", "0.01", price="96000000",
                             client_order_id="sdk-1")["order_id"] == o["order_id"]
        with pytest.raises(ApiError) as err:
            c.place_order("BTC-IRR", "sell", "0.01", price="96000000", client_order_id="sdk-1")
        assert err.value.status == 409 and "its side differs" in err.value.detail
    finally:
        c.close()


def test_type_errors_name_the_fields_own_type(clients):
    boss = clients["boss"]
    for path, body, detail in (
            ("/auth/refresh", {"refresh_token": 5}, "refresh_token must be a JSON string, got "
                                                    "a JSON number"),
            ("/auth/login", {"client_id": None, "client_secret": "x"},
             "client_id must be a JSON string, got null"),
            ("/users", {"user_id": ["a"]}, "user_id must be a JSON string, got a list"),
            ("/orders", order(symbol=7), "symbol must be a JSON string, got a JSON number"),
            ("/orders", order(client_order_id=7), "client_order_id must be a JSON string, "
                                                  "got a JSON number"),
            ("/orders", order(quantity=1), "quantity must be a JSON string (decimals as "
                                           "text, like \"1.5\"), got a JSON number"),
            ("/wallets/alice:IRR/deposit", {"amount": 1.5}, "amount must be a JSON string "
                                                            "(decimals as text, like \"1.5\"), "
                                                            "got a JSON number")):
        got = problem(boss.post(path, json=body), 422, "")
        assert got["detail"] == detail, path


def test_an_amount_finer_than_the_assets_precision_is_422(clients, gw_market):
    """The CLI's rule (engine.admission): with BTC's precision set to 8 places (BTC is
    no symbol's quote here, so no fee changes), a deposit or withdrawal of 1e-9 BTC is
    refused naming the amount and the precision, and nothing is journalled. (The check
    reads the server's view: a precision set by another process counts once the server has
    read it, here after one write.)"""
    gw_market.ok("asset", "precision", "BTC", "8")
    boss = clients["boss"]     # a whole deposit first: the server has then read the journal
    assert boss.post("/wallets/alice:BTC/deposit", json={"amount": "1"}).status_code == 201
    before = state(clients)
    detail = "amount '0.000000001' is finer than BTC's precision of 8 decimal places"
    whole = "; only a withdrawal of the whole available balance may be"
    for route, tail in (("deposit", ""), ("withdraw", whole)):
        problem(boss.post(f"/wallets/alice:BTC/{route}",
                          json={"amount": "0.000000001"}), 422, detail + tail)
    assert state(clients) == before


def test_whole_number_query_parameters_read_ascii_digits_only(clients):
    """depth and limit as typed: pydantic alone read '1_0' as 10 and ' 2' as 2 (the kind
    the CLI's options had with '١'); each is a 422 naming the parameter and the text, and
    plain digits still read."""
    boss = clients["boss"]
    for path, name, text in (("/book/BTC-IRR", "depth", "1_0"), ("/book/BTC-IRR", "depth", " 2"),
                             ("/orders", "limit", "1_0"), ("/trades", "limit", "+5"),
                             ("/ledger", "limit", "١")):
        body = problem(boss.get(path, params={name: text}), 422, name)
        assert body["detail"] == f"{name}: {text!r} is not a whole number in ASCII digits"
    assert len(boss.get("/book/BTC-IRR", params={"depth": "1"}).json()["bids"]) <= 1
    assert boss.get("/ledger", params={"limit": "2"}).status_code == 200


def test_a_query_parameter_no_route_takes_is_refused_naming_it(clients):
    """Query parameters are read as strictly as body fields: FastAPI alone ignored one a
    route does not declare, so `/orders?limt=1` listed every order and
    `/trades?symbl=BTC-IRR` the caller's own fills. Each is now a 422 naming the
    parameter and what the route takes, on the order fast path too, and nothing is done."""
    boss = clients["boss"]
    before = state(clients)
    cases = (("get", "/orders", {"limt": "1"},
              "unknown query parameter 'limt' for /orders; it takes symbol, status, user_id, "
              "limit"),
             ("get", "/trades", {"symbl": "BTC-IRR"},
              "unknown query parameter 'symbl' for /trades; it takes symbol, public, user_id, "
              "limit, since, until"),
             ("get", "/book/BTC-IRR", {"depth": "1", "levels": "5"},
              "unknown query parameter 'levels' for /book/BTC-IRR; it takes depth"),
             ("get", "/symbols", {"active": "true"},
              "unknown query parameter 'active' for /symbols; it takes none"))
    for method, path, params, detail in cases:
        assert problem(getattr(boss, method)(path, params=params), 422, detail)["detail"] == detail
    order = {"symbol": "BTC-IRR", "side": "buy", "type": "limit", "price": "1000000",
             "quantity": "0.01"}
    detail = "unknown query parameter 'dry_run' for /orders; it takes none"
    assert problem(boss.post("/orders", params={"dry_run": "1"}, json=order), 422,
                   detail)["detail"] == detail
    assert state(clients) == before
    assert boss.get("/orders", params={"limit": "1", "status": "open"}).status_code == 200


def test_trade_windows_read_iso_times_and_since_before_until(clients):
    """since and until as ISO-8601 date-times only (pydantic alone read '1' as a second
    after 1970 and a bare date as its midnight), and an empty or backward window is a 422
    rather than an empty list that looks like a quiet market."""
    boss = clients["boss"]
    public = {"symbol": "BTC-IRR", "public": "true"}
    for text in ("1", "99999999999", "2026-12-01", "yesterday"):
        detail = f"since: {text!r} is not an ISO-8601 time like 2026-12-02T09:30:00Z"
        assert problem(boss.get("/trades", params={**public, "since": text}), 422,
                       detail)["detail"] == detail
    detail = ("since (2026-12-01T00:00:00+00:00) must be before until "
              "(2026-11-01T00:00:00+00:00)")
    assert problem(boss.get("/trades", params={**public, "since": "2026-12-01T00:00:00Z",
                                               "until": "2026-11-01T00:00:00Z"}), 422,
                   detail)["detail"] == detail
    r = boss.get("/trades", params={**public, "since": "2026-12-01T00:00:00+03:30",
                                    "until": "2026-12-01T00:00:00Z"})   # 3.5 h: a window
    assert r.status_code == 200 and r.json() == []


def test_suspending_a_suspended_user_is_a_409_as_in_the_cli(clients):
    """The CLI's rule (engine.admission.no_change): suspending a suspended user and
    reinstating an active one change nothing, so each is a 409 naming it and nothing is
    journalled (before, each answered 200 and wrote a journal entry): the deposits either
    side of them take consecutive journal seqs."""
    boss = clients["boss"]
    assert boss.post("/users", json={"user_id": "idle"}).status_code == 201
    assert boss.post("/users/idle/suspend").json()["status"] == "suspended"

    def seq() -> int:
        r = boss.post("/wallets/idle:IRR/deposit", json={"amount": "1"})
        assert r.status_code == 201, r.text
        return int(r.json()["transaction_id"])

    first = seq()
    problem(boss.post("/users/idle/suspend"), 409, "user idle is already suspended")
    problem(boss.post("/users/alice/reinstate"), 409, "user alice is already active")
    assert seq() == first + 1
    assert boss.post("/users/idle/reinstate").json()["status"] == "active"
