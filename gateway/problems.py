"""RFC 9457 problem details: every refusal is JSON with one sentence naming what was wrong."""
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from .schemas import DECIMAL_FIELDS

MEDIA = "application/problem+json"
TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found",
          405: "Method not allowed", 409: "Conflict", 413: "Content too large",
          415: "Unsupported media type", 422: "Unprocessable content",
          429: "Too many requests", 500: "Internal error", 503: "Unavailable"}


class ProblemBody(BaseModel):
    """The problem details document (RFC 9457 section 3)."""
    model_config = ConfigDict(extra="allow")
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None


class Problem(Exception):
    """Raise to answer with a problem document: status, the one-sentence detail, and any
    extension members (e.g. the rejected order's fields)."""

    def __init__(self, status: int, detail: str, *, headers: dict | None = None,
                 **extra) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers
        self.extra = extra


def response(status: int, detail: str, instance: str | None = None, headers=None,
             **extra) -> JSONResponse:
    body = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status,
            "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(body, status_code=status, headers=headers, media_type=MEDIA)


async def on_problem(request: Request, exc: Problem):
    return response(exc.status, exc.detail, request.url.path, exc.headers, **exc.extra)


async def on_http(request: Request, exc: StarletteHTTPException):
    detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "Error")
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"there is no route {request.url.path!r}"
    elif exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path!r}"
    return response(exc.status_code, detail, request.url.path, getattr(exc, "headers", None))


async def on_validation(request: Request, exc: RequestValidationError):
    return response(422, sentence(exc.errors()[0]) if exc.errors() else "invalid request",
                    request.url.path)


def database_failed(exc: Exception) -> str:
    """The detail of a 503 for a database error: what the database said, one line."""
    return f"the database failed: {str(exc).splitlines()[0]}"


def internal(exc: Exception) -> str:
    """The detail of a 500: never bare; the audit log has the request id."""
    return f"internal error ({type(exc).__name__}); the request was not applied"


def sentence(err: dict) -> str:
    """One pydantic error as one plain sentence naming the field."""
    loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header")]
    where = ".".join(loc) or "the request body"
    kind = err.get("type", "")
    msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
    if kind == "json_invalid":
        return f"the request body is not valid JSON ({err.get('ctx', {}).get('error', msg)})"
    if kind == "extra_forbidden":
        return f"unknown field {where!r}"
    if kind == "missing":
        return (f"missing required field {where!r}" if loc else
                "missing the request body: send a JSON object (Content-Type: application/json)")
    if kind in ("string_type", "str_type"):
        got = type(err.get("input")).__name__
        got = {"int": "a JSON number", "float": "a JSON number", "NoneType": "null",
               "dict": "an object", "list": "a list", "bool": "a boolean"}.get(got, got)
        if loc and loc[-1] in DECIMAL_FIELDS:     # a price, quantity or amount
            return f"{where} must be a JSON string (decimals as text, like \"1.5\"), got {got}"
        return f"{where} must be a JSON string, got {got}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "the request body must be a JSON object"
    if kind == "literal_error" or kind == "enum":
        return f"{where} {err.get('input')!r} is not allowed: {msg}"
    return msg if msg.startswith(where + " ") else f"{where}: {msg}"
