"""`souq analyze SYMBOL`: market analysis of a symbol on the database."""
from typing import Optional

import typer
from rich.table import Table

from souq.db.load import to_int
from souq.engine.numbers import parse_price
from souq.mm.analytics import symbol as A
from souq.mm.analytics.tape import journal_length, top_history

from .context import State, fail, guarded, out, print_json
from .tools import progress


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze)


def analyze(symbol: str,
            size: Optional[str] = typer.Option(None, "--size", help="Quantity to price a "
                                               "market order of (default: the minimum)."),
            depth: int = typer.Option(10, "--depth", min=1, help="Book levels to walk and show."),
            json: bool = typer.Option(False, "--json")) -> None:
    """Depth and cost to trade, spread, depth and resiliency over time, order-flow
    imbalance, microprice, volatility, Roll's spread, SMA 20/50, RSI 14, Bollinger(20)."""
    with guarded():
        api = State.api()
        market = State.market(api)
        specs = market.symbols()
        if symbol not in specs:
            fail(f"unknown symbol {symbol!r}; known: {', '.join(sorted(specs))}")
        qty = parse_price(size, "--size") if size is not None else specs[symbol].min_qty
        prices = [to_int(t["price"]) for t in api.trades(symbol=symbol)]
        with api.db.connect() as conn, progress("replaying the journal") as bar:
            task = bar.add_task("replay", total=journal_length(conn))
            tops = top_history(conn, symbol, on_progress=lambda n: bar.advance(task, n))
        figures = A.analyse(market.book(symbol, depth), prices, tops, qty)
    if json:
        print_json(figures)
    else:
        show(figures, api.symbols())


def show(f: dict, symbols=()) -> None:
    """The figures as people read them (mm.display): prices at the tick's decimals (averages
    two finer), quantities at the step's (means two finer), grouped digits, spreads also in
    bps of the mid, the realised volatility as a percentage, counts with their nouns."""
    from souq.mm.display import (Figures, MISSING, bps, count, number, percent,
                                 spread_bps)
    fig = Figures(symbols)
    sym = f["symbol"]
    price = lambda v: fig.price(sym, v)             # noqa: E731
    avg = lambda v: fig.avg_price(sym, v)           # noqa: E731
    qty = lambda v: fig.qty(sym, v)                 # noqa: E731
    t = Table(title=f"{sym} analysis", title_justify="left", show_header=False)
    t.add_column("figure")
    t.add_column("value", justify="right")
    spread = lambda v: f"{price(v)} ({bps(spread_bps(f['bid'], f['ask']), 2)})"  # noqa: E731
    shown = {"bid": price, "ask": price, "mid": avg, "spread": spread, "microprice": avg,
             "last": price, "trades": number, "samples": number,
             "ofi": qty, "realised_volatility": lambda v: percent(v, 4),
             "roll_spread": avg, "sma_20": avg, "sma_50": avg, "rsi_14": lambda v: number(v, 2)}
    for key, how in shown.items():
        t.add_row(key.replace("_", " "), MISSING if f[key] is None else how(f[key]))
    t.add_row("bollinger 20", MISSING if not f["bollinger_20"]
              else " / ".join(avg(v) for v in f["bollinger_20"]))
    for side, c in f["cost"].items():
        thin = "" if c["complete"] else f", book too thin: {qty(c['filled'])}"
        t.add_row(f"{side} {qty(f['size'])}", f"avg {avg(c['avg_price'])}, slippage "
                  f"{avg(c['slippage'])} ({bps(c['slippage_bps'], 2)}), "
                  f"{count(c['levels'], 'level')}{thin}")
    s = f["spread_stats"]
    t.add_row("spread over time", f"mean {avg(s['mean'])}, median {avg(s['median'])}, "
              f"min {price(s['min'])}, max {price(s['max'])}")
    for side, d in f["depth_stats"].items():
        t.add_row(f"top {side} qty", f"mean {fig.avg_qty(sym, d['mean'])}, min {qty(d['min'])}, "
                  f"max {qty(d['max'])}")
    r = f["resiliency"]
    t.add_row("resiliency", f"{count(r['shocks'], 'shock')}, {number(r['recovered'])} recovered, "
              f"mean {number(r['mean_s'], 1)} s, max {number(r['max_s'], 1)} s")
    for side, rows in f["depth"].items():
        if rows:
            t.add_row(f"depth ({'bids' if side == 'buy' else 'asks'})",
                      ", ".join(f"{qty(r['qty'])} to {price(r['price'])}" for r in rows))
    out.print(t)
