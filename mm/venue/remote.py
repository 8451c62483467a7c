"""A souq gateway as a venue (mm/venue/ports.py), through a gateway.client.SouqClient
handed in by the interface that starts the run (the desk does not import the gateway).

Each refresh reads the symbols, the key's wallets and open orders over REST; books are read
when the runner asks for them, and trades (the key's own fills and each watched symbol's
public tape) when it takes them. The key's user is the runner's user on that venue: its
fills are reported under the runner's user name, whatever the key's user is called there.

The gateway has no amend: an amend is sent as a cancel and a new order for the rest (at the
back of the queue, as the engine's amend of a price would be) under the client id
`CID~N`, while the runner keeps knowing the order as CID.
"""
from datetime import datetime, timezone

from souq.engine.numbers import AMOUNT_DP, PRICE_DP, parse_fixed, parse_rate
from souq.engine.symbols import SymbolSpec

from souq.mm.desk.book import Book
from souq.mm.desk.mark import venue_mark

from .ports import OpenOrder, TapeTrade
from .relay import RelayVenue

OPEN = ("queued", "active", "partial")
TRADES_READ = 500              # newest trades read per call (more than a step's worth)
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def units(text: str | None, dp: int = PRICE_DP) -> int | None:
    """A decimal string from the gateway to engine units (1e-9; 1e-18 with AMOUNT_DP)."""
    return None if text is None else parse_fixed(text, dp, "value", positive=False)


def spec_of(s: dict) -> SymbolSpec:
    """A gateway symbol (GET /v1/symbols: decimal strings) as a SymbolSpec."""
    return SymbolSpec(s["symbol"], s["base"], s["quote"], units(s["tick_size"]),
                      units(s["qty_step"]), units(s["min_qty"]), units(s["max_qty"]),
                      parse_rate(s["daily_limit"], "daily_limit"), units(s["ref_price"]),
                      parse_rate(s["maker_fee"], "maker_fee"),
                      parse_rate(s["taker_fee"], "taker_fee"))


def ns_of(iso: str) -> int:
    """ISO-8601 UTC (as the gateway writes it, microseconds) to ns since the epoch."""
    d = datetime.fromisoformat(iso.replace("Z", "+00:00")) - EPOCH
    return ((d.days * 86_400 + d.seconds) * 1_000_000 + d.microseconds) * 1_000


class RemoteVenue(RelayVenue):
    """One gateway, one API key. `client` is a gateway.client.SouqClient (logged in, or
    logging in on first use); `refused` the exception class it raises for a refusal
    (gateway.client.ApiError: `.detail`, `.body`); `user` is the runner's user name
    (defaults to the key's own). An unreachable server is a ConnectionError."""

    def __init__(self, client, refused: type[Exception], user: str | None = None) -> None:
        self.client = client
        self.errors = (ConnectionError, refused)
        self.refused = refused          # RelayVenue's: what a refusal raises
        self.remote_user = client.me()["user_id"]
        self.user = user or self.remote_user
        self.specs: dict[str, dict] = {}
        self.wallets: dict[str, int] = {}
        self.open: dict[str, tuple[str, dict]] = {}    # runner cid -> (remote order id, row)
        self.books: dict[tuple[str, int], dict] = {}
        self.amended: dict[str, int] = {}              # runner cid -> re-placements so far
        self.seen: int | None = None                   # newest trade id handed out
        self.newest = 0

    @property
    def url(self) -> str:
        return self.client.url

    # ---------------------------------------------------------------- reading
    def refresh(self) -> bool:
        c = self.client
        try:
            self.specs = {s["symbol"]: s for s in c.symbols()}
            self.wallets = {w["asset"]: units(w["balance"], AMOUNT_DP) for w in c.wallets()}
            self.open = {}
            for o in c.orders(status="open", limit=1000):
                self.open[o["client_order_id"].partition("~")[0]] = (o["order_id"], o)
            self.books = {}
            if self.seen is None:       # trades before the first look are not the run's
                self.seen = max([int(t["trade_id"]) for t in c.trades(limit=1)]
                                + [int(t["trade_id"]) for s in self.specs
                                   for t in c.trades(symbol=s, public=True, limit=1)]
                                + [0])
                self.newest = self.seen
        except self.errors:
            return False
        return True

    def symbols(self) -> dict[str, SymbolSpec]:
        return {n: spec_of(s) for n, s in self.specs.items()}

    def has_symbol(self, name: str) -> bool:
        return name in self.specs

    def has_user(self, user: str) -> bool:
        return user == self.user

    def book(self, symbol: str, depth: int) -> Book:
        s = self.specs[symbol]
        levels = self._levels(symbol, depth)
        side = lambda rows: tuple((units(x["price"]), units(x["quantity"])) for x in rows)
        return Book(spec_of(s), side(levels["bids"]), side(levels["asks"]),
                    units(s["last_price"]), s["active"] and s["open"])

    def _levels(self, symbol: str, depth: int) -> dict:
        key = (symbol, depth)
        if key not in self.books:
            self.books[key] = self.client.book(symbol, depth)
        return self.books[key]

    def mark(self, symbol: str, user: str) -> int | None:
        """The best bid and ask that are not all this key's own, else the last price."""
        levels = self._levels(symbol, 50)
        own: dict[tuple[str, int], int] = {}
        for _, o in self.open.values():
            if o["symbol"] == symbol:
                k = (o["side"], units(o["price"]))
                own[k] = own.get(k, 0) + units(o["quantity"]) - units(o["filled"])

        side = lambda rows: [(units(x["price"]), units(x["quantity"])) for x in rows]  # noqa: E731
        return venue_mark(side(levels["bids"]), side(levels["asks"]), own,
                          units(self.specs[symbol]["last_price"]))

    def totals(self, user: str, symbol: str) -> tuple[int, int]:
        s = self.specs[symbol]
        return self.wallets.get(s["base"], 0), self.wallets.get(s["quote"], 0)

    def open_order(self, user: str, cid: str) -> OpenOrder | None:
        got = self.open.get(cid)
        if got is None:
            return None
        o = got[1]
        return OpenOrder(o["symbol"], o["side"], units(o["price"]), units(o["quantity"]),
                         units(o["filled"]))

    def open_cids(self, user: str) -> list[str]:
        return list(self.open)

    def trade_seq(self) -> int:
        return self.newest

    def take_trades(self, symbols) -> list[TapeTrade]:
        """The key's fills and the symbols' public trades newer than the last taken."""
        if self.seen is None:
            return []
        c = self.client
        try:
            # the public trades first, the key's own after: a trade committed between the
            # two reads is then in both or only in `mine`, never public-only, where its
            # users are hidden and an own fill would pass for somebody else's trade
            public = [t for s in symbols
                      for t in c.trades(symbol=s, public=True, limit=TRADES_READ)]
            mine = {t["trade_id"]: t for t in c.trades(limit=TRADES_READ)}
        except self.errors:
            return []
        rows = {t["trade_id"]: t for t in public}
        rows.update({k: t for k, t in mine.items() if t["symbol"] in symbols})
        out = []
        for tid, t in rows.items():
            if int(tid) <= self.seen:
                continue
            out.append(self._trade(t))
        out.sort(key=lambda t: t.tid)
        if out:
            self.seen = self.newest = out[-1].tid
        return out

    def _trade(self, t: dict) -> TapeTrade:
        who = lambda u: self.user if u == self.remote_user else u      # noqa: E731
        cid = lambda c: None if c is None else c.partition("~")[0]      # noqa: E731
        return TapeTrade(int(t["trade_id"]), ns_of(t["time"]), t["symbol"], units(t["price"]),
                         units(t["quantity"]), who(t.get("maker_user")),
                         who(t.get("taker_user")), cid(t.get("maker_order")),
                         cid(t.get("taker_order")), units(t.get("maker_fee") or "0", AMOUNT_DP),
                         units(t.get("taker_fee") or "0", AMOUNT_DP), t["taker_side"])

    # ---------------------------------------------------------------- commands
    @property
    def where(self) -> str:
        return self.url

    def _refusal(self, exc) -> str:
        order = exc.body.get("order") or {}
        return order.get("reason") or exc.detail

    def _limit(self, cmd: dict, remote_cid: str | None = None) -> str | None:
        o = self.client.place_order(cmd["symbol"], cmd["side"], cmd["qty"], price=cmd["price"],
                                    time_in_force=cmd.get("tif"), stp=cmd.get("stp"),
                                    client_order_id=remote_cid or cmd["id"])
        if o["status"] == "rejected":
            return o["reason"] or "rejected"
        if o["status"] in OPEN:
            self.open[cmd["id"]] = (o["order_id"], o)
        return None

    def _cancel_order(self, got) -> None:
        self.client.cancel_order(got[0])

    def _order_symbol(self, got) -> str:
        return got[1]["symbol"]

    def _order_parts(self, got):
        o = got[1]
        return (o["side"], units(o["price"]), units(o["quantity"]), units(o["filled"]),
                o["stp"])

    def close(self) -> None:
        self.client.close()
