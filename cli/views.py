"""Read commands: orders, trades, book, wallets, ledger; tables for people, --json for scripts."""
from typing import Optional

import typer
from rich.table import Table

from db.shapes import trade_shape
from engine.model import STATUSES
from mm.display import Figures

from .context import State, fail, guarded, out, print_json

ORDER_KEYS = ("id", "user", "client_id", "symbol", "side", "type", "tif", "price", "stop_price",
              "qty", "filled", "avg_price", "status", "reason")


def register(app: typer.Typer) -> None:
    app.command("orders")(orders)
    app.command("trades")(trades)
    app.command("book")(book)
    app.command("wallets")(wallets)
    app.command("ledger")(ledger)


def _table(title: str, columns, rows, right=()) -> None:
    t = Table(title=title, title_justify="left", header_style="bold")
    for c in columns:
        t.add_column(c, justify="right" if c in right else "left")
    for r in rows:
        t.add_row(*["" if v is None else str(v) for v in r])
    out.print(t)


def _shown(formats: dict, key: str, scope: str, value):
    """`value` of column `key` as people read it: formats[key](scope, value) where a
    format is given (scope: the row's symbol or asset), else as stored."""
    if value is None or key not in formats:
        return value
    return formats[key](scope, value)


def orders(user: Optional[str] = typer.Option(None, "--user"),
           status: Optional[str] = typer.Option(None, "--status",
                                                help="new, queued, active, partial, filled, "
                                                     "cancelled, expired, rejected, or open"),
           symbol: Optional[str] = typer.Option(None, "--symbol"),
           limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Newest N only."),
           json: bool = typer.Option(False, "--json")) -> None:
    """Orders of every status (yours only unless you are an admin)."""
    with guarded():
        if status is not None and status not in STATUSES + ("open",):
            fail(f"status {status!r} is not one of {', '.join(STATUSES + ('open',))}")
        reader = State.reader()
        rows = reader.orders(user=user, status=status, symbol=symbol, limit=limit)
        if json:
            print_json([{k: r[k] for k in ORDER_KEYS} for r in rows])
            return
        f = Figures(reader.symbols())
        shown = {"price": f.price, "stop_price": f.price, "qty": f.qty, "filled": f.qty,
                 "avg_price": f.avg_price}
        _table("orders", ORDER_KEYS,
               ([_shown(shown, k, r["symbol"], r[k]) for k in ORDER_KEYS] for r in rows),
               right=("id", "price", "stop_price", "qty", "filled", "avg_price"))


def trades(symbol: Optional[str] = typer.Option(None, "--symbol"),
           user: Optional[str] = typer.Option(None, "--user"),
           limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Newest N only."),
           json: bool = typer.Option(False, "--json")) -> None:
    """Trades in execution order, in the order-stream format's trade shape with --json."""
    with guarded():
        reader = State.reader()
        rows = [trade_shape(t) for t in reader.trades(user=user, symbol=symbol, limit=limit)]
        if json:
            print_json(rows)
            return
        f = Figures(reader.symbols())
        quote = {s["name"]: s["quote"] for s in f.rows}
        fee = lambda sym, v: f.money(quote.get(sym, ""), v)   # noqa: E731
        shown = {"price": f.price, "qty": f.qty, "maker_fee": fee, "taker_fee": fee}
        keys = ("seq", "symbol", "price", "qty", "maker_user", "maker", "taker_user", "taker",
                "maker_fee", "taker_fee")
        _table("trades", keys, ([_shown(shown, k, r["symbol"], r[k]) for k in keys]
                                for r in rows),
               right=("seq", "price", "qty", "maker_fee", "taker_fee"))


def book(symbol: str, depth: int = typer.Option(10, "--depth", min=1),
         json: bool = typer.Option(False, "--json")) -> None:
    """The order book's depth, best prices first."""
    with guarded():
        api = State.reader()
        row = api.symbol(symbol)
        if row is None:
            fail(f"unknown symbol {symbol!r}")
        b = api.book(symbol, depth)
        if json:
            print_json(b)
            return
        f = Figures(api.symbols())
        price, qty = (lambda v: f.price(symbol, v)), (lambda v: f.qty(symbol, v))
        t = Table(title=f"{symbol} book", title_justify="left", header_style="bold")
        for c in ("orders", "bid qty", "bid", "ask", "ask qty", "orders "):
            t.add_column(c, justify="right")
        for i in range(max(len(b["bids"]), len(b["asks"]))):
            bid = b["bids"][i] if i < len(b["bids"]) else None
            ask = b["asks"][i] if i < len(b["asks"]) else None
            t.add_row(str(bid["orders"]) if bid else "", qty(bid["qty"]) if bid else "",
                      f"[green]{price(bid['price'])}[/]" if bid else "",
                      f"[red]{price(ask['price'])}[/]" if ask else "",
                      qty(ask["qty"]) if ask else "",
                      str(ask["orders"]) if ask else "")
        out.print(t)


def wallets(user: Optional[str] = typer.Option(None, "--user"),
            json: bool = typer.Option(False, "--json")) -> None:
    """Balance, hold and available per user and asset; the fee account is @fees."""
    with guarded():
        reader = State.reader()
        rows = reader.wallets(user=user)
        keys = ("user", "asset", "balance", "hold", "available")
        if json:
            print_json([{k: r[k] for k in keys} for r in rows])
            return
        f = Figures(reader.symbols())
        amount = {"balance": f.money, "hold": f.money, "available": f.money}
        _table("wallets", keys, ([_shown(amount, k, r["asset"], r[k]) for k in keys]
                                 for r in rows),
               right=("balance", "hold", "available"))


def ledger(user: Optional[str] = typer.Option(None, "--user"),
           asset: Optional[str] = typer.Option(None, "--asset"),
           limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Newest N only."),
           json: bool = typer.Option(False, "--json")) -> None:
    """Ledger movements: each moves an amount from one account bucket to another."""
    with guarded():
        reader = State.reader()
        rows = reader.ledger(user=user, asset=asset, limit=limit)
        keys = ("id", "seq", "kind", "asset", "from_user", "from_bucket", "to_user", "to_bucket",
                "amount", "ref")
        if json:
            print_json([{k: r[k] for k in keys} for r in rows])
            return
        amount = {"amount": Figures(reader.symbols()).money}
        _table("ledger", keys, ([_shown(amount, k, r["asset"], r[k]) for k in keys]
                                for r in rows), right=("id", "seq", "amount"))


def show_symbols(rows, json: bool) -> None:
    if json:
        print_json(rows)
        return
    keys = ("name", "base", "quote", "tick_size", "qty_step", "min_qty", "max_qty", "daily_limit",
            "ref_price", "maker_fee", "taker_fee", "active", "open", "last_price")
    _table("symbols", keys, ([r[k] for k in keys] for r in rows))


def show_symbol(row, sessions, json: bool) -> None:
    if json:
        print_json({**row, "session_history": sessions})
        return
    t = Table(title=row["name"], title_justify="left", show_header=False)
    for k, v in row.items():
        t.add_row(k, "" if v is None else str(v))
    t.add_row("sessions", str(len(sessions)))
    out.print(t)


def show_users(rows, json: bool) -> None:
    if json:
        print_json(rows)
        return
    _table("users", ("name", "role", "status"), ([r["name"], r["role"], r["status"]] for r in rows))
