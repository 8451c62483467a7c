"""The gateway's routes, one module per API of the exchange design."""
from fastapi import APIRouter

from . import accounting, auth, market, orders

ERRORS = {code: {"model": None, "description": desc, "content": {
    "application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemBody"}}}}
    for code, desc in ((400, "Bad request"), (401, "Not authenticated"), (403, "Forbidden"),
                       (404, "Not found"), (409, "Conflict"), (413, "Body too large"),
                       (422, "Invalid input or a rejected order"),
                       (429, "Rate limited or locked"))}


def router() -> APIRouter:
    r = APIRouter(responses=ERRORS)
    for module in (auth, accounting, market, orders):
        r.include_router(module.router)
    return r
