"""Exchange API, market data: symbols, sessions, tickers, the book. Public (rate limited
per peer address), like the WebSocket's public channels."""
import time
from typing import Annotated, Optional

from fastapi import APIRouter, Path, Query, Request

from souq.db.tickers import ticker as ticker_stats

from ..problems import Problem
from ..schemas import WHOLE, BookOut, SessionOut, SymbolOut, TickerOut
from ..service import limit, state
from ..shapes import book_out, session_out, symbol_out

router = APIRouter(tags=["market"])
Symbol = Annotated[str, Path(max_length=64)]


def _public(request: Request):
    g = state(request)
    limit(g, "peer:" + (request.client.host if request.client else "?"))
    return g


def _known(g, symbol: str) -> None:
    if g.api.symbol(symbol) is None:
        raise Problem(404, f"unknown symbol {symbol!r}")


@router.get("/symbols", response_model=list[SymbolOut])
def symbols(request: Request):
    """Every listed symbol with its grid, limits, fees and state."""
    return [symbol_out(r) for r in _public(request).api.symbols()]


@router.get("/sessions", response_model=list[SessionOut])
def sessions(request: Request, symbol: Annotated[Optional[str], Query(max_length=64)] = None):
    """Trading sessions, oldest first (one symbol's with `symbol`)."""
    g = _public(request)
    if symbol is not None:
        _known(g, symbol)
    names = [symbol] if symbol is not None else [s["name"] for s in g.api.symbols()]
    return [session_out(r) for n in names for r in g.api.sessions(n)]


@router.get("/tickers/{symbol}", response_model=TickerOut)
def ticker(symbol: Symbol, request: Request):
    """Last price, best bid and ask, and 24 h open, high, low, volume and change."""
    g = _public(request)
    _known(g, symbol)
    return g.api.read(ticker_stats, symbol, time.time_ns())


@router.get("/book/{symbol}", response_model=BookOut)
def book(symbol: Symbol, request: Request,
         depth: Annotated[int, Query(ge=1, le=1000), WHOLE] = 10):
    """Aggregated depth, best prices first."""
    g = _public(request)
    _known(g, symbol)
    return book_out(g.api.book(symbol, depth))


