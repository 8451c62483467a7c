"""Query parameters read as strictly as bodies: a parameter no route takes is refused.

FastAPI, like most frameworks, ignores query parameters a route does not declare, so
`GET /orders?limt=5` answered every order as if no limit had been asked for, and
`GET /trades?symbl=BTC-IRR` the caller's own fills instead of the symbol's. A body's
unknown field is a 422 (gateway.bodies); so is a query parameter now, naming it and the
ones the route takes. The names are read from the route's own declaration (its dependant
tree), so a new parameter needs no second list."""
from fastapi import Depends
from starlette.requests import HTTPConnection

from .problems import Problem

#: each route's query parameter names, read once from its declaration (by id: routes are
#: not hashable, and live as long as the app)
_TAKES: dict = {}


def taken(route) -> tuple[str, ...]:
    """The query parameter names (aliases, as sent) `route` declares, its dependencies'
    included, in declaration order."""
    names = _TAKES.get(id(route))
    if names is None:
        found: list[str] = []
        todo = [route.dependant]
        while todo:
            dependant = todo.pop(0)
            found += [p.alias for p in dependant.query_params if p.alias not in found]
            todo += dependant.dependencies
        names = _TAKES[id(route)] = tuple(found)
    return names


async def _known_query(connection: HTTPConnection) -> None:
    """Raises Problem 422 naming the first query parameter the matched route does not take
    (and the ones it does), before the route's own checks; a request without a query costs
    one dictionary read."""
    scope = connection.scope
    if not scope.get("query_string") or "route" not in scope:
        return
    takes = taken(scope["route"])
    for name in connection.query_params:
        if name not in takes:
            what = (f"it takes {', '.join(takes)}" if takes else "it takes none")
            raise Problem(422, f"unknown query parameter {name!r} for {scope['path']}; {what}")


#: put in the app's `dependencies`: every route (and /ws) checks its query with it
KNOWN_QUERY = Depends(_known_query)
