"""POST /orders without the framework, for the request that needs nothing else.

The route in routes/orders.py stays the definition (the OpenAPI document, the pydantic
model, every refusal). Ahead of it, the audit middleware hands this module each
`POST /orders` whose body it has read and let through: when the token was checked
before (Tokens.recall), the key may place orders, the body is one the route's model
accepts as it stands (OrderIn: strict strings, the same number check, no unknown field;
no client_order_id and no nulls, which take the route) and the rate limit allows it, the
order is placed here and answered with the very bytes the route would send. Anything
else goes on to the route untouched (`place` returns False having spent nothing, not
even a rate-limit token), which then answers as it always did.

What this skips per order: FastAPI's routing, dependency solving and pydantic model, the
exception middleware and the Request object: most of the gateway's own time per order.
"""
import orjson
from sqlalchemy.exc import SQLAlchemyError

from souq.engine.model import ORDER_TYPES, SIDES, STPS, TIFS
from souq.engine.numbers import PRICE_DP, parse_fixed

from . import problems
from .problems import Problem
from .schemas import NAME_MAX
from .routes.orders import command_of, placed
from .service import limit

PATH = "/orders"
DECIMALS = ("price", "quantity", "stop_price")
CHOICES = {"side": SIDES, "type": ORDER_TYPES, "time_in_force": TIFS, "stp": STPS}
FIELDS = frozenset(("symbol", "side", "type", "price", "quantity", "stop_price",
                    "time_in_force", "stp"))
REQUIRED = ("symbol", "side", "quantity")


class Route:
    """What the audit log reads of a route (its path)."""
    path = PATH


ROUTE = Route()


def order_fields(body: bytes) -> dict | None:
    """The posted order's fields when schemas.OrderIn accepts `body` exactly as it is
    and it needs nothing of the route's own (client_order_id, nulls); None otherwise."""
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
        else:                  # a decimal: the model's own check (schemas._decimal_type)
            try:
                parse_fixed(value, PRICE_DP, key)
            except ValueError:
                return None
    return obj


async def place(g, scope, body: bytes, receive, send) -> bool:
    """Place and answer the order of this `POST /orders` when it is the plain case (the
    module doc); False, with nothing done, for the route to answer it."""
    header = None
    for k, v in scope["headers"]:
        if k == b"authorization":
            header = v.decode("latin-1")
            break
    if header is None:
        return False
    fields = order_fields(body)
    if fields is None:
        return False
    p = await g.tokens.recall(header)
    if p is None or p.refuse("limit"):
        return False
    st = scope["state"]
    st["client_id"], st["user"] = p.client_id, p.user
    scope["route"] = ROUTE
    try:
        limit(g, p.client_id)
        done = await g.run_async(command_of(p.user, **fields), p)
        response = placed(done)
    except Problem as exc:
        response = problems.response(exc.status, exc.detail, PATH, exc.headers, **exc.extra)
    except SQLAlchemyError as exc:       # as the app's handler answers it (app._internal)
        response = problems.response(503, problems.database_failed(exc), PATH)
    except Exception as exc:
        response = problems.response(500, problems.internal(exc), PATH)
    await response(scope, receive, send)
    return True
