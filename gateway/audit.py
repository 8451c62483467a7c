"""The request log: every request and its answer (request id, key, user, route, status,
latency), to a rotating file and the audit table. Never a body, a secret or a token.

An ASGI middleware, so it also sees refusals made before any route runs; it enforces the
body size limit too, since it is the first to see the bytes.
"""
import logging
import logging.handlers
import os
import queue
import threading
import time
import itertools
import secrets

import orjson

from starlette.exceptions import HTTPException as StarletteHTTPException

from souq.db import apikeys as access

from . import bodies, fastpath
from .problems import response


_RID_PREFIX = secrets.token_hex(4)     # request ids: unique per process and across restarts
_rid_counter = itertools.count(1)


class AuditLog:
    """Rows go to the file and to the database in batches from one thread, off the
    request path; `close` writes what is queued before it returns."""

    def __init__(self, engine, path) -> None:
        self.engine = engine
        path.parent.mkdir(parents=True, exist_ok=True)
        self.logger = logging.getLogger(f"souq.gateway.audit.{id(self)}")
        self.logger.propagate = False
        self.logger.setLevel(logging.INFO)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=10_000_000, backupCount=5,
                                                       encoding="utf-8")
        self.logger.addHandler(handler)
        try:
            os.chmod(path, 0o600)
        except OSError:
            pass
        self._q: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="souq-audit", daemon=True)
        self._thread.start()

    def record(self, row: tuple) -> None:
        self._q.put(row)

    def _run(self) -> None:
        stop = False
        while not stop:
            rows = [self._q.get()]
            time.sleep(0.05)           # let a burst gather: one transaction for many rows
            while True:
                try:
                    rows.append(self._q.get_nowait())
                except queue.Empty:
                    break
            stop = None in rows
            rows = [r for r in rows if r is not None]
            cols = access.AUDIT_COLS
            dicts = [dict(zip(cols, row)) for row in rows]   # one per row, file and table
            if dicts:      # one write for the batch: the same lines, one call each
                self.logger.info(b"\n".join(map(orjson.dumps, dicts)).decode())
            try:
                access.add_audit(self.engine, dicts)
            except Exception as exc:   # the log file still has them; say so there
                self.logger.error(f"audit table write failed: {exc}")

    def close(self) -> None:
        self._q.put(None)
        self._thread.join(timeout=30)
        for h in list(self.logger.handlers):
            h.close()
            self.logger.removeHandler(h)


class AuditMiddleware:
    """The gateway's edge, outermost around the FastAPI app (app.create_app): a request id
    on every answer, the size, NUL and Host refusals, `POST /orders` placed by
    gateway.fastpath when it can be, and one audit row per request or WebSocket, however
    it ended (an error raised in the app is recorded as the 500 it became, then passed
    on). `gateway_state()` is the Gateway once the app started (None before)."""

    def __init__(self, app, gateway_state) -> None:
        self.app = app
        self.state = gateway_state       # callable -> Gateway (set when the app starts)

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        g = self.state()
        start = time.perf_counter()
        rid = f"{_RID_PREFIX}{next(_rid_counter):08x}"
        state = scope.get("state")
        if state is None:
            state = scope["state"] = {}
        state["request_id"] = rid
        status = [0]
        rid_header = (b"x-request-id", rid.encode())

        async def sending(message):
            kind = message["type"]
            if kind == "http.response.start":
                status[0] = message["status"]
                message["headers"] = [*message.get("headers", ()), rid_header]
            elif kind == "websocket.accept":
                status[0] = 101
            await send(message)

        busy = g.collector if g is not None and scope["type"] == "http" else None
        if busy is not None:
            busy.begin()
        try:
            await self._answer(g, scope, receive, send, sending, rid_header, status)
        finally:
            if busy is not None:
                busy.end()
            if g is not None and g.audit is not None:
                client = scope.get("client")
                g.audit.record((time.time_ns(), rid, state.get("client_id"), state.get("user"),
                                scope.get("method", "WS"),
                                _route_path(scope),
                                status[0] or 500, int((time.perf_counter() - start) * 1e6),
                                client[0] if client else None))

    async def _answer(self, g, scope, receive, send, sending, rid_header, status) -> None:
        """Answer the request through `sending` (which notes the status in status[0] and
        adds the request id), or, on the order fast path, through `send` itself with the
        request id among its headers and the status noted here."""
        limit = g.config.max_body if g else 1 << 20
        declared, host = _declared(scope)
        if scope["type"] == "http" and declared > limit:
            await response(413, f"the request body is larger than the limit of {limit} "
                                "bytes", scope["path"])(scope, receive, sending)
        elif _nul_in_target(scope):
            await response(400, "the request path or query contains a NUL character, which "
                                "no name or id may hold", None)(scope, receive, sending)
        elif not host and scope.get("http_version") == "1.1":
            await response(400, "an HTTP/1.1 request must carry a Host header (RFC 9112, "
                                "section 3.2)", None)(scope, receive, sending)
        else:
            problem, body_receive, body, flat = await bodies.checked(scope,
                                                                     _capped(receive, limit))
            if problem:
                await response(*problem, scope["path"])(scope, receive, sending)
            elif (g is not None and body and scope["method"] == "POST"
                  and scope["path"] == fastpath.PATH and not scope["query_string"]):
                status[0] = await fastpath.place(g, scope, body, flat, body_receive, send,
                                                 rid_header)
                if not status[0]:
                    await self.app(scope, body_receive, sending)
            else:
                await self.app(scope, body_receive, sending)


def _route_path(scope) -> str:
    """The route a request was answered by, for the audit log: a FastAPI route's path
    template, else the path of the plain Starlette route that matched it (/openapi.json,
    /docs, /docs/oauth2-redirect, /redoc: they set an endpoint but no route), else
    "(no route)" (a 404, or a refusal at the edge before routing)."""
    path = getattr(scope.get("route"), "path", None)
    if path is None and scope.get("endpoint") is not None:
        path = scope.get("path")
    return path or "(no route)"


def _nul_in_target(scope) -> bool:
    """A NUL in the path or query: no name or id holds one, and PostgreSQL text cannot
    store one, so it is refused at the edge for every route alike."""
    return "\x00" in scope["path"] or b"%00" in scope.get("query_string", b"")


NUL_IN_BODY = (b"\x00", b"\\u0000")


def _declared(scope) -> tuple[int, bool]:
    """(the Content-Length the request declares, 0 when none or not a number; whether it
    has a Host header), in one pass over the headers."""
    declared, host = 0, False
    for k, v in scope.get("headers", ()):
        if k == b"content-length":
            try:
                declared = int(v)
            except ValueError:
                pass
        elif k == b"host":
            host = True
    return declared, host


class NulInBody(StarletteHTTPException):
    """A request body holding a NUL character (raw or as the JSON escape \\u0000)."""

    def __init__(self) -> None:
        super().__init__(400, "the request body contains a NUL character (\\u0000), which "
                              "no field accepts")


class BodyTooLarge(StarletteHTTPException):
    """A streamed body passed the limit (no or a false Content-Length). An HTTPException,
    so FastAPI's body reader passes it on as it is (other errors there become 400s)."""

    def __init__(self, detail: str) -> None:
        super().__init__(413, detail)


def _capped(receive, limit: int):
    seen = {"n": 0}

    async def inner():
        message = await receive()
        if message["type"] == "http.request":
            seen["n"] += len(message.get("body", b""))
            if seen["n"] > limit:
                raise BodyTooLarge(f"the request body is larger than the limit of {limit} bytes")
            body = message.get("body", b"")
            if any(nul in body for nul in NUL_IN_BODY):
                raise NulInBody()
        return message
    return inner
