"""README's gateway example, run as written against a demo exchange (`souq init --demo`)
on a real `souq serve`: the order it posts is accepted (201, not a rejection for being
outside the demo's daily band), and its price lies inside the band the demo's symbol
definition gives. If the demo's prices move, this fails until the README follows."""
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from gw_kit import Client, Server, make_key
from souq.mm.demo import SYMBOLS
from souq_cli import Souq

pytestmark = pytest.mark.slow
README = Path(__file__).resolve().parents[2] / "README.md"


def readme_order() -> dict:
    """The JSON body of the README's `curl ... POST .../orders ... -d '{...}'` example."""
    text = README.read_text()
    found = re.findall(r"curl -s -X POST localhost:\d+/orders .*?-d '(\{.*?\})'", text, re.S)
    assert len(found) == 1, found
    return json.loads(found[0])


def demo_band(symbol: str) -> tuple[Decimal, Decimal]:
    """(low, high) of the demo symbol's daily band around its reference price."""
    spec = next(s for s in SYMBOLS if s["symbol"] == symbol)
    ref, limit = Decimal(spec["ref_price"]), Decimal(spec["daily_limit"])
    return ref * (1 - limit), ref * (1 + limit)


def test_readme_order_price_is_inside_the_demo_band():
    body = readme_order()
    low, high = demo_band(body["symbol"])
    assert low <= Decimal(body["price"]) <= high, (body["price"], low, high)


def test_readme_gateway_example_places_its_order_on_the_demo(tmp_path):
    cli = Souq(tmp_path / "demo.db")
    cli.ok("init", "--demo")
    server = Server(cli, "--rate", "0")
    try:
        alice = Client(server, make_key(cli, "alice"))       # as the README makes the key
        r = alice.post("/orders", json=readme_order())
        assert r.status_code == 201, r.text
        order = r.json()
        assert order["status"] in ("active", "partial", "filled"), order
        assert order["client_order_id"] == "first"
    finally:
        code, err = server.stop()
    assert code == 0 and err == "", (code, err)
