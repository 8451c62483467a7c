"""What every route shares: the gateway's state and the request's principal."""
from dataclasses import dataclass

from fastapi import Depends, Request
from fastapi.security import HTTPBearer
from starlette.concurrency import run_in_threadpool

from souq.db.access import UnknownName, check_filters
from souq.db.api import AccessDenied, Api
from souq.db.store import prepare
from souq.engine.admission import edge_refusal
from souq.engine.stream import StreamError
from souq.mm.display import grouped_text

from .auth import Principal, Tokens
from .committer import Committer, Done
from .config import GatewayConfig
from .limits import RateLimiter, retry_after
from .problems import Problem

bearer = HTTPBearer(auto_error=False, description="An access token from POST /auth/login")


@dataclass
class Gateway:
    config: GatewayConfig
    api: Api                 # reads, shared connection pool
    committer: Committer     # writes, grouped
    tokens: Tokens
    limiter: RateLimiter
    feed: object = None      # gateway.feed.Feed
    audit: object = None     # gateway.audit.AuditLog
    collector: object = None  # gateway.collector.IdleCollector: full collections when idle

    def reader(self, p: Principal) -> Api:
        """souq.db.api as the principal's user: its read rules (own data unless admin)."""
        return self.api.acting_as(p.user)

    def run(self, obj: dict, p: Principal) -> Done:
        """One command as the principal, blocking until it is durable. What a person got
        wrong is refused before it is journalled (engine.admission): an unknown symbol,
        asset, user or order is a 404 problem, acting for another user a 403, an admin
        command that would change nothing (`... is already ...`) a 409, a wrong shape or
        number a 422."""
        item, reason = self.admit(obj, p)
        if reason is not None and reason.startswith("unknown"):
            # this server's view may predate a user, symbol or order another process made
            # a moment ago: judge again on the journal as it stands
            reason = self.committer.check(
                lambda ex: edge_refusal(ex, obj, p.user, self.api.has_order))
        _refuse(reason)
        return self.committer.enqueue(item).result()

    async def run_async(self, obj: dict, p: Principal) -> Done:
        """`run` for a route on the event loop: the same checks, and the answer awaited
        without a thread. Only for commands whose admission reads no database (orders:
        has_order is read for cancels and amends only)."""
        item, reason = self.admit(obj, p)
        if reason is not None and reason.startswith("unknown"):
            reason = await run_in_threadpool(self.committer.check, lambda ex: edge_refusal(
                ex, obj, p.user, self.api.has_order))
        _refuse(reason)
        return await self.committer.enqueue_async(item)

    def admit(self, obj: dict, p: Principal):
        """(the prepared item, the edge's refusal or None): the checks `run` makes before
        anything is journalled, reading no database. Raises a 422 problem for a command of
        the wrong shape."""
        try:
            item = prepare(obj, p.user)          # the stream's shape first
        except StreamError as exc:
            raise Problem(422, str(exc)) from None
        return item, edge_refusal(self.committer.store.ex, obj, p.user, self.api.has_order)


def _refuse(reason: str | None) -> None:
    if reason is not None:
        status = (404 if reason.startswith("unknown") else 403 if " may not " in reason
                  else 409 if " is already " in reason else 422)
        raise Problem(status, grouped_text(reason))     # numbers grouped, as the CLI says it


def state(request: Request) -> Gateway:
    return request.app.state.gw


def limit(g: Gateway, key: str) -> None:
    wait = g.limiter.take(key)
    if wait:
        raise Problem(429, f"rate limit of {g.config.rate:g} requests/s exceeded; "
                           f"retry after {retry_after(wait)} s",
                      headers={"Retry-After": retry_after(wait)})


async def principal(request: Request, _=Depends(bearer)) -> Principal:
    """The authenticated caller (401/403 problems otherwise), after its rate limit. A
    token checked before, with nothing changed since, costs a share of one read
    (Tokens.recall); that read and the full check run off the event loop."""
    g = state(request)
    header = request.headers.get("authorization")
    p = await g.tokens.recall(header)
    if p is None:
        p = await run_in_threadpool(g.tokens.authenticate, header)
    request.state.client_id = p.client_id
    request.state.user = p.user
    limit(g, p.client_id)
    return p


async def reading(p: Principal = Depends(principal)) -> Principal:
    p.require("read")
    return p


def denied(exc: AccessDenied) -> Problem:
    return Problem(403, str(exc))


def known(reader, **filters) -> None:
    """Refuse a query filter (user_id, symbol, asset) naming nothing the exchange lists:
    404 naming it (db.access.check_filters), 403 for another user's data; an empty list
    would read as "none yet"."""
    try:
        check_filters(reader, **{k: v for k, v in filters.items() if v is not None})
    except UnknownName as exc:
        raise Problem(404, str(exc)) from None
    except AccessDenied as exc:
        raise denied(exc) from None
