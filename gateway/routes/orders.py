"""Exchange API, orders and trades: place (idempotent by client_order_id), list, show,
cancel one, cancel all; own fills or a symbol's public trades."""
from datetime import datetime, timezone
from typing import Annotated, Literal, Optional

import orjson

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from souq.db import queries as Q
from souq.db.api import AccessDenied
from souq.engine.model import STATUSES
from souq.engine.numbers import PRICE_DP, parse_fixed
from souq.mm.display import grouped_text, rejection

from ..auth import Principal
from ..problems import Problem
from ..schemas import ISO_TIME, WHOLE, CancelAllOut, OrderIn, OrderOut, TradeOut
from ..service import denied, known, principal, reading, state
from .accounting import refused
from ..shapes import order_out, trade_out, trade_row_out

router = APIRouter(tags=["orders"])
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
OrderId = Annotated[str, Path(max_length=24, description="The order_id the exchange gave")]


def command(body: OrderIn, user: str) -> dict:
    """The order-stream command of a posted order (the same one `souq order place` makes)."""
    return command_of(user, symbol=body.symbol, side=body.side, type=body.type,
                      quantity=body.quantity, price=body.price, stop_price=body.stop_price,
                      time_in_force=body.time_in_force, stp=body.stp,
                      client_order_id=body.client_order_id)


def command_of(user: str, *, symbol: str, side: str, quantity: str, type: str = "limit",
               price=None, stop_price=None, time_in_force=None, stp=None,
               client_order_id=None) -> dict:
    """`command` from the order's fields (OrderIn's names and defaults)."""
    obj = {"op": type, "user": user, "symbol": symbol, "side": side, "qty": quantity}
    if client_order_id is not None:    # in this order: the journal's text keeps it
        obj["id"] = client_order_id
    if price is not None:
        obj["price"] = price
    if stop_price is not None:
        obj["stop_price"] = stop_price
    if time_in_force is not None:
        obj["tif"] = time_in_force
    if stp is not None:
        obj["stp"] = stp
    return obj


def _existing(request: Request, user: str, cid: str | None) -> dict | None:
    if cid is None:
        return None
    return state(request).api.read(Q.order_by_client_id, user, cid)


@router.post("/orders", response_model=OrderOut, status_code=201,
             responses={200: {"model": OrderOut, "description": "A retry: the order the same "
                              "client_order_id placed before"},
                        409: {"description": "The client_order_id placed another order "
                              "before (a field differs)"}})
async def place(body: OrderIn, request: Request, p: Principal = Depends(principal)):
    """Place an order. Answered after it is durable, as it stands after matching, with its
    trades. A refused order is a 422 problem whose `order` member has status `rejected`
    and the reason (the detail says it as the CLI does).
    A retry with the same client_order_id returns the first order (200) and places none;
    the same client_order_id with other order fields is a 409 naming the field."""
    p.require("limit")
    if body.client_order_id is not None:      # reads the database: off the event loop
        return await run_in_threadpool(_place_once, body, request, p)
    # on the event loop: no thread waits while the group commit runs
    return placed(await state(request).run_async(command(body, p.user), p))


def _place_once(body: OrderIn, request: Request, p: Principal):
    """An order with a client_order_id: the first order with that id if there is one and
    the retry asks for the same order (200); a 409 naming the first field that differs
    when the id is reused for another order (nothing is placed either way)."""
    old = _existing(request, p.user, body.client_order_id)
    if old is None:
        try:        # the id taken since the look-up: refused at the edge, or by the engine
            done = state(request).run(command(body, p.user), p)
        except Problem as exc:
            old = exc.detail.startswith("duplicate client order id") and _existing(
                request, p.user, body.client_order_id)
            if not old:
                raise
        else:
            if done.reason and done.reason.startswith("duplicate client order id"):
                old = _existing(request, p.user, body.client_order_id)
    if old is not None:
        field = retry_differs(body, old)
        if field is not None:
            raise Problem(409, grouped_text(
                f"client_order_id {body.client_order_id!r} was used for another order: its "
                f"{field} differs (was {_text(old[RETRY_FIELDS[field]])}, now "
                f"{_text(getattr(body, field))}); "
                "nothing was placed"), client_order_id=body.client_order_id, field=field,
                order_id=str(old["id"]))
        return JSONResponse(order_out(_placed_at(request, [old])[0]), status_code=200)
    return placed(done)


#: OrderIn's order fields and the stored order's (db.queries.order) names for them
RETRY_FIELDS = {"symbol": "symbol", "side": "side", "type": "type", "price": "price",
                "quantity": "qty", "stop_price": "stop_price", "time_in_force": "tif",
                "stp": "stp"}
_DEFAULTS = {"time_in_force": "gtc", "stp": "none"}     # engine.stream's, when not given


def retry_differs(body: OrderIn, old: dict) -> str | None:
    """The first OrderIn field in which a retry `body` asks for another order than the
    stored `old` one (prices and quantities compared as numbers: "1.50" is "1.5"); None
    when it is the same order. A time_in_force or stp left out means the engine's
    default; a market order's time in force left out is whatever the engine gave it."""
    for field, column in RETRY_FIELDS.items():
        new, was = getattr(body, field), old[column]
        if field in _DEFAULTS and new is None:
            if field == "time_in_force" and body.type in ("market", "stop_market"):
                continue
            new = _DEFAULTS[field]
        if field in ("price", "quantity", "stop_price"):
            new = None if new is None else parse_fixed(new, PRICE_DP, field)
            was = None if was is None else parse_fixed(str(was), PRICE_DP, field)
        if new != was:
            return field
    return None


def _text(value) -> str:
    """A retry's or the stored order's field as the 409 names it ("none" when unset)."""
    return "none" if value is None else str(value)


def placed(done) -> Response:
    """The answer to a placed order: 201 and the order (a body built once, not validated
    again: order_out and trade_out make OrderOut's shape), or the refusal's problem."""
    return Response(placed_body(done), status_code=201, media_type="application/json")


def placed_body(done) -> bytes:
    """`placed`'s 201 body (JSON bytes); raises its refusal's problem."""
    order = done.orders.get(done.seq)
    if order is None:    # refused before an order existed (e.g. no such user)
        raise refused(done.reason, "order")
    # placed by this command: the committer gave it its batch's journal time
    shaped = order_out(order, [trade_out(t) for t in done.trades])
    if not done.accepted:
        raise Problem(422, rejection("order", done.reason), order=shaped)
    return orjson.dumps(shaped)


@router.get("/orders", response_model=list[OrderOut])
def orders(request: Request, p: Principal = Depends(reading),
           symbol: Annotated[Optional[str], Query(max_length=64)] = None,
           status: Optional[Literal[STATUSES + ("open",)]] = None,     # type: ignore[valid-type]
           user_id: Annotated[Optional[str], Query(max_length=64)] = None,
           limit: Annotated[Optional[int], Query(ge=1, le=10000), WHOLE] = 1000):
    """Your orders (an admin: anyone's), oldest first, the newest `limit`."""
    reader = state(request).reader(p)
    known(reader, user=user_id, symbol=symbol)
    try:
        rows = reader.orders(user=user_id, status=status, symbol=symbol, limit=limit)
    except AccessDenied as exc:
        raise denied(exc) from None
    return [order_out(r) for r in _placed_at(request, rows)]


def _placed_at(request: Request, rows: list[dict]) -> list[dict]:
    """`rows` with "placed_ts": when each order's placing command was journalled (an
    order's id is that command's seq: db.queries.journal_times), for created_at; rows that
    carry it already (the committer's, for orders its batch placed) or that the feed
    remembers (gateway.placed.PlacedTimes, shared with it) are not read again."""
    gw = state(request)
    return gw.feed.placed.fill([dict(r) for r in rows],
                               lambda ids: gw.api.read(Q.journal_times, ids))


def _own_order(request: Request, p: Principal, order_id: str) -> dict:
    """The order if it is the caller's (or the caller is an admin); else 404, the same
    answer as for no order at all, so ids of others' orders reveal nothing."""
    row = None
    if order_id.isascii() and order_id.isdigit() and len(order_id) <= 18:
        row = state(request).api.read(Q.order, int(order_id))
    if row is None or (row["user"] != p.user and p.role != "admin"):
        raise Problem(404, f"no order {order_id!r} of yours")
    return row


@router.get("/orders/{order_id}", response_model=OrderOut)
def order(order_id: OrderId, request: Request, p: Principal = Depends(reading)):
    """One of your orders."""
    return order_out(_placed_at(request, [_own_order(request, p, order_id)])[0])


@router.delete("/orders/{order_id}", response_model=OrderOut)
def cancel(order_id: OrderId, request: Request, p: Principal = Depends(principal)):
    """Cancel one of your open orders; what it held is released."""
    p.require("cancel")
    row = _own_order(request, p, order_id)
    done = state(request).run({"op": "cancel", "user": row["user"], "id": row["client_id"]}, p)
    if not done.accepted:
        raise refused(done.reason, "cancel")
    return order_out(_placed_at(request, [done.orders.get(row["id"]) or row])[0])


@router.delete("/orders", response_model=CancelAllOut)
def cancel_all(request: Request, p: Principal = Depends(principal),
               symbol: Annotated[Optional[str], Query(max_length=64)] = None):
    """Cancel every open order of yours (on one symbol with `symbol`)."""
    p.require("cancel_all")
    obj = {"op": "cancel_all", "user": p.user}
    if symbol is not None:
        obj["symbol"] = symbol
    done = state(request).run(obj, p)
    if not done.accepted:
        raise refused(done.reason, "cancel-all")
    cancelled = [order_out(o) for o in _placed_at(request, list(done.orders.values()))]
    return {"cancelled": len(cancelled), "orders": cancelled}


@router.get("/trades", response_model=list[TradeOut])
def trades(request: Request, p: Principal = Depends(reading),
           symbol: Annotated[Optional[str], Query(max_length=64)] = None,
           public: bool = False,
           user_id: Annotated[Optional[str], Query(max_length=64)] = None,
           limit: Annotated[Optional[int], Query(ge=1, le=10000), WHOLE] = 1000,
           since: Annotated[Optional[datetime], Query(
               description="public=true: trades at or after this time (ISO-8601)"),
               ISO_TIME] = None,
           until: Annotated[Optional[datetime], Query(
               description="public=true: trades before this time (ISO-8601)"),
               ISO_TIME] = None):
    """Your fills (an admin: anyone's), or with public=true a symbol's trades without
    who traded, within since..until when given (the workstation's chart reads a time
    window so). Oldest first, the newest `limit`."""
    g = state(request)
    if public:
        if symbol is None:
            raise Problem(422, "public trades need a symbol")
        known(g.api, symbol=symbol)
        if since is None and until is None:
            rows = g.api.read(Q.trades, symbol=symbol, limit=limit)
        else:
            start, end = _ns(since, "since"), _ns(until, "until")
            if start is not None and end is not None and start >= end:
                raise Problem(422, f"since ({since.isoformat()}) must be before until "
                                   f"({until.isoformat()})")
            rows = g.api.read(Q.trades_between, symbol, start, end)[-limit:]
        return [trade_row_out(r, public=True) for r in rows]
    if since is not None or until is not None:
        raise Problem(422, "since and until select public trades: add public=true")
    reader = g.reader(p)
    known(reader, user=user_id, symbol=symbol)
    try:
        rows = reader.trades(user=user_id, symbol=symbol, limit=limit)
    except AccessDenied as exc:
        raise denied(exc) from None
    return [trade_row_out(r) for r in rows]


def _ns(when: datetime | None, name: str) -> int | None:
    """An ISO-8601 time of a query as nanoseconds since the epoch (a time without a zone
    is refused: 422 naming the parameter)."""
    if when is None:
        return None
    if when.tzinfo is None:
        raise Problem(422, f"{name} needs a time zone, like 2026-12-02T09:30:00Z")
    delta = when - EPOCH
    return ((delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds) * 1_000
