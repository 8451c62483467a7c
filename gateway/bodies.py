"""Request bodies at the door: read once (within the size limit), then refused when they
are not JSON at all (415) or hold a duplicate key (422), before any route parses them.

FastAPI reads a body as JSON when its Content-Type is missing, application/json or
application/*+json, and would hand anything else to the model as bytes (a misleading 422);
a body without a Content-Type is refused here too (415), as README promises, on every
route that takes a body and on the order fast path (which sees only bodies let through);
Python's json keeps the last of duplicate keys, so `{"price": "1", "price": "9"}` would
silently mean 9. engine.edge.json_value is the strict reader every interface shares.
"""
from email.message import Message
from functools import lru_cache

import orjson

from starlette.exceptions import HTTPException as StarletteHTTPException

from souq.engine.edge import EdgeError, json_line

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@lru_cache(maxsize=256)
def is_json(content_type: str | None) -> bool:
    """Whether a body of this Content-Type is JSON (application/json or
    application/*+json); a body without one is not taken for JSON (refusal). Remembered
    for the last 256 values (clients send the same one or two): parsing it with
    email.message took 7 us a request."""
    if not content_type:
        return False
    m = Message()
    m["content-type"] = content_type
    sub = m.get_content_subtype()
    return m.get_content_maintype() == "application" and (sub == "json" or sub.endswith("+json"))


def header(scope, name: bytes) -> str | None:
    for k, v in scope.get("headers", ()):
        if k == name:
            return v.decode("latin-1")
    return None


def refusal(scope, body: bytes) -> tuple[int, str] | None:
    """(status, one-sentence detail) for a body to refuse, or None to let the route read
    it. Invalid JSON other than a duplicate key is left to the route's own message."""
    return read(scope, body)[0]


def read(scope, body: bytes) -> tuple[tuple[int, str] | None, dict | None]:
    """(`refusal`, the body as orjson reads it when it is a flat object of strings whose
    keys are shown distinct (engine.edge.json_line's quick case), else None): the order
    fast path takes that object instead of parsing the body a second time."""
    if not body:
        return None, None
    content_type = header(scope, b"content-type")
    if not content_type:
        return (415, ("the request body has no Content-Type; send it as JSON with "
                      "Content-Type: application/json")), None
    if not is_json(content_type):
        return (415, (f"the request body must be JSON (Content-Type: application/json), "
                      f"not {content_type.split(';')[0].strip()!r}")), None
    flat = flat_object(body)
    if flat is not None:     # no key can repeat (the quote count): nothing to refuse
        return None, flat
    detail = duplicate_key(body, "the request body")
    return (None if detail is None else (422, detail)), None


def flat_object(body: bytes) -> dict | None:
    """`body` read by orjson when it is an object of string values with no backslash,
    holding exactly four quotes per key (so no key repeats: engine.edge.json_line's
    quick case, the same test); None for anything else, left to the strict reader."""
    if b"\\" in body:
        return None
    try:
        obj = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if (type(obj) is dict and body.count(b'"') == 4 * len(obj)
            and all(type(v) is str for v in obj.values())):
        return obj
    return None


def duplicate_key(data: str | bytes, what: str) -> str | None:
    """The one sentence refusing JSON `data` (a request body, a WebSocket message: `what`)
    that repeats a key in any object, naming the key; None otherwise (invalid JSON is left
    to the caller's own message). Read by engine.edge.json_line: the strict reader, at
    orjson's speed for the usual flat object of strings (an order's body)."""
    try:
        json_line(data if isinstance(data, str) else data.decode("utf-8"))
    except UnicodeDecodeError:
        return None
    except EdgeError as exc:
        if str(exc).startswith("duplicate key"):
            return f"{what} has a {exc}; each field may appear once"
    return None


async def read_body(receive) -> bytes:
    """The whole body from `receive` (which enforces the size limit by raising)."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def replay(body: bytes, receive):
    """A receive that hands the app the body already read, then the original stream
    (for the disconnect message)."""
    sent = {"done": False}

    async def inner():
        if not sent["done"]:
            sent["done"] = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()
    return inner


async def checked(scope, receive):
    """(None, receive for the app, the body, its flat object or None: `read`) when the
    body may go on, else ((status, detail), None, None, None); the body is None for a
    method that has none. A limit or NUL refusal raised while reading becomes its own
    (status, detail)."""
    if scope["type"] != "http" or scope.get("method") not in BODY_METHODS:
        return None, receive, None, None
    try:
        body = await read_body(receive)
    except StarletteHTTPException as exc:
        return (exc.status_code, exc.detail), None, None, None
    problem, flat = read(scope, body)
    return ((problem, None, None, None) if problem
            else (None, replay(body, receive), body, flat))
