"""User and Accounting APIs: users, wallets, deposits and withdrawals, the ledger."""
from typing import Annotated, Optional

from fastapi import APIRouter, Depends, Path, Query, Request

from souq.db.api import AccessDenied
from souq.mm.display import rejection

from ..auth import Principal
from ..problems import Problem
from ..schemas import WHOLE, AmountIn, LedgerOut, MeOut, TransactionOut, UserIn, UserOut, WalletOut
from ..service import denied, known, principal, reading, state
from ..shapes import ledger_out, wallet_id, wallet_out

router = APIRouter(tags=["users", "accounting"])
UserId = Annotated[str, Path(max_length=64)]


def refused(reason: str, what: str) -> Problem:
    """An exchange refusal as a problem: unknown things 404, clashes 409, the rest 422;
    the detail worded as the CLI words it (numbers grouped), the `reason` member exact."""
    if reason.startswith("unknown"):
        status = 404
    elif "already" in reason:
        status = 409
    elif reason.startswith("only an admin") or " may not " in reason:
        status = 403
    else:
        status = 422
    return Problem(status, rejection(what, reason), reason=reason)


def _user_out(request: Request, row: dict) -> dict:
    assets = sorted({a for s in state(request).api.symbols() for a in (s["base"], s["quote"])})
    return {"user_id": row["name"], "role": row["role"], "status": row["status"],
            "wallet_ids": [wallet_id(row["name"], a) for a in assets]}


def _find_user(request: Request, user_id: str) -> dict:
    from souq.db import queries as Q
    row = state(request).api.read(Q.user, user_id)
    if row is None:
        raise Problem(404, f"unknown user {user_id!r}")
    return row


@router.post("/users", response_model=UserOut, status_code=201)
def create_user(body: UserIn, request: Request, p: Principal = Depends(principal)):
    """Add a user (admin). Wallets appear as they are funded; wallet_ids lists the ones
    for every asset of a listed symbol."""
    p.require("user")
    done = state(request).run({"op": "user", "user": body.user_id, "role": body.role}, p)
    if not done.accepted:
        raise refused(done.reason, f"user {body.user_id}")
    return _user_out(request, _find_user(request, body.user_id))


@router.get("/users/me", response_model=MeOut)
def me(request: Request, p: Principal = Depends(reading)):
    """The key's user, its role and status, and the key's scope."""
    row = _find_user(request, p.user)
    return {"user_id": p.user, "role": row["role"], "status": row["status"],
            "client_id": p.client_id, "scope": p.scope}


@router.get("/users", response_model=list[UserOut])
def users(request: Request, p: Principal = Depends(reading)):
    """Every user (admin)."""
    p.require("list_users")
    return [_user_out(request, r) for r in state(request).api.users()]


def _set_status(request: Request, p: Principal, user_id: str, status: str, what: str) -> dict:
    p.require("user_status")
    done = state(request).run({"op": "user_status", "user": user_id, "status": status}, p)
    if not done.accepted:
        raise refused(done.reason, what)
    return _user_out(request, _find_user(request, user_id))


@router.post("/users/{user_id}/suspend", response_model=UserOut)
def suspend(user_id: UserId, request: Request, p: Principal = Depends(principal)):
    """Suspend a user (admin): new orders are rejected and its tokens stop at once."""
    return _set_status(request, p, user_id, "suspended", "suspend")


@router.post("/users/{user_id}/reinstate", response_model=UserOut)
def reinstate(user_id: UserId, request: Request, p: Principal = Depends(principal)):
    """Reinstate a suspended user (admin)."""
    return _set_status(request, p, user_id, "active", "reinstate")


@router.get("/wallets", response_model=list[WalletOut])
def wallets(request: Request, p: Principal = Depends(reading),
            user_id: Annotated[Optional[str], Query(max_length=64)] = None):
    """Your wallets; an admin sees every user's, or one user's with user_id."""
    reader = state(request).reader(p)
    known(reader, user=user_id)
    try:
        rows = reader.wallets(user=user_id)
    except AccessDenied as exc:
        raise denied(exc) from None
    return [wallet_out(r) for r in rows]


def _move(request: Request, p: Principal, wid: str, body: AmountIn, op: str) -> dict:
    p.require(op)
    user, sep, asset = wid.partition(":")
    if not sep or not user or not asset:
        raise Problem(404, f"wallet_id {wid!r} is not of the form USER:ASSET")
    done = state(request).run({"op": op, "user": user, "asset": asset, "amount": body.amount}, p)
    if not done.accepted:
        raise refused(done.reason, "deposit" if op == "deposit" else "withdrawal")
    return {"transaction_id": str(done.seq), "wallet_id": wid, "kind": op, "amount": body.amount}


WalletId = Annotated[str, Path(max_length=100, description="USER:ASSET, e.g. alice:IRR")]


@router.post("/wallets/{wallet_id}/deposit", response_model=TransactionOut, status_code=201)
def deposit(wallet_id: WalletId, body: AmountIn, request: Request,
            p: Principal = Depends(principal)):
    """Credit a wallet from outside the exchange (admin)."""
    return _move(request, p, wallet_id, body, "deposit")


@router.post("/wallets/{wallet_id}/withdraw", response_model=TransactionOut, status_code=201)
def withdraw(wallet_id: WalletId, body: AmountIn, request: Request,
             p: Principal = Depends(principal)):
    """Pay out of a wallet's available balance (admin)."""
    return _move(request, p, wallet_id, body, "withdraw")


@router.get("/ledger", response_model=list[LedgerOut])
def ledger(request: Request, p: Principal = Depends(reading),
           asset: Annotated[Optional[str], Query(max_length=16)] = None,
           user_id: Annotated[Optional[str], Query(max_length=64)] = None,
           limit: Annotated[Optional[int], Query(ge=1, le=10000), WHOLE] = 1000):
    """Your ledger entries (an admin: anyone's), oldest first, the newest `limit`."""
    reader = state(request).reader(p)
    known(reader, user=user_id, asset=asset)
    try:
        rows = reader.ledger(user=user_id, asset=asset, limit=limit)
    except AccessDenied as exc:
        raise denied(exc) from None
    return [ledger_out(r) for r in rows]
