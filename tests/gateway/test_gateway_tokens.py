"""Tokens remembered against the database's auth generation (gateway.auth): a revocation,
a logout or a user change made by any process ends the memory at once."""
import asyncio
import threading

import pytest

from souq.db import apikeys as access
from souq.db.store import Store, prepare
from souq.engine.workload import setup
from souq.gateway.auth import GroupedReads, Tokens
from souq.gateway.committer import STALE, Committer
from souq.gateway.config import GatewayConfig
from souq.gateway.problems import Problem


def test_a_remembered_token_is_checked_again_after_any_auth_change(tmp_path):
    url = f"sqlite:///{tmp_path / 't.db'}"
    store = Store(url)
    store.submit([prepare(o, "@operator") for o in setup(2)], 0)
    cid, secret = access.create_key(store.engine, "u0", "trade")
    tokens = Tokens(store.engine, GatewayConfig(url), lambda *a: None)
    header = "Bearer " + tokens.login(cid, secret)["access_token"]
    p = tokens.remembered(header)          # the login checked it: its first use may be fast
    assert p is not None and p.user == "u0"
    assert tokens.authenticate(header) == p and tokens.remembered(header) == p
    assert tokens.remembered("Bearer " + "x" + header[8:]) is None

    # a change between the login's checks and the first use: checked again
    store.submit([prepare({"op": "user_status", "user": "u1", "status": "suspended"},
                          "@operator")], 1)
    h2 = "Bearer " + tokens.login(cid, secret)["access_token"]
    store.submit([prepare({"op": "user_status", "user": "u1", "status": "active"},
                          "@operator")], 1)
    assert tokens.unexpired(h2) is not None and tokens.remembered(h2) is None

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

    # on the event loop, the same answers without blocking it (Tokens.recall)
    assert asyncio.run(tokens.recall(header)) == p
    store.submit([prepare({"op": "user_status", "user": "u1", "status": "active"},
                          "@operator")], 4)
    assert asyncio.run(tokens.recall(header)) is None
    assert tokens.authenticate(header) == p and asyncio.run(tokens.recall(header)) == p

    # the key revoked (as `souq key revoke` does, on the database): refused at once
    access.revoke_key(store.engine, cid)
    assert tokens.remembered(header) is None
    assert asyncio.run(tokens.recall(header)) is None
    with pytest.raises(Problem, match="API key was revoked"):
        tokens.authenticate(header)
    tokens.close()
    store.close()


def test_grouped_reads_answer_each_caller_with_a_read_begun_after_it_asked():
    """Callers asking while a read runs share the next one: a burst costs two reads, and
    no caller is answered by a read that began before it asked."""
    reads, release = [], threading.Event()

    def read():
        release.wait()
        reads.append(len(reads) + 1)
        return reads[-1]

    grouped = GroupedReads(read)

    async def burst():
        first = asyncio.ensure_future(grouped.value())
        await asyncio.sleep(0)             # the first read has begun (and waits)
        rest = [asyncio.ensure_future(grouped.value()) for _ in range(9)]
        await asyncio.sleep(0)
        release.set()
        return await first, await asyncio.gather(*rest)

    try:
        first, rest = asyncio.run(burst())
    finally:
        grouped.close()
    assert first == 1 and rest == [2] * 9 and reads == [1, 2]


def test_a_failed_read_fails_its_callers_only():
    calls = []

    def read():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the database failed")
        return "g"

    grouped = GroupedReads(read)

    async def twice():
        with pytest.raises(RuntimeError, match="the database failed"):
            await grouped.value()
        return await grouped.value()

    try:
        assert asyncio.run(twice()) == "g"
    finally:
        grouped.close()


def test_a_gated_command_is_applied_only_while_its_generation_stands(tmp_path):
    """The fast path's orders carry the generation their token was checked at; the
    committer reads the database's once per batch and journals nothing for a stale one."""
    url = f"sqlite:///{tmp_path / 't.db'}"
    store = Store(url)
    store.submit([prepare(o, "@operator") for o in setup(2)], 0)
    tokens = Tokens(store.engine, GatewayConfig(url), lambda *a: None)
    committer = Committer(url, auth_generation=tokens.generation)

    async def gated(generation):
        return await committer.enqueue_async(prepare({"op": "cancel_all", "user": "u0"},
                                                     "u0"), generation)
    try:
        before = tokens.generation()
        done = asyncio.run(gated(before))
        assert done is not STALE and done.accepted
        seq = done.seq
        store.submit([prepare({"op": "user_status", "user": "u0", "status": "suspended"},
                              "@operator")], 1)
        assert tokens.generation() != before
        assert asyncio.run(gated(before)) is STALE
        assert asyncio.run(gated(tokens.generation())).seq == seq + 2   # nothing in between
    finally:
        committer.close()
        tokens.close()
        store.close()
