"""Order entry: place, amend, cancel, cancel-all."""
from typing import Optional

import typer

from souq.db.store import order_row
from souq.engine.events import OrderAmended
from souq.engine.model import OPERATOR, ORDER_TYPES, SIDES, STPS, TIFS
from souq.engine.stream import trade_record

from souq.mm.display import count, grouped_text

from .context import State, fail, guarded, out, print_json, rejected

order_app = typer.Typer(help="Place, amend and cancel orders.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(order_app, name="order")


def _owner(user: Optional[str]) -> str:
    actor = State.api().actor       # with --server, the key's user
    if user is None:
        if actor == OPERATOR:
            fail("say whose order this is with --user NAME (or act as a user with --as NAME)")
        return actor
    return user


def _order_id(text: str, owner: str) -> str:
    """The client id `text` names: itself, or for `#N` (no client id starts with '#') the
    client id of `owner`'s order number N, as `souq orders` and the gateway number them."""
    number = text[1:]
    if not (text.startswith("#") and number.isascii() and number.isdigit()
            and len(number) <= 18):
        return text
    row = State.api().order_number(owner, int(number))
    if row is None:
        fail(f"no order {text} of {owner}")
    return row["client_id"]


@order_app.command("place", context_settings={"ignore_unknown_options": True})
def place(
    symbol: str, side: str = typer.Argument(..., help="buy or sell"),
    qty: str = typer.Argument(..., help="Quantity in the base asset, e.g. 0.5"),
    price: Optional[str] = typer.Option(None, "--price", "-p", help="Limit price."),
    type_: str = typer.Option(None, "--type", "-t",
                              help="limit (default with --price), market (default without), "
                                   "stop_limit, stop_market"),
    stop_price: Optional[str] = typer.Option(None, "--stop", help="Stop trigger price."),
    tif: Optional[str] = typer.Option(None, "--tif", help="gtc, ioc, fok, day, post_only"),
    stp: Optional[str] = typer.Option(None, "--stp",
                                      help="Self-trade prevention: none, cancel_newest, "
                                           "cancel_oldest, cancel_both"),
    client_id: Optional[str] = typer.Option(None, "--id", help="Client order id (unique per user)."),
    user: Optional[str] = typer.Option(None, "--user", help="Owner (the operator may act for anyone)."),
    json: bool = typer.Option(False, "--json"),
) -> None:
    """Place an order. Prints the order as it stands after matching, with its trades."""
    with guarded():
        if side not in SIDES:
            fail(f"side {side!r} must be buy or sell")
        kind = type_ or ("limit" if price is not None else "market")
        if stop_price is not None and type_ is None:
            kind = "stop_limit" if price is not None else "stop_market"
        if kind not in ORDER_TYPES:
            fail(f"order type {kind!r} is not one of {', '.join(ORDER_TYPES)}")
        for name, value, allowed in (("tif", tif, TIFS), ("stp", stp, STPS)):
            if value is not None and value not in allowed:
                fail(f"{name} {value!r} is not one of {', '.join(allowed)}")
        if kind in ("limit", "stop_limit") and price is None:
            fail(f"a {kind} order needs --price")
        if kind in ("market", "stop_market") and price is not None:
            fail(f"a {kind} order takes no --price")
        if kind.startswith("stop") and stop_price is None:
            fail(f"a {kind} order needs --stop")
        obj = {"op": kind, "user": _owner(user), "symbol": symbol, "side": side, "qty": qty}
        for key, value in (("id", client_id), ("price", price), ("stop_price", stop_price),
                           ("tif", tif), ("stp", stp)):
            if value is not None:
                obj[key] = value
        result = State.api().submit(obj)
        order = result.orders.get(result.seq)
        trades = [t if isinstance(t, dict) else trade_record(t) for t in result.trades]
        if json:
            print_json({"seq": result.seq, "status": "accepted" if result.accepted else "rejected",
                        "reason": result.reason,
                        "order": _order_dict(order, result.seq) if order else None,
                        "trades": trades})
        elif order is not None:
            _print_order(order)
            _print_trades(trades)
        if not result.accepted:
            rejected("order", result.reason)


def _figures():
    """How the exchange's symbols show their numbers (mm.display), read once."""
    global _FIGURES
    if _FIGURES is None:
        from souq.mm.display import Figures
        _FIGURES = Figures(State.api().symbols())
    return _FIGURES


_FIGURES = None


def _print_trades(trades: list[dict]) -> None:
    f = _figures() if trades else None
    for t in trades:
        out.print(f"  trade {t['seq']}: {f.qty(t['symbol'], t['qty'])} @ "
                  f"{f.price(t['symbol'], t['price'])} (maker {t['maker_user']}/{t['maker']}, "
                  f"taker {t['taker_user']}/{t['taker']})", markup=False)


def _order_dict(o, seq) -> dict:
    if isinstance(o, dict):      # already a row dict (from a server, cli --server)
        return o
    row = order_row(o, seq)
    keys = ("id", "user", "client_id", "symbol", "side", "type", "tif", "stp", "price",
            "stop_price", "qty", "filled", "cost", "status", "reason", "hold")
    return dict(zip(keys, row))


def _print_order(o) -> None:
    d = _order_dict(o, None if isinstance(o, dict) else o.oid)
    f, sym = _figures(), d["symbol"]
    price = f" @ {f.price(sym, d['price'])}" if d["price"] else ""
    stop = f" stop {f.price(sym, d['stop_price'])}" if d["stop_price"] else ""
    reason = f" ({grouped_text(d['reason'])})" if d["reason"] else ""
    qty = f" {f.qty(sym, d['qty'])}" if d["qty"] is not None else ""     # unknown: as price
    out.print(f"order {d['id']} [{d['client_id']}] {d['user']} {sym} {d['side']}"
              f"{qty}{price}{stop} {d['type']} {d['tif']}: {d['status']}, "
              f"filled {f.qty(sym, d['filled'])}{reason}", markup=False)


@order_app.command("cancel")
def cancel(client_id: str = typer.Argument(..., help="The order's client id, or #N for "
                                                    "order number N."),
           user: Optional[str] = typer.Option(None, "--user", help="Owner (operator only).")) -> None:
    """Cancel one order by its client id (or #N, its order number); what it held is released."""
    with guarded():
        owner = _owner(user)
        result = State.api().submit({"op": "cancel", "user": owner,
                                     "id": _order_id(client_id, owner)})
        if not result.accepted:
            rejected("cancel", result.reason)
        for o in result.orders.values():
            _print_order(o)


@order_app.command("amend", context_settings={"ignore_unknown_options": True})
def amend(client_id: str = typer.Argument(..., help="The order's client id, or #N for "
                                                   "order number N."),
          price: Optional[str] = typer.Option(None, "--price", "-p", help="New limit price."),
          qty: Optional[str] = typer.Option(None, "--qty", "-q",
                                            help="New total quantity (filled part included)."),
          user: Optional[str] = typer.Option(None, "--user", help="Owner (operator only).")) -> None:
    """Change a resting order's price and/or quantity. A smaller quantity keeps its time
    priority; a new price or a larger quantity puts it at the back of the queue (and a
    price that crosses the book trades at once). The hold moves by the difference."""
    with guarded():
        if price is None and qty is None:
            fail("say what to change: --price P and/or --qty Q")
        owner = _owner(user)
        client_id = _order_id(client_id, owner)
        obj = {"op": "amend", "user": owner, "id": client_id}
        for key, value in (("price", price), ("qty", qty)):
            if value is not None:
                obj[key] = value
        result = State.api().submit(obj)
        if not result.accepted:
            rejected("amend", result.reason)
        kept = next((ev.kept_priority for ev in result.events if type(ev) is OrderAmended),
                    False)
        for o in result.orders.values():
            if o.cid == client_id and o.user.name == obj["user"]:
                _print_order(o)
        out.print("  time priority kept" if kept else "  time priority lost: at the back of "
                  "its price level")
        _print_trades([trade_record(t) for t in result.trades])


@order_app.command("cancel-all")
def cancel_all(symbol: Optional[str] = typer.Option(None, "--symbol"),
               user: Optional[str] = typer.Option(None, "--user", help="Owner (operator only).")) -> None:
    """Cancel every open order of a user (optionally on one symbol)."""
    with guarded():
        obj = {"op": "cancel_all", "user": _owner(user)}
        if symbol is not None:
            obj["symbol"] = symbol
        result = State.api().submit(obj)
        if not result.accepted:
            rejected("cancel-all", result.reason)
        out.print(f"cancelled {count(len(result.orders), 'order')} of {obj['user']}")
