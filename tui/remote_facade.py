"""The workstation's data source when it runs against a souq gateway (`souq --server URL
--key CLIENT_ID`) instead of a database: the same calls as ExchangeFacade (open, follow,
submit, close), acting as the key's user.

A WebSocket (public book and trades of every symbol, the user's orders and wallets) says
when something changed; each view is then read over REST (book, tape, own orders, fills
and wallets at one moment), so what the screen shows is a consistent snapshot rather than
a replay of deltas. `remote` is a gateway.remote.RemoteApi (passed in by the CLI: the
workstation does not import the gateway): its `client` is the gateway client, and its
`execute` takes the same order-stream commands as db.api.Api.
"""
import threading
import time
from datetime import datetime, timedelta, timezone
from decimal import ROUND_FLOOR, Decimal
from types import SimpleNamespace

from souq.db.access import AccessDenied
from souq.engine.numbers import fmt, parse_fixed, parse_price
from souq.mm.display import Figures
from souq.mm.pnl import position
from souq.mm.venue.remote import spec_of
from souq.mm.view import MarketView, OpenOrder, SymbolView, session_of

from .facade import CommandDone, Focus, ViewReady
from .snapshot import TAPE, ScreenView, _levels, _with_fill, own_price_set

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
RETRY = 1.0          # seconds between reconnections of a dropped stream
NANO = Decimal("0.000000001")   # the engine's price unit
OPEN = ("queued", "active", "partial")


def _best(rows: list[dict] | None) -> int | None:
    """The first level's price of a book side (1e-9), None when empty or not read."""
    return parse_price(rows[0]["price"]) if rows else None


def _units(text: str) -> int:
    """A quantity (zero allowed) at 1e-9."""
    return parse_fixed(text, 9, "quantity", positive=False)


def _ns(iso: str) -> int:
    d = datetime.fromisoformat(iso.replace("Z", "+00:00")) - EPOCH
    return ((d.days * 86_400 + d.seconds) * 1_000_000 + d.microseconds) * 1_000


def _text(d: Decimal) -> str:
    return format(d.normalize(), "f") if d else "0"


def _trade(t: dict) -> dict:
    """A gateway TradeOut as a trades-table row (the shape the panes and mm.pnl read)."""
    return {"id": int(t["trade_id"]), "ts": _ns(t["time"]), "symbol": t["symbol"],
            "price": t["price"], "qty": t["quantity"], "taker_side": t["taker_side"],
            "maker_user": t.get("maker_user"), "taker_user": t.get("taker_user"),
            "maker": t.get("maker_order"), "taker": t.get("taker_order"),
            "maker_fee": t.get("maker_fee") or "0", "taker_fee": t.get("taker_fee") or "0"}


class RemoteFacade:
    """ExchangeFacade's calls over a gateway; `api.url` is the server's URL."""

    def __init__(self, remote, focus: Focus, clock=time.time_ns) -> None:
        self.api = remote
        self.client = remote.client
        self.focus = focus
        self.clock = clock
        self.specs: dict[str, dict] = {}
        self._lock = threading.Lock()
        self._changed = threading.Event()
        self._changed.set()
        self._closing = False
        self._serial = 0
        self._built: tuple | None = None
        self._stream: threading.Thread | None = None

    # ----------------------------------------------------------- called from workers
    def open(self) -> None:
        """Read the symbols, act as the key's user, start listening."""
        self.specs = {s["symbol"]: s for s in self.client.symbols()}
        self.focus.user = self.api.actor
        if self.focus.symbol not in self.specs:
            self.focus.symbol = sorted(self.specs)[0] if self.specs else ""
        self._stream = threading.Thread(target=self._listen, name="souq-ws", daemon=True)
        self._stream.start()

    def _listen(self) -> None:
        """Every message marks the view stale; a dropped socket is reopened."""
        subs = [{"channel": c, "symbol": s} for s in self.specs for c in ("book", "trades")]
        subs += [{"channel": "orders"}, {"channel": "wallets"}]
        while not self._closing:
            try:
                for _ in self.client.stream(*subs, authenticate=True):
                    self._changed.set()
                    if self._closing:
                        return
            except Exception:           # the server went away: try again shortly
                if self._closing:
                    return
                self._changed.set()
                time.sleep(RETRY)

    def follow(self, force: bool = True, view: bool = True) -> ViewReady | None:
        """A view when the stream said something changed or the focus moved (or forced);
        unless forced, none while `view` is False (the main screen is covered)."""
        with self._lock:
            if not force and (not view or not self._changed.is_set()
                              and self._built == self._key()):
                return None
            self._changed.clear()
            return self._view()

    def _key(self) -> tuple:
        f = self.focus
        return (f.symbol, f.user, f.depth, f.group)

    def _view(self) -> ViewReady:
        f = self.focus
        self._serial += 1
        self._built = self._key()
        return ViewReady(self.build(f.symbol, f.depth, f.group), [], self._serial)

    def build(self, symbol: str, depth: int, group: int) -> ScreenView:
        """The ScreenView of `symbol` for the key's user, read over REST now. Its market
        view holds every listed symbol; the top of book is read for `symbol` only (the
        others' bid and ask are None)."""
        c, user = self.client, self.api.actor
        s = self.specs.get(symbol)
        if s is None:
            return ScreenView(self._serial, symbol, user, (user,), self._market(None, {}, []))
        book = c.book(symbol, depth * group)
        orders = self.api.orders(symbol=symbol, limit=200)
        tape = [_trade(t) for t in c.trades(symbol=symbol, public=True, limit=TAPE)]
        market = self._market(symbol, book, orders, tape[-1]["price"] if tape else None)
        own = own_price_set(market, user, symbol)
        bucket = parse_price(s["tick_size"]) * group
        bids = _levels(_side(book["bids"]), "buy", own, depth, bucket)
        asks = _levels(_side(book["asks"]), "sell", own, depth, bucket)
        deepest = max([Decimal(x.cum) for x in bids[-1:] + asks[-1:]] or [Decimal(1)]) or 1
        bids = tuple(_with_fill(x, deepest) for x in bids)
        asks = tuple(_with_fill(x, deepest) for x in asks)
        spread = mid = None
        if book["bids"] and book["asks"]:
            b, a = Decimal(book["bids"][0]["price"]), Decimal(book["asks"][0]["price"])
            spread, mid = _text(a - b), _text(((a + b) / 2).quantize(NANO, ROUND_FLOOR))
        mine = [_trade(t) for t in c.trades(symbol=symbol, limit=1000)]
        wallets = tuple({k: w[k] for k in ("asset", "balance", "hold", "available")}
                        for w in sorted(self.api.wallets(), key=lambda w: w["asset"]))
        last = market.symbols[symbol].last
        mark = Decimal(mid) if mid is not None else (Decimal(fmt(last)) if last else None)
        figures = Figures([{"name": n, "tick_size": x["tick_size"], "qty_step": x["qty_step"],
                            "base": x["base"], "quote": x["quote"]} for n, x in self.specs.items()])
        return ScreenView(
            self._serial, symbol, user, (user,), market, bids, asks, spread, mid,
            tuple(reversed(tape)), tuple(reversed(orders)), wallets,
            tuple((t["ts"], t["price"], t["qty"]) for t in tape), group,
            position(mine, user, mark), figures)

    def _market(self, symbol: str | None, book: dict, orders: list[dict],
                last: str | None = None) -> MarketView:
        """The market view of the listed symbols (`symbol`'s top of book from `book`, its
        last price `last` when the tape has one) and the key's open `orders` in it."""
        views = {}
        for n, x in sorted(self.specs.items()):
            top = book if n == symbol else {}
            newest = (last if n == symbol else None) or x["last_price"]
            views[n] = SymbolView(spec_of(x), _best(top.get("bids")), _best(top.get("asks")),
                                  None if newest is None else parse_price(newest),
                                  session_of(x["active"], x["sessions"], x["open"]))
        own = tuple(OpenOrder(int(o["order_id"]), o["client_order_id"], o["symbol"], o["side"],
                              None if o["price"] is None else parse_price(o["price"]),
                              parse_price(o["quantity"]) - _units(o["filled"]))
                    for o in orders if o["status"] in OPEN)
        return MarketView(views, {self.api.actor: {symbol: own}} if own else {})

    def submit(self, command: dict) -> CommandDone:
        """Run one command as the key's user through the gateway; never raises for a
        refused command (the server's one sentence becomes the reason)."""
        with self._lock:
            command = {**command, "user": self.api.actor} if "user" in command else command
            try:
                result = self.api.execute(command)
            except (ValueError, AccessDenied, ConnectionError) as exc:
                return CommandDone(command, None, str(exc))
            ready = self._view()
        return CommandDone(command, result, None, ready)

    def chart_history(self) -> "RemoteChartHistory":
        """The chart's trades by time window, read from the server (tui/chart_history.py
        reads them from the database)."""
        return RemoteChartHistory(self.client)

    def close(self) -> None:
        self._closing = True
        self.api.close()


class RemoteChartHistory:
    """ChartHistory's calls over the gateway: GET /trades?symbol=&public=true&since=&until=
    for the window on screen (the newest CHART_LIMIT trades in it)."""
    CHART_LIMIT = 10_000       # the route's largest limit

    def __init__(self, client) -> None:
        self.client = client

    def window(self, symbol: str, start: int, end: int) -> list[tuple[int, str, str]]:
        """(ts, price, qty) of `symbol`'s trades with start <= ts < end (ns), oldest first."""
        rows = self.client.trades(symbol=symbol, public=True, limit=self.CHART_LIMIT,
                                  since=_iso(start), until=_iso(end))
        return [(_ns(t["time"]), t["price"], t["quantity"]) for t in rows]

    def close(self) -> None:
        """Nothing to free: the facade owns the client."""


def _iso(ns: int) -> str:
    """Nanoseconds since the epoch as the API's ISO-8601 UTC time (microseconds)."""
    return (EPOCH + timedelta(microseconds=ns // 1000)).isoformat(
        timespec="microseconds").replace("+00:00", "Z")


def _side(rows: list[dict]) -> dict:
    """A gateway book side as the engine's levels (price, total, count at 1e-9), in the
    order given, for the local view's own grouping (tui/snapshot.py)."""
    return {i: SimpleNamespace(price=parse_price(x["price"]), total=parse_price(x["quantity"],
                                                                                "quantity"),
                               count=x["orders"]) for i, x in enumerate(rows)}
