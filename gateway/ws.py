"""/ws: subscribe to public channels; authenticate, then to your private ones.

Client messages (JSON text): {"op": "subscribe"|"unsubscribe", "channel": C, "symbol": S}
for book, trades and ticker; {"op": "auth", "token": ACCESS_TOKEN} then
{"op": "subscribe", "channel": "orders"|"fills"|"wallets"}; {"op": "ping"}.
Every refusal is {"type": "error", "detail": one sentence}; the socket stays open. A
message is read as strictly as a route reads a body: a missing op, channel or symbol is
named, and a field its op does not take (FIELDS) is refused rather than ignored, so a
client that sends `"depth": 5` learns the channel has no such setting.

Cancel on disconnect (the dead-man's switch): after auth, {"op": "cancel_on_disconnect",
"timeout": N} (seconds, 1 to 3600) arms it; when the socket closes or sends nothing (a
ping will do) for N seconds, every open order of the user is cancelled.
"""
import asyncio
import time

import orjson
from fastapi import WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from .bodies import duplicate_key
from .feed import PRIVATE, PUBLIC, Subscriber
from .problems import Problem
from .service import limit

MAX_MESSAGE = 4096


async def websocket_endpoint(ws: WebSocket) -> None:
    g = ws.app.state.gw
    await ws.accept()
    box: asyncio.Queue = asyncio.Queue()
    sub = Subscriber(asyncio.get_running_loop(), box)
    who = {"principal": None, "deadman": None, "last": time.monotonic()}

    async def pump():
        while True:
            await ws.send_text(orjson.dumps(await box.get()).decode())

    async def watchdog():
        while True:
            await asyncio.sleep(0.2)
            armed = who["deadman"]
            if armed is not None and time.monotonic() - who["last"] > armed:
                await ws.close(code=4000, reason="silent past the cancel-on-disconnect timeout")
                return

    sender = asyncio.create_task(pump())
    guard = asyncio.create_task(watchdog())
    try:
        while True:
            text = await ws.receive_text()
            who["last"] = time.monotonic()
            reply = await _handle(g, sub, who, text)
            if reply is not None:
                box.put_nowait(reply)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        sender.cancel()
        guard.cancel()
        g.feed.drop(sub)
        if who["deadman"] is not None:
            await run_in_threadpool(_cancel_all, g, who["principal"])


def _cancel_all(g, p) -> None:
    """The dead-man's switch fires: cancel every open order of the user."""
    try:
        g.run({"op": "cancel_all", "user": p.user}, p)
    except Exception:       # the server is stopping: the orders stay, as on a crash
        pass


def _error(detail: str) -> dict:
    return {"type": "error", "detail": detail}


async def _handle(g, sub, who, text: str) -> dict | None:
    if len(text) > MAX_MESSAGE:
        return _error(f"message larger than {MAX_MESSAGE} bytes")
    try:
        msg = orjson.loads(text)
    except orjson.JSONDecodeError:
        return _error("a message must be a JSON object")
    if not isinstance(msg, dict):
        return _error("a message must be a JSON object")
    repeated = duplicate_key(text, "the message")     # messages are small: read strictly
    if repeated:
        return _error(repeated)
    op = msg.get("op")
    key = who["principal"].client_id if who["principal"] else None
    try:
        limit(g, key or f"ws:{id(sub)}")
    except Problem as exc:
        return _error(exc.detail)
    if op is None:
        return _error(f"a message needs an op: {_choices(OPS)}")
    handler = OPS.get(op) if isinstance(op, str) else None
    if handler is None:
        return _error(f"unknown op {op!r}; use {_choices(OPS)}")
    unknown = [f for f in msg if f not in FIELDS[op]]
    if unknown:
        return _error(f"unknown field {unknown[0]!r} in {_a(op)} message; it takes "
                      f"{_choices(FIELDS[op])}")
    return await handler(g, sub, who, msg)


def _a(op: str) -> str:
    """`a subscribe`, `an auth`: the op with its article, for a refusal's sentence."""
    return f"{'an' if op[0] in 'aeiou' else 'a'} {op}"


def _choices(names) -> str:
    """`a, b or c`."""
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


async def _ping(g, sub, who, msg) -> dict:
    return {"type": "pong"}


async def _auth(g, sub, who, msg) -> dict:
    token = msg.get("token")
    if not isinstance(token, str):
        return _error("auth needs a token: {\"op\": \"auth\", \"token\": ACCESS_TOKEN}")
    try:
        who["principal"] = await run_in_threadpool(g.tokens.authenticate, "Bearer " + token)
    except Problem as exc:
        return _error(exc.detail)
    p = who["principal"]
    return {"type": "authenticated", "user_id": p.user, "scope": p.scope}


async def _cancel_on_disconnect(g, sub, who, msg) -> dict:
    p = who["principal"]
    if p is None:
        return _error("cancel_on_disconnect needs auth first")
    timeout = msg.get("timeout")
    if type(timeout) is not int or not 1 <= timeout <= 3600:
        return _error("cancel_on_disconnect needs an integer timeout of 1 to 3600 seconds")
    reason = p.refuse("cancel_all")
    if reason:
        return _error(reason)
    who["deadman"] = timeout
    return {"type": "cancel_on_disconnect", "timeout": timeout, "user_id": p.user}


async def _subscription(g, sub, who, msg) -> dict | None:
    """subscribe or unsubscribe (msg["op"]) to a channel."""
    op = msg["op"]
    channel = msg.get("channel")
    if channel in PUBLIC:
        symbol = msg.get("symbol")
        if symbol is None:
            return _error(f"channel {channel} needs a symbol")
        if not isinstance(symbol, str) or g.api.symbol(symbol) is None:
            return _error(f"channel {channel} needs a listed symbol; {symbol!r} is not one")
        key = symbol
    elif channel in PRIVATE:
        if "symbol" in msg:
            return _error(f"channel {channel} takes no symbol: it carries all of yours")
        p = who["principal"]
        if p is None:
            return _error(f"channel {channel} is private: authenticate first with "
                          "{\"op\": \"auth\", \"token\": ACCESS_TOKEN}")
        try:   # the token may have been revoked or the user suspended since
            p = who["principal"] = await run_in_threadpool(g.tokens.principal_of, {
                "sid": p.sid, "cid": p.client_id})
        except Problem as exc:
            who["principal"] = None
            return _error(exc.detail)
        key = p.user
    else:
        what = (f"{_a(op)} message needs a channel" if channel is None
                else f"unknown channel {channel!r}")
        return _error(f"{what}; public: {', '.join(PUBLIC)}; private: {', '.join(PRIVATE)}")
    if op == "unsubscribe":
        g.feed.unsubscribe(sub, channel, key)
        return {"type": "unsubscribed", "channel": channel, "key": key}
    await run_in_threadpool(g.feed.subscribe, sub, channel, key)
    return None


#: the client messages, by op (the unknown-op refusal lists these)
OPS = {"subscribe": _subscription, "unsubscribe": _subscription, "auth": _auth,
       "cancel_on_disconnect": _cancel_on_disconnect, "ping": _ping}
#: the fields each op takes (a private channel takes no symbol: _subscription says so)
FIELDS = {"subscribe": ("op", "channel", "symbol"), "unsubscribe": ("op", "channel", "symbol"),
          "auth": ("op", "token"), "cancel_on_disconnect": ("op", "timeout"), "ping": ("op",)}
