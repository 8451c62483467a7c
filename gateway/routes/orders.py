"""Exchange API, orders and trades: place (idempotent by client_order_id), list, show,
cancel one, cancel all; own fills or a symbol's public trades."""
from typing import Annotated, Literal, Optional

import orjson

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from souq.db import queries as Q
from souq.db.api import AccessDenied
from souq.engine.model import STATUSES

from ..auth import Principal
from ..problems import Problem
from ..schemas import CancelAllOut, OrderIn, OrderOut, TradeOut
from ..service import denied, known, principal, reading, state
from .accounting import refused
from ..shapes import order_out, trade_out, trade_row_out

router = APIRouter(tags=["orders"])
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
    for key, value in (("id", client_order_id), ("price", price), ("stop_price", stop_price),
                       ("tif", time_in_force), ("stp", stp)):
        if value is not None:
            obj[key] = value
    return obj


def _existing(request: Request, user: str, cid: str | None) -> dict | None:
    if cid is None:
        return None
    return state(request).api.read(Q.order_by_client_id, user, cid)


@router.post("/orders", response_model=OrderOut, status_code=201,
             responses={200: {"model": OrderOut, "description": "A retry: the order the same "
                              "client_order_id placed before"}})
async def place(body: OrderIn, request: Request, p: Principal = Depends(principal)):
    """Place an order. Answered after it is durable, as it stands after matching, with its
    trades. A refused order is a 422 problem whose `order` member has status `rejected`
    and the reason (the detail says it as the CLI does).
    A retry with the same client_order_id returns the first order (200) and places none."""
    p.require("limit")
    if body.client_order_id is not None:      # reads the database: off the event loop
        return await run_in_threadpool(_place_once, body, request, p)
    # on the event loop: no thread waits while the group commit runs
    return placed(await state(request).run_async(command(body, p.user), p))


def _place_once(body: OrderIn, request: Request, p: Principal):
    """An order with a client_order_id: the first order with that id if there is one."""
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
        return JSONResponse(order_out(old), status_code=200)
    return placed(done)


def placed(done) -> Response:
    """The answer to a placed order: 201 and the order (a body built once, not validated
    again: order_out and trade_out make OrderOut's shape), or the refusal's problem."""
    order = done.orders.get(done.seq)
    if order is None:    # refused before an order existed (e.g. no such user)
        raise refused(done.reason, "order")
    shaped = order_out(order, [trade_out(t) for t in done.trades])
    if not done.accepted:
        raise Problem(422, f"order rejected: {done.reason}", order=shaped)
    return Response(orjson.dumps(shaped), status_code=201, media_type="application/json")


@router.get("/orders", response_model=list[OrderOut])
def orders(request: Request, p: Principal = Depends(reading),
           symbol: Annotated[Optional[str], Query(max_length=64)] = None,
           status: Optional[Literal[STATUSES + ("open",)]] = None,     # type: ignore[valid-type]
           user_id: Annotated[Optional[str], Query(max_length=64)] = None,
           limit: Annotated[Optional[int], Query(ge=1, le=10000)] = 1000):
    """Your orders (an admin: anyone's), oldest first, the newest `limit`."""
    reader = state(request).reader(p)
    known(reader, user=user_id, symbol=symbol)
    try:
        rows = reader.orders(user=user_id, status=status, symbol=symbol, limit=limit)
    except AccessDenied as exc:
        raise denied(exc) from None
    return [order_out(r) for r in rows]


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
    return order_out(_own_order(request, p, order_id))


@router.delete("/orders/{order_id}", response_model=OrderOut)
def cancel(order_id: OrderId, request: Request, p: Principal = Depends(principal)):
    """Cancel one of your open orders; what it held is released."""
    p.require("cancel")
    row = _own_order(request, p, order_id)
    done = state(request).run({"op": "cancel", "user": row["user"], "id": row["client_id"]}, p)
    if not done.accepted:
        raise refused(done.reason, "cancel")
    return order_out(done.orders.get(row["id"]) or row)


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
    cancelled = [order_out(o) for o in done.orders.values()]
    return {"cancelled": len(cancelled), "orders": cancelled}


@router.get("/trades", response_model=list[TradeOut])
def trades(request: Request, p: Principal = Depends(reading),
           symbol: Annotated[Optional[str], Query(max_length=64)] = None,
           public: bool = False,
           user_id: Annotated[Optional[str], Query(max_length=64)] = None,
           limit: Annotated[Optional[int], Query(ge=1, le=10000)] = 1000):
    """Your fills (an admin: anyone's), or with public=true a symbol's trades without
    who traded. Oldest first, the newest `limit`."""
    g = state(request)
    if public:
        if symbol is None:
            raise Problem(422, "public trades need a symbol")
        known(g.api, symbol=symbol)
        rows = g.api.read(Q.trades, symbol=symbol, limit=limit)
        return [trade_row_out(r, public=True) for r in rows]
    reader = g.reader(p)
    known(reader, user=user_id, symbol=symbol)
    try:
        rows = reader.trades(user=user_id, symbol=symbol, limit=limit)
    except AccessDenied as exc:
        raise denied(exc) from None
    return [trade_row_out(r) for r in rows]
