"""Operator commands: init, symbols, sessions, users, deposits and withdrawals."""
from typing import Optional

import typer

from souq.mm.desk.demo_configs import build as build_demo

from . import views
from souq.db import queries as Q
from souq.engine.events import OrderCancelled

from souq.mm.display import count, number

from .context import State, fail, guarded, out, print_json, result_or_fail, shown_url

symbol_app = typer.Typer(help="Add, list, show, activate and deactivate symbols.",
                         no_args_is_help=True)
session_app = typer.Typer(help="Open and close trading sessions.", no_args_is_help=True)
user_app = typer.Typer(help="Add, list, suspend and reinstate users.", no_args_is_help=True)
asset_app = typer.Typer(help="Asset precisions: fees round up to them.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)
    app.add_typer(symbol_app, name="symbol")
    app.add_typer(session_app, name="session")
    app.add_typer(user_app, name="user")
    app.add_typer(asset_app, name="asset")
    # "-5" is an amount to reject with a reason, not an unknown option
    numbers = {"ignore_unknown_options": True}
    app.command("deposit", context_settings=numbers)(deposit)
    app.command("withdraw", context_settings=numbers)(withdraw)


def init(demo: bool = typer.Option(False, "--demo", help="Create the demo exchange: symbols, "
                                   "users, funded wallets and a resting book.")) -> None:
    """Create the database (and optionally the demo exchange)."""
    with guarded():
        api = State.api()
        market = State.market(api)
        market.refresh()                    # creates the database when there is none
        if demo:
            if market.symbols():
                fail(f"{shown_url(api.url)} already holds an exchange; --demo needs an empty "
                     "database")
            batch = build_demo(api)
            bad = [o.reason for o in batch.outcomes if o.reason]
            if bad:
                fail(f"demo set-up rejected: {bad[0]}")
            out.print(f"demo exchange created in {shown_url(api.url)}: "
                      f"{count(len(market.symbols()), 'symbol')}, "
                      f"{count(_people(api), 'user')}, "
                      f"{count(len(batch.outcomes), 'command')}; the market is quiet until "
                      "something trades: `souq sim` runs the demo market, `souq` opens the "
                      "workstation", markup=False)
        else:
            out.print(f"database ready: {shown_url(api.url)}", markup=False)


def _people(api) -> int:
    """How many users the exchange has, its built-in @ accounts left out."""
    return sum(not u["name"].startswith("@") for u in api.read(Q.users))


@symbol_app.command("add")
def symbol_add(
    symbol: str, base: str = typer.Option(..., help="Base asset, e.g. BTC."),
    quote: str = typer.Option(..., help="Quote asset, e.g. IRR."),
    tick_size: str = typer.Option(..., "--tick-size", "--tick"),
    qty_step: str = typer.Option(..., "--qty-step", "--step"),
    min_qty: Optional[str] = typer.Option(None, "--min-qty"),
    max_qty: Optional[str] = typer.Option(None, "--max-qty"),
    daily_limit: Optional[str] = typer.Option(None, "--daily-limit",
                                              help="Band around the reference price, e.g. 0.05"),
    ref_price: Optional[str] = typer.Option(None, "--ref-price"),
    maker_fee: Optional[str] = typer.Option(None, "--maker-fee", help="Default 0.001"),
    taker_fee: Optional[str] = typer.Option(None, "--taker-fee", help="Default 0.002"),
) -> None:
    """Add a symbol (admin)."""
    obj = {"op": "symbol", "symbol": symbol, "base": base, "quote": quote,
           "tick_size": tick_size, "qty_step": qty_step}
    for key, value in (("min_qty", min_qty), ("max_qty", max_qty), ("daily_limit", daily_limit),
                       ("ref_price", ref_price), ("maker_fee", maker_fee), ("taker_fee", taker_fee)):
        if value is not None:
            obj[key] = value
    _run(obj, f"symbol {symbol}", f"symbol {symbol} added")


@symbol_app.command("list")
def symbol_list(json: bool = typer.Option(False, "--json")) -> None:
    """List symbols."""
    with guarded():
        views.show_symbols(State.api().symbols(), json)


@symbol_app.command("show")
def symbol_show(symbol: str, json: bool = typer.Option(False, "--json")) -> None:
    """Show one symbol with its sessions."""
    with guarded():
        api = State.api()
        row = api.symbol(symbol)
        if row is None:
            fail(f"unknown symbol {symbol!r}")
        views.show_symbol(row, api.sessions(symbol), json, api.symbols())


@symbol_app.command("deactivate")
def symbol_deactivate(symbol: str) -> None:
    """Stop trading a symbol: new orders are rejected (admin)."""
    _run({"op": "symbol_status", "symbol": symbol, "active": "false"}, "deactivate",
         f"symbol {symbol} inactive")


@symbol_app.command("activate")
def symbol_activate(symbol: str) -> None:
    """Resume trading a symbol (admin)."""
    _run({"op": "symbol_status", "symbol": symbol, "active": "true"}, "activate",
         f"symbol {symbol} active")


@session_app.command("open")
def session_open(
    symbol: str, opening_price: Optional[str] = typer.Option(None, "--opening-price"),
    maker_fee: Optional[str] = typer.Option(None, "--maker-fee"),
    taker_fee: Optional[str] = typer.Option(None, "--taker-fee"),
) -> None:
    """Open a trading session (admin); the opening price becomes the band's reference."""
    obj = {"op": "session_open", "symbol": symbol}
    for key, value in (("opening_price", opening_price), ("maker_fee", maker_fee),
                       ("taker_fee", taker_fee)):
        if value is not None:
            obj[key] = value
    _run(obj, "session open", f"session for {symbol} open")


@session_app.command("close")
def session_close(symbol: str) -> None:
    """Close a trading session (admin); resting day orders expire."""
    _run({"op": "session_close", "symbol": symbol}, "session close", f"session for {symbol} closed")


@user_app.command("add")
def user_add(name: str, role: str = typer.Option("trader", help="admin, trader or market_maker")) -> None:
    """Add a user (admin)."""
    _run({"op": "user", "user": name, "role": role}, f"user {name}", f"user {name} added as {role}")


@user_app.command("list")
def user_list(json: bool = typer.Option(False, "--json")) -> None:
    """List users (admin)."""
    with guarded():
        views.show_users(State.api().users(), json)


@user_app.command("suspend")
def user_suspend(name: str) -> None:
    """Suspend a user (admin): their open orders and untriggered stops are cancelled at
    once, releasing the holds, and new orders are rejected until reinstated."""
    with guarded():
        result = result_or_fail(State.api().submit(
            {"op": "user_status", "user": name, "status": "suspended"}), "suspend")
        n = sum(1 for ev in result.events if type(ev) is OrderCancelled)
        out.print(f"user {name} suspended, {count(n, 'open order')} cancelled (seq {result.seq})")


@user_app.command("reinstate")
def user_reinstate(name: str) -> None:
    """Reinstate a suspended user (admin)."""
    _run({"op": "user_status", "user": name, "status": "active"}, "reinstate",
         f"user {name} active")


@asset_app.command("precision", context_settings={"ignore_unknown_options": True})
def asset_precision(asset: str, places: str = typer.Argument(..., metavar="PLACES")) -> None:
    """Set an asset's precision in decimal places, 0 to 18 (admin). Every fee charged in
    it is rounded up to that; resting buys are re-held for the new rounding."""
    _run({"op": "asset", "asset": asset, "precision": places}, "precision",
         f"{asset} precision {count(places, 'decimal place')}")


@asset_app.command("list")
def asset_list(json: bool = typer.Option(False, "--json")) -> None:
    """Assets and their precisions (18, the ledger's own, until one is set)."""
    with guarded():
        rows = State.api().read(Q.assets)
        if json:
            print_json(rows)
            return
        for r in rows:
            out.print(f"{r['asset']}: {count(r['precision'], 'decimal place')}"
                      + ("" if r["set"] else " (not set)"), markup=False)


def deposit(user: str, asset: str, amount: str) -> None:
    """Credit a user's wallet from outside the exchange (admin)."""
    _run({"op": "deposit", "user": user, "asset": asset, "amount": amount}, "deposit",
         lambda: f"deposited {_money(asset, amount)} {asset} to {user}")


def withdraw(user: str, asset: str, amount: str) -> None:
    """Pay out from a user's available balance (admin)."""
    _run({"op": "withdraw", "user": user, "asset": asset, "amount": amount}, "withdrawal",
         lambda: f"withdrew {_money(asset, amount)} {asset} from {user}")


def _money(asset: str, amount: str) -> str:
    """An amount of `asset` as people read it: grouped, at the asset's precision
    (mm.display), never rounded below what was moved."""
    from souq.mm.display import asset_decimals, exact
    return exact(amount, asset_decimals(asset, State.api().symbols()))


def _run(obj: dict, what: str, done) -> None:
    """Submit `obj`; print `done` (text, or a function making it once accepted) and the
    journal seq, or fail with the exchange's reason."""
    with guarded():
        result = result_or_fail(State.api().submit(obj), what)
        out.print(f"{done() if callable(done) else done} (seq {result.seq})", markup=False)


def demo(action: Optional[str] = typer.Argument(
        None, metavar="[reset]", help="reset: empty a demo database and build the demo "
        "exchange again (refused on any other database).")) -> None:
    """Open the demo exchange (created on first run) and trade a little, headless."""
    from souq.mm.demo import demo_flow
    from . import views as v
    with guarded():
        if action not in (None, "reset"):
            fail(f"unknown demo action {action!r}: the one action is reset")
        if action == "reset":
            _demo_reset()
            return
        api = State.api()
        market = State.market(api)
        if not market.symbols():
            build_demo(api)
            out.print(f"created the demo exchange in {shown_url(api.url)}", markup=False)
        batch = api.execute_many(demo_flow(market.journal_seq()))
        accepted = sum(o.reason is None for o in batch.outcomes)
        out.print(f"{count(len(batch.outcomes), 'retail order')}: {number(accepted)} accepted, "
                  f"{count(len(batch.trades), 'trade')}\n")
        v.book("BTC-IRR", depth=5, json=False)
        v.trades(symbol="BTC-IRR", user=None, limit=5, json=False)
        v.wallets(user="alice", json=False)
        out.print("\nnext: souq --help, souq --as alice order place BTC-IRR buy 0.01 -p 95000500000")


def _demo_reset() -> None:
    from souq.db import demo as D
    from souq.db.store import connect
    from souq.db.urls import chosen_url
    if State.server:
        fail("demo reset works on a local database, not through --server")
    engine = connect(chosen_url(State.db))
    try:
        removed = D.clear(engine)
    finally:
        engine.dispose()
    api = State.api()
    refused = [o.reason for o in build_demo(api).outcomes if o.reason]
    if refused:
        fail(f"demo set-up rejected: {refused[0]}")
    out.print(f"reset the demo exchange in {shown_url(api.url)}: removed {count(removed, 'journal entry')} "
              f"and built it again")
