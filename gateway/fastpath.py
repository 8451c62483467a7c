"""POST /orders without the framework, for the request that needs nothing else.

The route in routes/orders.py stays the definition (the OpenAPI document, the pydantic
model, every refusal). Ahead of it, the audit middleware hands this module each
`POST /orders` whose body it has read and let through: when the token was checked
before (Tokens.unexpired), the key may place orders, the body is one the route's model
accepts as it stands (OrderIn: strict strings, the same number check, no unknown field;
no client_order_id and no nulls, which take the route) and the rate limit allows it, the
order is placed here and answered with the very bytes the route would send. Anything
else goes on to the route untouched (`place` returns False having spent nothing, not
even a rate-limit token), which then answers as it always did.

The token's auth generation is not read per request here: the committer reads it once
per batch, after the order was queued, and applies the order only if it is still the one
the token was checked at (Committer.enqueue_async); otherwise nothing was journalled and
the route checks the token in full. Every refusal (rate limit, the edge's checks) is
left to the route too, so a revoked key or suspended user never hears more than its
401/403, however quickly it asks after the change.

What this skips per order: FastAPI's routing, dependency solving and pydantic model, the
exception middleware and the Request object: most of the gateway's own time per order.
"""
import orjson
from sqlalchemy.exc import SQLAlchemyError

from souq.db.store import prepare
from souq.engine.admission import edge_refusal
from souq.engine.model import ORDER_TYPES, SIDES, STPS, TIFS
from souq.engine.stream import StreamError

from . import problems
from .problems import Problem
from .schemas import NAME_MAX
from .routes.orders import command_of, placed_body
from .committer import STALE

PATH = "/orders"
CHOICES = {"side": SIDES, "type": ORDER_TYPES, "time_in_force": TIFS, "stp": STPS}
FIELDS = frozenset(("symbol", "side", "type", "price", "quantity", "stop_price",
                    "time_in_force", "stp"))
REQUIRED = ("symbol", "side", "quantity")


class Route:
    """What the audit log reads of a route (its path)."""
    path = PATH


ROUTE = Route()


def order_fields(body: bytes, obj=None) -> dict | None:
    """The posted order's fields when they have the shape schemas.OrderIn accepts as it
    stands and need nothing of the route's own (client_order_id, nulls); None otherwise.
    Its numbers are read once, by the engine's own parse (`prepared`: the model's check,
    engine.numbers.parse_fixed at PRICE_DP and MAX_PRICE_WHOLE). `obj`: the body as orjson
    read it already (gateway.bodies.read), if it did."""
    if obj is None:
        try:
            obj = orjson.loads(body)
        except orjson.JSONDecodeError:
            return None
    if type(obj) is not dict or not obj.keys() <= FIELDS:
        return None
    for key in REQUIRED:
        if key not in obj:
            return None
    for key, value in obj.items():
        if type(value) is not str:
            return None
        choices = CHOICES.get(key)
        if choices is not None:
            if value not in choices:
                return None
        elif key == "symbol":
            if not 1 <= len(value) <= NAME_MAX:
                return None
    return obj


def prepared(fields: dict, user: str):
    """(the order-stream command, its prepared item: db.store.prepare) of the fields
    order_fields took, posted by `user`; None when the route must answer: a command of the
    wrong shape, or a number the model refuses. The engine reads the order's numbers
    exactly as the model's check does (engine.stream's _order and schemas._decimal_type
    both call parse_fixed(text, PRICE_DP, name) with the default MAX_PRICE_WHOLE), and
    keeps the first failure in PlaceOrder.invalid: set, the route's model would refuse
    the body."""
    obj = command_of(user, **fields)
    try:
        item = prepare(obj, user)
    except StreamError:
        return None
    if item[0].invalid is not None:
        return None
    return obj, item


def takes(body: bytes, user: str, flat=None):
    """What the fast path takes of `body` posted by `user` (order_fields, then prepared):
    (the command, its prepared item), or None for the route to answer."""
    fields = order_fields(body, flat)
    return None if fields is None else prepared(fields, user)


async def place(g, scope, body: bytes, flat, receive, send, extra: tuple) -> int:
    """Place and answer the order of this `POST /orders` when it is the plain case (the
    module doc): the answer's status, its headers ending with the `extra` one (the
    request id); 0, with nothing done, for the route to answer it. `flat`: the body as
    orjson read it (gateway.bodies.read), or None."""
    header = None
    for k, v in scope["headers"]:
        if k == b"authorization":
            header = v.decode("latin-1")
            break
    if header is None:
        return 0
    fields = order_fields(body, flat)
    if fields is None:
        return 0
    hit = g.tokens.unexpired(header)
    if hit is None:
        return 0
    p, _, generation = hit
    taken = prepared(fields, p.user)
    if taken is None:              # a wrong shape or number: the route says why
        return 0
    if p.refuse("limit") or g.limiter.take(p.client_id):   # a 429 is the route's to answer
        return 0
    obj, item = taken
    reason = edge_refusal(g.committer.store.ex, obj, p.user, g.api.has_order, numbers_read=True)
    if reason is not None:         # every refusal at the edge, after the route's auth check
        g.limiter.refund(p.client_id)
        return 0
    try:
        done = await g.committer.enqueue_async(item, generation)
    except SQLAlchemyError as exc:       # as the app's handler answers it (app._internal)
        done, response = None, problems.response(503, problems.database_failed(exc), PATH)
    except Exception as exc:
        done, response = None, problems.response(500, problems.internal(exc), PATH)
    if done is STALE:              # the key, session or user changed: the route checks again
        g.limiter.refund(p.client_id)
        return 0
    st = scope["state"]
    st["client_id"], st["user"] = p.client_id, p.user
    scope["route"] = ROUTE
    if done is not None:
        try:
            answer = placed_body(done)
        except Problem as exc:
            response = problems.response(exc.status, exc.detail, PATH, exc.headers, **exc.extra)
        else:        # the bytes and headers Response(answer, 201, "application/json") sends
            await send({"type": "http.response.start", "status": 201, "headers": [
                (b"content-length", str(len(answer)).encode()), JSON_TYPE, extra]})
            await send({"type": "http.response.body", "body": answer})
            return 201
    await response(scope, receive, _adding(send, extra))
    return response.status_code


JSON_TYPE = (b"content-type", b"application/json")


def _adding(send, extra: tuple):
    """`send` with the `extra` header added to the response's start."""
    async def inner(message):
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", ()), extra]
        await send(message)
    return inner
