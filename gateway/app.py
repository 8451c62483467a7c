"""The ASGI application: routes, problem handlers, the audit/size middleware, and the
life cycle (the committer, feed and audit threads and the surveillance process start with
the app and stop after the last in-flight request has its answer)."""
import time
from contextlib import asynccontextmanager

import anyio

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from souq.db import desk
from souq.db.collector import freeze_survivors
from souq.db.api import Api

from . import problems
from .audit import AuditLog, AuditMiddleware
from .auth import Tokens
from .collector import IdleCollector
from .committer import Committer
from .config import GatewayConfig
from .feed import Feed
from .limits import RateLimiter
from .query import KNOWN_QUERY
from .routes import router
from .surveil import SurveillanceProcess
from .service import Gateway
from .ws import websocket_endpoint

THREADS = 256          # requests served at once (each may wait on a group commit)

DESCRIPTION = """The souq exchange over HTTP. Log in with an API key (`souq key create`)
at POST /auth/login, then send `Authorization: Bearer ACCESS_TOKEN`. Amounts, prices and
quantities are decimal strings; errors are RFC 9457 problem details. Streams: GET /ws."""


def create_app(config: GatewayConfig) -> AuditMiddleware:
    """The ASGI application to serve: the edge (gateway.audit.AuditMiddleware: request
    ids, refusals at the door, the audit log and the order fast path) around the FastAPI
    app (`.app`). The edge is outside FastAPI's own middleware so that an order on the
    fast path crosses no layer it does not need."""
    holder: dict = {"gw": None}

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # Sync routes run on anyio's thread pool, 40 threads by default: with more clients
        # than that, orders past the 40th wait outside and miss the group commit under way.
        # A request waiting on the committer costs a parked thread, so allow many.
        anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
        api = Api(config.url)
        engine = api.db
        feed = Feed(engine, config.poll_s)
        committer = Committer(config.url, on_commit=feed.committed)
        feed.writer_busy = lambda: committer.busy

        def locked(client_id: str, failures: int) -> None:
            desk.log_alert(engine, time.time_ns(), "gateway", "warning", "login_lockout",
                           f"client id {client_id} locked for {config.lockout_s:g} s after "
                           f"{failures} failed logins")

        tokens = Tokens(engine, config, locked)
        committer.auth_generation = tokens.generation     # fast-path orders (gateway.fastpath)
        g = Gateway(config, api, committer, tokens,
                    RateLimiter(config.rate, config.burst), feed,
                    AuditLog(engine, config.audit_file()), IdleCollector())
        app.state.gw = holder["gw"] = g
        surveillance = SurveillanceProcess(api.url)     # its own process: off our GIL
        # what start-up built (the exchange's open orders, users, symbols, the app) out of
        # the collector's way, and young collections less often: with the defaults, every
        # few requests a collection walked the young heap and every hundredth or so all
        freeze_survivors(GC_THRESHOLDS, collect=True)
        g.collector.start()      # and full collections only while no request is in flight
        try:
            yield
        finally:
            holder["gw"] = None
            await g.collector.stop()
            committer.close()
            surveillance.close()
            feed.close()
            g.audit.close()
            tokens.close()
            api.close()

    app = FastAPI(title="souq gateway", version="1", description=DESCRIPTION, lifespan=lifespan,
                  responses={}, dependencies=[KNOWN_QUERY])
    app.include_router(router())
    app.add_api_websocket_route("/ws", websocket_endpoint)
    app.add_exception_handler(problems.Problem, problems.on_problem)
    app.add_exception_handler(StarletteHTTPException, problems.on_http)
    app.add_exception_handler(RequestValidationError, problems.on_validation)
    app.add_exception_handler(Exception, _internal)
    _problem_schema(app)
    return AuditMiddleware(app, gateway_state=lambda: holder["gw"])


GC_THRESHOLDS = (20_000, 20, 20)   # Python's defaults are (700, 10, 10)


async def _internal(request, exc):
    """Never a bare 500: name what failed, one line (the audit log has the request id)."""
    from sqlalchemy.exc import SQLAlchemyError
    if isinstance(exc, SQLAlchemyError):
        return problems.response(503, problems.database_failed(exc), request.url.path)
    return problems.response(500, problems.internal(exc), request.url.path)


def _problem_schema(app: FastAPI) -> None:
    """Put ProblemBody into the OpenAPI components the error responses refer to."""
    original = app.openapi

    def openapi():
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        schema.setdefault("components", {}).setdefault("schemas", {})["ProblemBody"] = \
            problems.ProblemBody.model_json_schema()
        return schema
    app.openapi = openapi
