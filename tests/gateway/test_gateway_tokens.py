"""Tokens remembered against the database's auth generation (gateway.auth): a revocation,
a logout or a user change made by any process ends the memory at once."""
import pytest

from souq.db import apikeys as access
from souq.db.store import Store, prepare
from souq.engine.workload import setup
from souq.gateway.auth import Tokens
from souq.gateway.config import GatewayConfig
from souq.gateway.problems import Problem


def test_a_remembered_token_is_checked_again_after_any_auth_change(tmp_path):
    url = f"sqlite:///{tmp_path / 't.db'}"
    store = Store(url)
    store.submit([prepare(o, "@operator") for o in setup(2)], 0)
    cid, secret = access.create_key(store.engine, "u0", "trade")
    tokens = Tokens(store.engine, GatewayConfig(url), lambda *a: None)
    header = "Bearer " + tokens.login(cid, secret)["access_token"]
    assert tokens.remembered(header) is None            # never checked yet
    p = tokens.authenticate(header)
    assert tokens.remembered(header) == p and p.user == "u0"
    assert tokens.remembered("Bearer " + "x" + header[8:]) is None

    # another user suspended (any user change moves the generation): checked again
    store.submit([prepare({"op": "user_status", "user": "u1", "status": "suspended"},
                          "@operator")], 1)
    assert tokens.remembered(header) is None
    assert tokens.authenticate(header) == p and tokens.remembered(header) == p

    # the token's own user suspended: refused at once
    store.submit([prepare({"op": "user_status", "user": "u0", "status": "suspended"},
                          "@operator")], 2)
    assert tokens.remembered(header) is None
    with pytest.raises(Problem, match="user u0 is suspended"):
        tokens.authenticate(header)
    store.submit([prepare({"op": "user_status", "user": "u0", "status": "active"},
                          "@operator")], 3)
    assert tokens.authenticate(header) == p

    # the key revoked (as `souq key revoke` does, on the database): refused at once
    access.revoke_key(store.engine, cid)
    assert tokens.remembered(header) is None
    with pytest.raises(Problem, match="API key was revoked"):
        tokens.authenticate(header)
    tokens.close()
    store.close()
