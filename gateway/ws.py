"""/ws: subscribe to public channels; authenticate, then to your private ones.

Client messages (JSON text): {"op": "subscribe"|"unsubscribe", "channel": C, "symbol": S}
for book, trades and ticker; {"op": "auth", "token": ACCESS_TOKEN} then
{"op": "subscribe", "channel": "orders"|"fills"|"wallets"}; {"op": "ping"}.
Every refusal is {"type": "error", "detail": one sentence}; the socket stays open.
"""
import asyncio

import orjson
from fastapi import WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from .feed import PRIVATE, PUBLIC, Subscriber
from .problems import Problem
from .service import limit

MAX_MESSAGE = 4096


async def websocket_endpoint(ws: WebSocket) -> None:
    g = ws.app.state.gw
    await ws.accept()
    box: asyncio.Queue = asyncio.Queue()
    sub = Subscriber(asyncio.get_running_loop(), box)
    who = {"principal": None}

    async def pump():
        while True:
            await ws.send_text(orjson.dumps(await box.get()).decode())

    sender = asyncio.create_task(pump())
    try:
        while True:
            text = await ws.receive_text()
            reply = await _handle(g, sub, who, text)
            if reply is not None:
                box.put_nowait(reply)
    except WebSocketDisconnect:
        pass
    finally:
        sender.cancel()
        g.feed.drop(sub)


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
    op = msg.get("op")
    key = who["principal"].client_id if who["principal"] else None
    try:
        limit(g, key or f"ws:{id(sub)}")
    except Problem as exc:
        return _error(exc.detail)
    if op == "ping":
        return {"type": "pong"}
    if op == "auth":
        token = msg.get("token")
        if not isinstance(token, str):
            return _error("auth needs a token: {\"op\": \"auth\", \"token\": ACCESS_TOKEN}")
        try:
            who["principal"] = await run_in_threadpool(g.tokens.authenticate, "Bearer " + token)
        except Problem as exc:
            return _error(exc.detail)
        p = who["principal"]
        return {"type": "authenticated", "user_id": p.user, "scope": p.scope}
    if op not in ("subscribe", "unsubscribe"):
        return _error(f"unknown op {op!r}; use subscribe, unsubscribe, auth or ping")
    channel = msg.get("channel")
    if channel in PUBLIC:
        symbol = msg.get("symbol")
        if not isinstance(symbol, str) or g.api.symbol(symbol) is None:
            return _error(f"channel {channel} needs a listed symbol; {symbol!r} is not one")
        key = symbol
    elif channel in PRIVATE:
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
        return _error(f"unknown channel {channel!r}; public: {', '.join(PUBLIC)}; "
                      f"private: {', '.join(PRIVATE)}")
    if op == "unsubscribe":
        g.feed.unsubscribe(sub, channel, key)
        return {"type": "unsubscribed", "channel": channel, "key": key}
    await run_in_threadpool(g.feed.subscribe, sub, channel, key)
    return None
