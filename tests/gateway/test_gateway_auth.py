"""Keys, logins and tokens against a real `souq serve`: every way a credential can be bad."""
import time

import jwt
import pytest

from gw_kit import Client, Server, make_key, problem
from pg_kit import rows

pytestmark = pytest.mark.slow


def test_key_create_json_shape_and_only_a_hash_is_stored(gw_market):
    key = make_key(gw_market, "carol")
    assert set(key) == {"client_id", "client_secret"}
    listed = gw_market.json("key", "list")
    mine = [k for k in listed if k["client_id"] == key["client_id"]]
    assert mine and mine[0]["user"] == "carol" and mine[0]["scope"] == "trade"
    assert key["client_secret"] not in gw_market.ok("key", "list", "--json")
    ((stored,),) = rows(gw_market.db_url, "select secret_hash from api_keys where client_id = :c",
                        c=key["client_id"])
    assert stored.startswith("$argon2id$") and key["client_secret"] not in stored


def test_key_create_refusals(gw_market):
    gw_market.fail_all([
        (("key", "create", "nobody"), None, "unknown user 'nobody'"),
        (("key", "create", "alice", "--scope", "root"), None, "scope 'root' is not one of"),
        (("key", "create", "alice", "--scope", "admin"), None,
         "scope 'admin' needs an admin user; alice is a trader"),
        (("key", "create", "bob"), "alice", "only an admin may manage API keys"),
        (("key", "list"), "alice", "only an admin may manage API keys"),
        (("key", "revoke", "sk_nope"), None, "unknown API key 'sk_nope'"),
    ])


def test_login_refresh_rotation_and_logout(server, keys):
    c = Client(server, keys["bob"])
    assert c.tokens["expires_in"] == 900 and c.tokens["token_type"] == "Bearer"
    assert c.get("/users/me").json()["user_id"] == "bob"
    first_refresh = c.tokens["refresh_token"]
    r = c.http.post("/auth/refresh", json={"refresh_token": first_refresh})
    assert r.status_code == 200, r.text
    c.tokens = r.json()
    assert c.get("/users/me").status_code == 200
    # the spent refresh token is refused, and reusing it ends that login session
    problem(c.http.post("/auth/refresh", json={"refresh_token": first_refresh}), 401,
            "the refresh token was already used")
    problem(c.get("/users/me"), 401, "the token was revoked (its session ended when a refresh "
                                     "token was used a second time; log in again)")
    # a fresh login, then logout revokes its tokens
    c.tokens = c.login()
    r = c.post("/auth/logout")
    # a 204 has no body and so no Content-Type (RFC 9110 section 15.3.5)
    assert (r.status_code, r.content, r.headers.get("content-type")) == (204, b"", None)
    assert "content-length" not in r.headers or r.headers["content-length"] == "0"
    problem(c.get("/users/me"), 401, "the token was revoked (logged out)")
    problem(c.http.post("/auth/refresh", json={"refresh_token": c.tokens["refresh_token"]}),
            401, "already used or its session ended")


def test_bad_tokens(server, keys, gw_market):
    c = Client(server, keys["carol"])
    problem(c.http.get("/users/me"), 401, "missing Authorization header")
    problem(c.http.get("/users/me", headers={"Authorization": "Basic abc"}), 401,
            "must be 'Bearer ACCESS_TOKEN'")
    claims = jwt.decode(c.tokens["access_token"], options={"verify_signature": False})
    forged = jwt.encode({**claims, "sub": "alice"}, "not-the-secret-but-long-enough-for-hs256!", "HS256")
    problem(c.http.get("/users/me", headers={"Authorization": f"Bearer {forged}"}), 401,
            "not valid (bad signature or malformed)")
    ((secret,),) = rows(gw_market.db_url, "select value from meta where key = 'gateway_jwt_secret'")
    expired = jwt.encode({**claims, "exp": int(time.time()) - 5}, secret, "HS256")
    problem(c.http.get("/users/me", headers={"Authorization": f"Bearer {expired}"}), 401,
            "the access token has expired")
    refresh_as_access = c.tokens["refresh_token"]
    problem(c.http.get("/users/me", headers={"Authorization": f"Bearer {refresh_as_access}"}),
            401, "a refresh token was sent where an access token belongs")
    problem(c.http.get("/users/me", headers={"Authorization": "Bearer x.y.z"}), 401, "not valid")


def test_wrong_secret_by_one_character_and_lockout_with_alert(server, gw_market):
    key = make_key(gw_market, "carol")
    wrong = key["client_secret"][:-1] + ("A" if key["client_secret"][-1] != "A" else "B")
    import httpx
    http = httpx.Client(base_url=server.url, timeout=120)
    for _ in range(5):
        problem(http.post("/auth/login", json={**key, "client_secret": wrong}), 401,
                "unknown client id or wrong client secret")
    r = http.post("/auth/login", json=key)         # even the right secret waits now
    body = problem(r, 429, f"client id {key['client_id']} is locked")
    assert int(r.headers["Retry-After"]) > 0 and body["detail"].endswith(" s")
    alerts = rows(gw_market.db_url,
                  "select source, kind, text from alerts where kind = 'login_lockout'")
    assert any(key["client_id"] in text for _, _, text in alerts), alerts


def test_wrong_scope_revoked_key_and_suspended_user(server, keys, gw_market):
    reader = Client(server, keys["alice_read"])
    order = {"symbol": "BTC-IRR", "side": "buy", "price": "100000000", "quantity": "0.01"}
    problem(reader.post("/orders", json=order), 403,
            "a key with scope 'read' may not place orders; it needs scope 'trade'")
    assert reader.get("/orders").status_code == 200
    # a revoked key's tokens stop at once
    gw_market.ok("user", "add", "dave")
    dave_key = make_key(gw_market, "dave")
    dave = Client(server, dave_key)
    assert dave.get("/users/me").status_code == 200
    gw_market.ok("key", "revoke", dave_key["client_id"])
    problem(dave.get("/users/me"), 401, "the token's API key was revoked")
    problem(dave.http.post("/auth/login", json=dave_key), 401, "wrong client secret")
    # a suspended user's tokens stop at once; reinstated, they work again
    gw_market.ok("user", "add", "erin")
    erin = Client(server, make_key(gw_market, "erin"))
    assert erin.get("/wallets").status_code == 200
    gw_market.ok("user", "suspend", "erin")
    problem(erin.get("/wallets"), 403, "user erin is suspended")
    problem(erin.post("/orders", json=order), 403, "user erin is suspended")
    gw_market.ok("user", "reinstate", "erin")
    assert erin.get("/wallets").status_code == 200


def test_ctrl_c_stops_cleanly_and_keeps_what_was_accepted(gw_market, keys):
    s = Server(gw_market, "--rate", "0")
    c = Client(s, keys["carol"])
    r = c.post("/orders", json={"symbol": "BTC-IRR", "side": "sell", "price": "104000000",
                                "quantity": "0.25", "client_order_id": "keep-me"})
    assert r.status_code == 201, r.text
    code, err = s.stop()
    assert code == 0 and err == ""
    rows = gw_market.json("orders", as_user="carol")
    kept = [o for o in rows if o["client_id"] == "keep-me"]
    assert kept and kept[0]["status"] == "active" and kept[0]["qty"] == "0.25"
