"""Abuse controls and the audit log against a real `souq serve`: a flood past the rate
limit, oversized bodies, and a request log that never holds a secret or a token."""

import time

import httpx
import pytest

import pg_kit
from gw_kit import Client, Server, problem

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tight(gw_market):
    """A server with a small rate limit (5 requests in a burst, then one per 100 s, so
    the test does not depend on how fast requests go) and a 1 KiB body limit."""
    s = Server(gw_market, "--rate", "0.01", "--burst", "5", "--max-body", "1024")
    yield s
    code, err = s.stop()
    assert code == 0 and err == "", (code, err)


def test_flood_past_the_rate_limit_is_429_with_retry_after(tight, keys):
    c = Client(tight, keys["bob"])         # the login spent one of the key's five
    answers = [c.get("/wallets") for _ in range(8)]
    codes = [r.status_code for r in answers]
    assert codes == [200] * 4 + [429] * 4, codes
    problem(answers[4], 429, "rate limit of 0.01 requests/s exceeded")
    assert 1 <= int(answers[4].headers["Retry-After"]) <= 100
    # another key has its own budget
    assert Client(tight, keys["carol"]).get("/wallets").status_code == 200


def test_oversized_bodies_are_413_declared_or_streamed(tight, keys):
    big = b'{"client_id": "' + b"x" * 4000 + b'", "client_secret": "y"}'
    http = httpx.Client(base_url=tight.url, timeout=120)
    problem(http.post("/auth/login", content=big, headers={"content-type": "application/json"}),
            413, "larger than the limit of 1024 bytes")

    def chunks():     # no Content-Length: the limit is counted as the bytes arrive
        yield big[:600]
        yield big[600:]
    problem(http.post("/auth/login", content=chunks(),
                      headers={"content-type": "application/json"}), 413, "larger than the limit")


def test_every_request_is_audited_without_secrets_or_tokens(server, keys, gw_market):
    c = Client(server, keys["carol"])
    c.get("/orders")
    problem(c.http.get("/users/me", headers={"Authorization": "Bearer nonsense"}), 401, "not valid")
    c.http.post("/auth/login", json={**keys["carol"], "client_secret": "wrong"})
    server_log = server.log.read_text()
    rows = gw_market.json("audit", "--key", keys["carol"]["client_id"], "--limit", "1000")
    routes = [(r["method"], r["route"], r["status"]) for r in rows]
    assert ("POST", "/auth/login", 200) in routes and ("GET", "/orders", 200) in routes
    assert ("POST", "/auth/login", 401) in routes
    assert all(r["user"] in ("carol", None) and r["latency_us"] >= 0 for r in rows)
    assert len({r["request_id"] for r in rows}) == len(rows)
    assert any(r["route"] == "/users/me" and r["status"] == 401
               for r in gw_market.json("audit", "--status", "401"))
    table = repr(pg_kit.rows(gw_market.db_url, "select * from audit"))
    for secret in (keys["carol"]["client_secret"], c.tokens["access_token"],
                   c.tokens["refresh_token"], "nonsense", "wrong"):
        assert secret not in server_log and secret not in table
    text = gw_market.ok("audit", "--limit", "5")
    assert "audit" in text and "/auth/login" in text or "/orders" in text
    gw_market.fails("audit", as_user="alice", match="only an admin may read the audit log")


def test_the_audit_log_names_the_documentation_routes_and_groups_latency(server, gw_market,
                                                                         monkeypatch):
    with httpx.Client(base_url=server.url, timeout=120) as http:
        for path in ("/openapi.json", "/docs", "/redoc", "/no-such-page"):
            http.get(path)
    wanted = {("/openapi.json", 200), ("/docs", 200), ("/redoc", 200), ("(no route)", 404)}
    deadline = time.monotonic() + 120          # the audit thread writes in batches
    while True:
        rows = gw_market.json("audit", "--limit", "1000")
        seen = {(r["route"], r["status"]) for r in rows}
        if wanted <= seen or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert wanted <= seen, seen
    assert ("(no route)", 200) not in seen
    # the table groups the µs column as every souq number (mm.display.number)
    from souq.mm.display import number
    slow = max(rows, key=lambda r: r["latency_us"])
    monkeypatch.setenv("COLUMNS", "400")       # a wide table: each row on one line
    text = gw_market.ok("audit", "--limit", "1000")
    if slow["latency_us"] >= 1000:
        assert number(slow["latency_us"], 0) in text and "," in number(slow["latency_us"], 0)
