"""Every leg of a run valued in one currency: a hedger trades its own symbol and hedges on
another (ETH-USDT hedged on BTC-IRR), so its PnL is the sum of both legs, each by average
cost at its own mark, converted into the own symbol's quote asset.

`markets` describes every symbol that may be needed: name -> (base, quote, mark at 1e-9 or
None). A leg's PnL in its quote asset Q is converted into the report's quote asset R by
the mark of a symbol trading R against Q (Q per R: divide) or Q against R (multiply), or
through a chain of such symbols (the implied cross rate); a leg with no such chain is
reported in its own currency and the total over the legs is None with the reason. Money at 1e-18, exact (Fraction) until printed.
"""
from fractions import Fraction

from . import pnl as P


def rate(asset: str, into: str, markets: dict) -> Fraction | None:
    """How many `into` one unit of `asset` is worth (exact), from the symbols' marks (1e-9
    prices): 1 for the same asset; through a symbol pairing them directly (USDT-IRR turns
    IRR into USDT by dividing by its mark); else through the shortest chain of priced
    symbols, the implied cross rate (IRR -> ETH by ETH-IRR, ETH -> USDT by ETH-USDT).
    None when no chain of symbols with a mark joins them. Symbols earlier in `markets`
    win ties, so the own symbol's mark values the own base."""
    if asset == into:
        return Fraction(1)
    edges: dict[str, list[tuple[str, Fraction]]] = {}
    for base, quote, mark in markets.values():
        if mark and base != quote:
            edges.setdefault(base, []).append((quote, Fraction(mark, 10**9)))
            edges.setdefault(quote, []).append((base, Fraction(10**9, mark)))
    seen, frontier = {asset: Fraction(1)}, [asset]
    while frontier:
        nxt = []
        for a in frontier:
            for b, r in edges.get(a, ()):
                if b not in seen:
                    seen[b] = seen[a] * r
                    if b == into:
                        return seen[b]
                    nxt.append(b)
        frontier = nxt
    return None


def legs(fills, own: str, markets: dict) -> dict:
    """{"legs": [one per symbol other than `own` with fills, by name], "total": the other
    legs' total converted into own's quote asset or None, "note": why not, or None}.
    Each leg: symbol, quote, fills, inventory (1e-9), mark, realised, unrealised, fees,
    total (its quote, 1e-18), rate (into own's quote) and total_converted (1e-18)."""
    into = markets[own][1]
    by_symbol: dict[str, list] = {}
    for f in sorted(fills, key=lambda f: f.ts):
        if f.symbol != own:
            by_symbol.setdefault(f.symbol, []).append(f)
    out, total, missing = [], Fraction(0), []
    for name in sorted(by_symbol):
        base, quote, mark = markets.get(name, (None, None, None))
        pos = P.average_cost(by_symbol[name], mark)
        r = rate(quote, into, markets) if quote is not None else None
        converted = None if r is None else pos.total * r
        if converted is None:
            missing.append(f"no {into} price for {quote or name}")
        else:
            total += converted
        out.append({"symbol": name, "quote": quote, "fills": len(by_symbol[name]),
                    "inventory": pos.inventory, "mark": mark, "realised": pos.realised,
                    "unrealised": pos.unrealised, "fees": pos.fees, "total": pos.total,
                    "rate": r, "total_converted": converted})
    note = ("other legs not converted: " + "; ".join(missing)) if missing else None
    return {"legs": out, "total": None if missing else total, "note": note}
