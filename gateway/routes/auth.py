"""Auth API: log in with an API key, refresh (rotating), log out."""
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from ..auth import Principal
from ..schemas import LoginIn, RefreshIn, TokensOut
from ..service import limit, principal, state

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/login", response_model=TokensOut)
def login(body: LoginIn, request: Request):
    """An API key's client id and secret for an access and a refresh token."""
    g = state(request)
    request.state.client_id = body.client_id
    limit(g, body.client_id)
    pair = g.tokens.login(body.client_id, body.client_secret)
    request.state.user = pair.pop("user_id")
    return pair


@router.post("/refresh", response_model=TokensOut)
def refresh(body: RefreshIn, request: Request):
    """A new pair for a refresh token, which is spent: using it again fails."""
    return state(request).tokens.refresh(body.refresh_token)


@router.post("/logout", status_code=204, response_class=Response)
def logout(request: Request, p: Principal = Depends(principal)) -> Response:
    """End the login session: its access and refresh tokens stop working. 204: no body
    and no Content-Type (RFC 9110 section 15.3.5)."""
    state(request).tokens.logout(p)
    return Response(status_code=204)
