"""A ccxt exchange as a venue (mm/venue/ports.py): the runner quotes or hedges on any
exchange that ccxt's unified API reaches, souq's own gateway included
(gateway/ccxt_souq.py). The interface that starts the run builds the ccxt object, with
its credentials, and hands it in: the desk does not import ccxt.

Symbols keep the desk's names (`BTC-IRR`); each is the ccxt market with that base and
quote (`BTC/IRR`). Every number ccxt hands back (a float by ccxt's convention, or a
string) is read through its shortest decimal text into engine units, and must sit on the
market's grid; what is sent goes out as decimal strings, so nothing is rounded on the way.

Each refresh reads balances and open orders; books and the last price are read when the
runner asks for them, trades when it takes them (the key's own fills and each watched
symbol's public tape). ccxt has no amend that every exchange supports: an amend is a
cancel and a new order for the rest, under the client id `CID~N`, while the runner keeps
knowing the order as CID (as RemoteVenue does).
"""
import time
from decimal import Decimal, InvalidOperation

from souq.engine import fees
from souq.engine.numbers import AMOUNT_DP, PRICE_DP

from souq.engine.symbols import SymbolSpec
from souq.mm.desk.book import Book
from souq.mm.desk.mark import venue_mark

from .ports import OpenOrder, TapeTrade
from .relay import RelayVenue

TRADES_READ = 500             # newest trades read per symbol and call


def units(value, dp: int = PRICE_DP) -> int | None:
    """A ccxt number (float, int or decimal string) in engine units (1e-9, or 1e-18 with
    AMOUNT_DP). Raises ValueError for a value finer than the unit or not a number."""
    if value is None:
        return None
    try:
        d = Decimal(value if isinstance(value, str) else repr(value)).scaleb(dp)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None
    if d != d.to_integral_value():
        raise ValueError(f"{value!r} has more than {dp} decimal places")
    return int(d)


def rate(value) -> int:
    """A ccxt fee rate (0.001) at 1e-9; 0 when the exchange does not say."""
    return 0 if value is None else units(value)


def spec_of(name: str, m: dict) -> SymbolSpec:
    """A ccxt market (its precision, amount limits and fee rates) as a SymbolSpec named
    `name`; no band (ccxt does not report one): the minimum is the step when unlisted."""
    tick, step = units(m["precision"]["price"]), units(m["precision"]["amount"])
    limits = m.get("limits", {}).get("amount", {})
    return SymbolSpec(name, m["base"], m["quote"], tick, step, units(limits.get("min")) or step,
                      units(limits.get("max")), maker=rate(m.get("maker")),
                      taker=rate(m.get("taker")))


class CcxtVenue(RelayVenue):
    """One ccxt exchange object (with its credentials), acting as `user` (the runner's
    user name). ccxt's errors are the refusals: a NetworkError makes `refresh` return
    False; an order refused says ccxt's message as the reason."""

    def __init__(self, exchange, user: str, clock=time.time_ns) -> None:
        import ccxt                         # only a run on a ccxt venue needs it
        self.ex = exchange
        self.user = user
        self.clock = clock                  # ns: the time of a trade sent without one
        self.unreachable = (ccxt.NetworkError,)      # RelayVenue's, checked first
        self.refused = ccxt.BaseError
        self.markets: dict[str, dict] = {}
        self.totals_: dict[str, int] = {}
        self.open: dict[str, dict] = {}           # runner cid -> ccxt order
        self.cids: dict[str, str] = {}            # exchange order id -> runner cid
        self.amended: dict[str, int] = {}
        self.books: dict[tuple[str, int], dict] = {}
        self.lasts: dict[str, object] = {}        # symbol -> ccxt's last price, this refresh
        self.watched: set[str] = set()
        self.seen: set[str] = set()               # trade ids taken (or there before)
        self.started = False
        self.newest = 0

    def _ccxt(self, symbol: str) -> str:
        return self.markets[symbol]["symbol"]

    # ---------------------------------------------------------------- reading
    def refresh(self) -> bool:
        try:
            if not self.markets:
                self.markets = {m["base"] + "-" + m["quote"]: m
                                for m in self.ex.load_markets().values() if m.get("spot")}
            balance = self.ex.fetch_balance()
            self.totals_ = {a: units(v, AMOUNT_DP) for a, v in balance["total"].items()
                            if v is not None}
            self.open = {}
            for o in self.ex.fetch_open_orders():
                cid = (o.get("clientOrderId") or self.cids.get(o["id"]) or o["id"])
                cid = cid.partition("~")[0]
                self.open[cid] = o
                self.cids[o["id"]] = cid
            self.books, self.lasts = {}, {}
        except self.refused:          # ccxt.BaseError: unreachable, logged out, ...
            return False
        return True

    def symbols(self) -> dict[str, SymbolSpec]:
        return {n: spec_of(n, m) for n, m in self.markets.items()}

    def has_symbol(self, name: str) -> bool:
        return name in self.markets

    def has_user(self, user: str) -> bool:
        return user == self.user

    def book(self, symbol: str, depth: int) -> Book:
        self.watched.add(symbol)
        m = self.markets[symbol]
        ob = self._levels(symbol, depth)
        last = self._last(symbol)
        side = lambda rows: tuple((units(p), units(q)) for p, q, *_ in rows)  # noqa: E731
        return Book(spec_of(symbol, m), side(ob["bids"]), side(ob["asks"]), units(last),
                    bool(m.get("active", True)))

    def _last(self, symbol: str):
        """The last trade price ccxt reports, read once a refresh."""
        if symbol not in self.lasts:
            self.lasts[symbol] = self.ex.fetch_ticker(self._ccxt(symbol)).get("last")
        return self.lasts[symbol]

    def _levels(self, symbol: str, depth: int) -> dict:
        key = (symbol, depth)
        if key not in self.books:
            self.books[key] = self.ex.fetch_order_book(self._ccxt(symbol), depth)
        return self.books[key]

    def mark(self, symbol: str, user: str) -> int | None:
        """The best bid and ask that are not all this key's own, else the last price."""
        ob = self._levels(symbol, 50)
        own: dict[tuple[str, int], int] = {}
        for o in self.open.values():
            if o["symbol"] == self._ccxt(symbol):
                k = (o["side"], units(o["price"]))
                own[k] = own.get(k, 0) + units(o["amount"]) - units(o["filled"] or 0)

        side = lambda rows: [(units(p), units(q)) for p, q, *_ in rows]  # noqa: E731
        return venue_mark(side(ob["bids"]), side(ob["asks"]), own, units(self._last(symbol)))

    def totals(self, user: str, symbol: str) -> tuple[int, int]:
        m = self.markets[symbol]
        return self.totals_.get(m["base"], 0), self.totals_.get(m["quote"], 0)

    def open_order(self, user: str, cid: str) -> OpenOrder | None:
        o = self.open.get(cid)
        if o is None:
            return None
        return OpenOrder(o["symbol"].replace("/", "-"), o["side"], units(o["price"]),
                         units(o["amount"]), units(o["filled"] or 0))

    def open_cids(self, user: str) -> list[str]:
        return list(self.open)

    def trade_seq(self) -> int:
        return self.newest

    def take_trades(self, symbols) -> list[TapeTrade]:
        """The key's fills and the symbols' public trades not taken before; those that were
        there at the first look are not the run's."""
        try:
            rows: dict[str, dict] = {}
            for s in symbols:
                if s not in self.markets:
                    continue
                for t in self.ex.fetch_trades(self._ccxt(s), None, TRADES_READ):
                    rows[t["id"]] = t
                for t in self.ex.fetch_my_trades(self._ccxt(s), None, TRADES_READ):
                    rows[t["id"]] = t
        except self.refused:
            return []
        fresh = [t for tid, t in rows.items() if tid not in self.seen]
        self.seen.update(rows)
        if not self.started:
            self.started = True
            return []
        fresh.sort(key=lambda t: (t["timestamp"] is None, t["timestamp"] or 0, t["id"]))
        out = []
        for t in fresh:
            self.newest += 1
            out.append(self._trade(self.newest, t))
        return out

    def _trade(self, tid: int, t: dict) -> TapeTrade:
        """ccxt trade `t` as TapeTrade number `tid`. Our own fill whose fee ccxt leaves
        out (`fee` None: the exchange did not say) is charged at the market's maker or taker
        rate (engine.fees.fee: notional x rate, rounded up), the schedule the venue
        publishes, rather than booked free; a trade without a timestamp is stamped when it
        reached us (`clock`, ns) rather than at the epoch."""
        role = t.get("takerOrMaker")
        cid = t.get("clientOrderId") or self.cids.get(t.get("order"))
        cid = None if cid is None else cid.partition("~")[0]
        price, qty = units(t["price"]), units(t["amount"])
        cost = (t.get("fee") or {}).get("cost")
        if cost is not None:
            fee = units(cost, AMOUNT_DP)
        elif role in ("maker", "taker"):     # our fill, its fee not reported: the market's
            m = self.markets.get(t["symbol"].replace("/", "-")) or {}     # schedule, never 0
            fee = fees.fee(price * qty, rate(m.get(role)), 1)
        else:
            fee = 0                          # another's trade: no fee of ours in it
        side = t["side"]
        taker_side = side if role != "maker" else ("sell" if side == "buy" else "buy")
        # a trade the venue sends without a time: when it reached us, never the epoch
        ts = t["timestamp"] * 1_000_000 if t.get("timestamp") is not None else self.clock()
        return TapeTrade(tid, ts, t["symbol"].replace("/", "-"), price, qty,
                         self.user if role == "maker" else None,
                         self.user if role == "taker" else None,
                         cid if role == "maker" else None, cid if role == "taker" else None,
                         fee if role == "maker" else 0, fee if role == "taker" else 0,
                         taker_side)

    # ---------------------------------------------------------------- commands
    @property
    def where(self) -> str:
        return self.ex.id

    def _refusal(self, exc) -> str:
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__

    def _limit(self, cmd: dict, remote_cid: str | None = None) -> str | None:
        params = {"clientOrderId": remote_cid or cmd["id"]}
        tif = cmd.get("tif")
        if tif == "post_only":
            params["postOnly"] = True
        elif tif:
            params["timeInForce"] = tif.upper()
        o = self.ex.create_order(self._ccxt(cmd["symbol"]), "limit", cmd["side"], cmd["qty"],
                                 cmd["price"], params)
        self.cids[o["id"]] = cmd["id"]
        if o["status"] == "rejected":
            return (o.get("info") or {}).get("reason") or "rejected"
        if o["status"] == "open":
            self.open[cmd["id"]] = o
        return None

    def _cancel_order(self, o) -> None:
        self.ex.cancel_order(o["id"], o["symbol"])

    def _order_symbol(self, o) -> str:
        return o["symbol"].replace("/", "-")

    def _order_parts(self, o):
        return (o["side"], units(o["price"]), units(o["amount"]), units(o["filled"] or 0),
                None)
