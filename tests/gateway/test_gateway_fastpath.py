"""POST /orders ahead of the framework (gateway.fastpath): it takes only bodies the route's
model accepts as they are, and answers exactly as the route does; everything else goes
on to the route."""
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from gw_kit import Client, Server, problem
from souq.gateway.fastpath import order_fields, takes
from souq.gateway.schemas import OrderIn


def route_reads(body: bytes) -> dict | None:
    """What the route makes of a body (FastAPI: json.loads, then the strict model)."""
    try:
        return OrderIn.model_validate(json.loads(body)).model_dump()
    except (ValueError, ValidationError):
        return None


DECIMALS = st.one_of(st.sampled_from(["1", "0.5", "100000000", "0.000000001", "1e3", "-1", "0",
                                      "1.0000000001", "1,5", " 1", "١", "1_0", "99999999999999999",
                                      "", "NaN", "0x10", "1.", ".5"]),
                     st.text(max_size=12))
VALUES = {
    "symbol": st.one_of(st.sampled_from(["BTC-IRR", "", "x" * 64, "x" * 65, "BTC IRR"]), st.text()),
    "side": st.sampled_from(["buy", "sell", "BUY", "hold", ""]),
    "type": st.sampled_from(["limit", "market", "stop_limit", "stop_market", "Limit", "ioc"]),
    "price": DECIMALS, "quantity": DECIMALS, "stop_price": DECIMALS,
    "time_in_force": st.sampled_from(["gtc", "ioc", "fok", "day", "post_only", "GTC", "x"]),
    "stp": st.sampled_from(["none", "newest", "oldest", "both", "all"]),
    "client_order_id": st.sampled_from(["a1", "", "x" * 65]),
    "extra": st.just("1"),
}
ANY = st.one_of(st.none(), st.integers(), st.floats(allow_nan=False), st.booleans(),
                st.lists(st.just("1"), max_size=1))


@st.composite
def bodies(draw) -> bytes:
    keys = draw(st.sets(st.sampled_from(sorted(VALUES)), max_size=len(VALUES)))
    obj = {}
    for k in sorted(keys):
        obj[k] = draw(st.one_of(VALUES[k], VALUES[k], ANY))
    if draw(st.booleans()):
        obj.update(symbol="BTC-IRR", side="buy", quantity=draw(DECIMALS))
    return json.dumps(obj).encode()


@settings(max_examples=600, deadline=None)
@given(bodies())
def test_what_it_takes_the_route_takes_the_same(body):
    """order_fields checks the shape and prepare (the engine's parse_command) reads the
    numbers: together they take only what the route's model takes, as the model reads it;
    the numbers the engine reads are the ones it journals."""
    taken = takes(body, "alice")
    if taken is None:
        return
    fields = order_fields(body)
    model = route_reads(body)
    assert model is not None, body
    assert {k: v for k, v in model.items() if k != "client_order_id"} == \
        {**{"type": "limit", "price": None, "stop_price": None, "time_in_force": None,
            "stp": None}, **fields}
    assert model["client_order_id"] is None
    obj, (cmd, text, actor, op) = taken
    assert (actor, op, json.loads(text)) == ("alice", model["type"], obj)
    assert cmd.invalid is None and cmd.qty is not None


@st.composite
def shaped(draw) -> bytes:
    """Bodies of the shape the fast path takes, with any decimal text in their numbers."""
    kind = draw(st.sampled_from(["limit", "market", "stop_limit", "stop_market"]))
    obj = {"symbol": "BTC-IRR", "side": draw(st.sampled_from(["buy", "sell"])), "type": kind,
           "quantity": draw(DECIMALS)}
    if kind in ("limit", "stop_limit"):
        obj["price"] = draw(DECIMALS)
    if kind.startswith("stop"):
        obj["stop_price"] = draw(DECIMALS)
    return json.dumps(obj).encode()


@settings(max_examples=300, deadline=None)
@given(shaped())
def test_its_numbers_are_the_models(body):
    """The fast path reads numbers only through prepare (PlaceOrder.invalid): of bodies
    shaped as it takes them, it takes exactly those whose numbers the model accepts."""
    assert order_fields(body) is not None
    assert (takes(body, "alice") is None) == (route_reads(body) is None), body


@pytest.mark.parametrize("body", [
    b'{"symbol": "BTC-IRR", "side": "buy", "quantity": 1}',               # a JSON number
    b'{"symbol": "BTC-IRR", "side": "buy", "quantity": "1e3"}',           # exponent
    b'{"symbol": "BTC-IRR", "side": "buy", "quantity": "1", "x": "1"}',   # unknown field
    b'{"symbol": "BTC-IRR", "side": "buy", "quantity": "1", "price": null}',
    b'{"symbol": "BTC-IRR", "side": "buy", "quantity": "1", "client_order_id": "a"}',
    b'{"symbol": "BTC-IRR", "side": "buy"}',                              # no quantity
    b'[1]', b'{"symbol": "BTC-IRR", "side": "buy", "quantity": "1"', b'\xff',
])
def test_anything_else_goes_on_to_the_route(body):
    assert takes(body, "alice") is None


def test_a_plain_order_takes_it():
    assert order_fields(b'{"symbol": "BTC-IRR", "side": "buy", "type": "limit", '
                        b'"price": "95000000", "quantity": "0.01"}') == {
        "symbol": "BTC-IRR", "side": "buy", "type": "limit", "price": "95000000",
        "quantity": "0.01"}
    obj, (cmd, _, _, _) = takes(b'{"symbol": "BTC-IRR", "side": "buy", "type": "limit", '
                                b'"price": "95000000", "quantity": "0.01"}', "alice")
    assert obj == {"op": "limit", "user": "alice", "symbol": "BTC-IRR", "side": "buy",
                   "qty": "0.01", "price": "95000000"}
    assert (cmd.qty, cmd.price, cmd.invalid) == (10_000_000, 95_000_000 * 10**9, None)



@pytest.fixture(scope="module")
def tight(gw_market):
    """A second server on the same market with a small rate limit (three requests in a
    burst, then one per 100 s)."""
    s = Server(gw_market, "--rate", "0.01", "--burst", "3")
    yield s
    code, err = s.stop()
    assert code == 0 and err == "", (code, err)


@pytest.mark.slow
def test_the_same_answers_as_the_route(server, keys, gw_market):
    """A token's first order after an auth change (here another user's, after the login
    that remembered the token) is checked in full by the route; once remembered again, its
    orders take the fast path: placed, rejected and refused alike answer the same."""
    gw_market.ok("user", "add", "frank")
    for body, status in (
            ({"symbol": "BTC-IRR", "side": "buy", "price": "95000000", "quantity": "0.01"}, 201),
            ({"symbol": "BTC-IRR", "side": "buy", "price": "95000500", "quantity": "0.01"}, 422),
            ({"symbol": "NOPE-IRR", "side": "buy", "price": "95000000", "quantity": "0.01"}, 404)):
        bob = Client(server, keys["bob"])           # a new login, then an auth change
        gw_market.ok("user", "suspend", "frank")
        gw_market.ok("user", "reinstate", "frank")
        first, second = bob.post("/orders", json=body), bob.post("/orders", json=body)
        assert first.status_code == second.status_code == status, (first.text, second.text)
        assert first.headers.keys() == second.headers.keys()
        for h in ("content-type", "content-length"):
            assert first.headers[h] == second.headers[h]
        a, b = first.json(), second.json()
        for x, y in ((a, b), (a.get("order"), b.get("order"))):
            if x is not None and "order_id" in x:    # a new order: its own id (and "#id")
                assert int(y.pop("order_id")) > int(x.pop("order_id"))
                x.pop("client_order_id"), y.pop("client_order_id")
                # and its own time (both answers carry one)
                assert x.pop("created_at") <= y.pop("created_at") is not None
        assert a == b


@pytest.mark.slow
def test_a_flood_of_orders_is_429_with_retry_after(tight, keys):
    c = Client(tight, keys["carol"])                # the login spent one of three
    body = {"symbol": "BTC-IRR", "side": "buy", "price": "96000000", "quantity": "0.01"}
    answers = [c.post("/orders", json=body) for _ in range(4)]
    assert [r.status_code for r in answers] == [201, 201, 429, 429]
    problem(answers[3], 429, "rate limit of 0.01 requests/s exceeded")
    assert 1 <= int(answers[3].headers["Retry-After"]) <= 100
