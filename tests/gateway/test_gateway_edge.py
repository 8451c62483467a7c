"""The gateway's edge against a real `souq serve`: duplicate JSON keys, bodies that are
not JSON, a missing body, unknown symbols and assets, and the quantity limit the CLI uses
too; each a problem document naming what was wrong, with nothing journalled."""
import pytest

from souq.engine.numbers import MAX_PRICE_WHOLE
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
    problem(r, 422, "order rejected: qty 1000000000000000 is above the maximum 100")
    assert r.json()["order"]["status"] == "rejected"


def test_token_wording(clients):
    c = clients["carol"]
    r = c.http.get("/users/me", headers={"Authorization": "Bearer " + c.tokens["refresh_token"]})
    problem(r, 401, "a refresh token was sent where an access token belongs")
    r = c.http.post("/auth/refresh", json={"refresh_token": c.tokens["access_token"]})
    problem(r, 401, "an access token was sent where a refresh token belongs")
