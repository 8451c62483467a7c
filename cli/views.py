"""Read commands: orders, trades, book, wallets, ledger; tables for people, --json for scripts."""
from typing import Optional

import typer
from rich.table import Table

from souq.db.shapes import trade_shape
from souq.engine.model import STATUSES
from souq.mm.display import Figures, grouped_text

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


def _aligned(f, rows, keys) -> dict:
    """Formats for the ledger amounts in columns `keys`, each asset at one number of
    places across the table (Figures.common_places), so decimal points line up."""
    places: dict[str, int] = {}
    for asset in {r["asset"] for r in rows}:
        places[asset] = f.common_places(asset, (r[k] for r in rows if r["asset"] == asset
                                                for k in keys))
    show = lambda asset, value: f.balance(asset, value, places=places[asset])  # noqa: E731
    return {k: show for k in keys}


def known(reader, symbols=None, **filters) -> None:
    """Refuse (one line, exit 1) a --user, --symbol or --asset filter naming nothing the
    exchange lists, rather than answer an empty table that reads as "none yet"
    (db.access.check_filters: UnknownName, a ValueError guarded() turns into one line)."""
    from souq.db.access import check_filters
    check_filters(reader, symbols=symbols, **{k: v for k, v in filters.items() if v is not None})


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
        symbols = reader.symbols()
        known(reader, symbols, symbol=symbol, user=user)
        rows = reader.orders(user=user, status=status, symbol=symbol, limit=limit)
        if json:
            print_json([{k: r[k] for k in ORDER_KEYS} for r in rows])
            return
        f = Figures(symbols)
        shown = {"price": f.price, "stop_price": f.price, "qty": f.qty, "filled": f.qty,
                 "avg_price": f.avg_price, "reason": lambda _, why: grouped_text(why)}
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
        symbols = reader.symbols()
        known(reader, symbols, symbol=symbol, user=user)
        rows = [trade_shape(t) for t in reader.trades(user=user, symbol=symbol, limit=limit)]
        if json:
            print_json(rows)
            return
        f = Figures(symbols)
        quote = {s["name"]: s["quote"] for s in f.rows}
        fee = lambda sym, v: f.fee(quote.get(sym, ""), v)     # noqa: E731
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
        symbols = api.symbols()
        known(api, symbols, symbol=symbol)
        b = api.book(symbol, depth)
        if json:
            print_json(b)
            return
        f = Figures(symbols)
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
        known(reader, user=user)
        rows = reader.wallets(user=user)
        keys = ("user", "asset", "balance", "hold", "available")
        if json:
            print_json([{k: r[k] for k in keys} for r in rows])
            return
        amounts = ("balance", "hold", "available")
        shown = _aligned(Figures(reader.symbols()), rows, amounts)
        _table("wallets", keys, ([_shown(shown, k, r["asset"], r[k]) for k in keys]
                                 for r in rows), right=amounts)


def ledger(user: Optional[str] = typer.Option(None, "--user"),
           asset: Optional[str] = typer.Option(None, "--asset"),
           limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Newest N only."),
           json: bool = typer.Option(False, "--json")) -> None:
    """Ledger movements: each moves an amount from one account bucket to another."""
    with guarded():
        reader = State.reader()
        symbols = reader.symbols()
        known(reader, symbols, asset=asset, user=user)
        rows = reader.ledger(user=user, asset=asset, limit=limit)
        keys = ("id", "seq", "kind", "asset", "from_user", "from_bucket", "to_user", "to_bucket",
                "amount", "ref")
        if json:
            print_json([{k: r[k] for k in keys} for r in rows])
            return
        amount = _aligned(Figures(symbols), rows, ("amount",))
        _table("ledger", keys, ([_shown(amount, k, r["asset"], r[k]) for k in keys]
                                for r in rows), right=("id", "seq", "amount"))


SYMBOL_LABELS = {"name": "name", "base": "base", "quote": "quote", "tick_size": "tick size",
                 "qty_step": "qty step", "min_qty": "min qty", "max_qty": "max qty",
                 "daily_limit": "daily band", "ref_price": "reference price",
                 "maker_fee": "maker fee", "taker_fee": "taker fee", "active": "active",
                 "sessions": "governed by sessions", "open": "open",
                 "last_price": "last price"}


def symbol_figures(row: dict, rows) -> dict:
    """A symbol row's values as people read them (mm.display): prices at the tick's
    decimals, quantities at the step's, rates as percentages, flags as yes/no."""
    from souq.mm.display import Market, exact, percent, yes_no
    m = Market.of(row, rows)
    price = lambda v: None if v is None else m.price(v)           # noqa: E731
    qty = lambda v: None if v is None else exact(v, m.qty_dp)     # noqa: E731
    return {"name": row["name"], "base": row["base"], "quote": row["quote"],
            "tick_size": price(row["tick_size"]), "qty_step": qty(row["qty_step"]),
            "min_qty": qty(row["min_qty"]), "max_qty": qty(row["max_qty"]),
            "daily_limit": percent(row["daily_limit"], None) if row["daily_limit"] else "none",
            "ref_price": price(row["ref_price"]), "maker_fee": percent(row["maker_fee"], None),
            "taker_fee": percent(row["taker_fee"], None), "active": yes_no(row["active"]),
            "sessions": yes_no(row["sessions"]), "open": yes_no(row["open"]),
            "last_price": price(row["last_price"])}


def show_symbols(rows, json: bool) -> None:
    if json:
        print_json(rows)
        return
    keys = ("name", "base", "quote", "tick_size", "qty_step", "min_qty", "max_qty", "daily_limit",
            "ref_price", "maker_fee", "taker_fee", "active", "open", "last_price")
    shown = [symbol_figures(r, rows) for r in rows]
    numeric = ("tick_size", "qty_step", "min_qty", "max_qty", "daily_limit", "ref_price",
               "maker_fee", "taker_fee", "last_price")
    t = Table(title="symbols", title_justify="left", header_style="bold")
    for k in keys:
        t.add_column(SYMBOL_LABELS[k], justify="right" if k in numeric else "left")
    for r in shown:
        t.add_row(*["" if r[k] is None else r[k] for k in keys])
    out.print(t)


def show_symbol(row, sessions, json: bool, rows=()) -> None:
    """One symbol, each field once, and its session history (opened, closed, opening
    price)."""
    if json:
        print_json({**row, "session_history": sessions})
        return
    from souq.mm.display import count
    shown = symbol_figures(row, list(rows) or [row])
    t = Table(title=row["name"], title_justify="left", show_header=False)
    t.add_column("field")
    t.add_column("value", justify="right")
    for k, label in SYMBOL_LABELS.items():
        t.add_row(label, "" if shown[k] is None else shown[k])
    t.add_row("session history", count(len(sessions), "session"))
    out.print(t)
    market = None
    for s in sessions:
        if market is None:
            from souq.mm.display import Market
            market = Market.of(row, list(rows) or [row])
        opening = "" if s["opening_price"] is None else f" at {market.price(s['opening_price'])}"
        out.print(f"  session opened {_when(s.get('opened_at') or s.get('opened_ts')) or '-'}"
                  f"{opening}, closed {_when(s.get('closed_at') or s.get('closed_ts')) or '-'}",
                  markup=False)


def _when(value) -> str:
    """A session time (ns since the epoch, or ISO text from a gateway) as UTC text."""
    if value is None:
        return ""
    if isinstance(value, int):
        from datetime import datetime, timezone
        return datetime.fromtimestamp(value / 1e9, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def show_users(rows, json: bool) -> None:
    if json:
        print_json(rows)
        return
    _table("users", ("name", "role", "status"), ([r["name"], r["role"], r["status"]] for r in rows))
