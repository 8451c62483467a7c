"""`souq analyze SYMBOL`: market analysis of a symbol on the database."""
from typing import Optional

import typer
from rich.table import Table

from db.load import to_int
from engine.numbers import parse_price
from mm.analytics import symbol as A
from mm.analytics.tape import journal_length, top_history
from mm.desk.book import book_of

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
        sym = api.store.ex.symbols.get(symbol)
        if sym is None:
            fail(f"unknown symbol {symbol!r}")
        qty = parse_price(size, "--size") if size is not None else sym.min_qty
        prices = [to_int(t["price"]) for t in api.trades(symbol=symbol)]
        with api.db.connect() as conn, progress("replaying the journal") as bar:
            task = bar.add_task("replay", total=journal_length(conn))
            tops = top_history(conn, symbol, on_progress=lambda n: bar.advance(task, n))
        figures = A.analyse(book_of(sym, depth), prices, tops, qty)
    if json:
        print_json(figures)
    else:
        show(figures)


def show(f: dict) -> None:
    t = Table(title=f"{f['symbol']} analysis", title_justify="left", show_header=False)
    t.add_column("figure")
    t.add_column("value", justify="right")
    for key in ("bid", "ask", "mid", "spread", "microprice", "last", "trades", "samples",
                "ofi", "realised_volatility", "roll_spread", "sma_20", "sma_50", "rsi_14"):
        t.add_row(key, _text(f[key]))
    t.add_row("bollinger_20", _text(f["bollinger_20"] and " / ".join(map(str, f["bollinger_20"]))))
    for side, c in f["cost"].items():
        t.add_row(f"{side} {f['size']}", f"avg {_text(c['avg_price'])}, slippage "
                  f"{_text(c['slippage'])} ({_text(c['slippage_bps'])} bps), {c['levels']} "
                  f"levels{'' if c['complete'] else ', book too thin: ' + c['filled']}")
    s = f["spread_stats"]
    t.add_row("spread over time", f"mean {_text(s['mean'])}, median {_text(s['median'])}, "
              f"min {_text(s['min'])}, max {_text(s['max'])}")
    for side, d in f["depth_stats"].items():
        t.add_row(f"top {side} qty", f"mean {_text(d['mean'])}, min {_text(d['min'])}, "
                  f"max {_text(d['max'])}")
    r = f["resiliency"]
    t.add_row("resiliency", f"{r['shocks']} shocks, {r['recovered']} recovered, mean "
              f"{_text(r['mean_s'])} s, max {_text(r['max_s'])} s")
    for side, rows in f["depth"].items():
        if rows:
            t.add_row(f"depth ({'bids' if side == 'buy' else 'asks'})",
                      ", ".join(f"{r['qty']} to {r['price']}" for r in rows))
    out.print(t)


def _text(v) -> str:
    return "-" if v is None else str(v)
