"""An engine Exchange in this process as a venue: read straight from memory, and orders
applied as engine commands built from the typed ones, with no text in between.

Each batch's trades (engine Trade events, from the commands' outcomes) go to `on_trades`.
"""
from souq.engine import commands as C
from souq.engine.events import trades_of
from souq.engine.numbers import MAX_PRICE_WHOLE, PRICE_SCALE
from souq.engine.stream import parse_command
from souq.engine.symbols import SymbolSpec

from souq.mm.desk.book import book_of
from souq.mm.desk.mark import engine_mark

from .ports import (Amend, Cancel, CancelAll, OpenOrder, OrderCommand, Place, TapeTrade,
                    Venue, stream_command)

_MAX = MAX_PRICE_WHOLE * PRICE_SCALE


def engine_command(cmd: OrderCommand, user: str):
    """The engine command for `cmd` acting as `user`: the one the order stream would parse
    from its text (engine/stream.py), built directly. A number the stream would refuse
    (not positive, absurdly large) goes through the stream, so its refusal reads the same."""
    t = type(cmd)
    if t is Place:
        if 0 < cmd.price <= _MAX and 0 < cmd.qty <= _MAX:
            return C.PlaceOrder(user=user, cid=cmd.cid, symbol=cmd.symbol, side=cmd.side,
                                type="limit", qty=cmd.qty, price=cmd.price, tif=cmd.tif,
                                stp=cmd.stp)
    elif t is Cancel:
        return C.CancelOrder(user=user, cid=cmd.cid)
    elif t is Amend:
        if all(v is None or 0 < v <= _MAX for v in (cmd.price, cmd.qty)):
            return C.AmendOrder(user=user, cid=cmd.cid, price=cmd.price, qty=cmd.qty)
    elif t is CancelAll:
        return C.CancelAll(user=user, symbol=cmd.symbol)
    return parse_command(stream_command(cmd, user), extended=True)


def tape_trades(trades, symbols) -> list[TapeTrade]:
    """Engine Trade events in `symbols` as TapeTrades."""
    return [TapeTrade(tid, ts, sym, price, qty, m.user.name, o.user.name, m.cid, o.cid,
                      mfee, tfee, side)
            for tid, _seq, ts, sym, price, qty, m, o, mfee, tfee, side in trades
            if sym in symbols]


class LocalVenue(Venue):
    """An engine Exchange in this process. `exchange` is a callable returning it (a store
    may replace its exchange on a reload); `on_trades` receives each batch's trades."""

    def __init__(self, exchange, on_trades=None) -> None:
        self.exchange = exchange
        self.on_trades = on_trades

    def symbols(self) -> dict[str, SymbolSpec]:
        return {n: s.spec for n, s in self.exchange().symbols.items()}

    def has_symbol(self, name: str) -> bool:
        return name in self.exchange().symbols

    def has_user(self, user: str) -> bool:
        return user in self.exchange().users

    def book(self, symbol: str, depth: int):
        return book_of(self.exchange().symbols[symbol], depth)

    def mark(self, symbol: str, user: str) -> int | None:
        return engine_mark(self.exchange().symbols[symbol], user)

    def totals(self, user: str, symbol: str) -> tuple[int, int]:
        ex = self.exchange()
        spec = ex.symbols[symbol].spec
        wallets = ex.users[user].wallets        # asset -> (available, held); read per decision
        return sum(wallets.get(spec.base, (0, 0))), sum(wallets.get(spec.quote, (0, 0)))

    def open_order(self, user: str, cid: str) -> OpenOrder | None:
        o = self.exchange().users[user].orders.get(cid)
        if o is None or not o.is_open:
            return None
        return OpenOrder(o.sym.name, o.side, o.price, o.qty, o.filled)

    def open_cids(self, user: str) -> list[str]:
        return [cid for cid, o in self.exchange().users[user].orders.items()
                if o.is_open]

    def trade_seq(self) -> int:
        return self.exchange().trade_seq

    def submit(self, cmds, user, now=None):
        """`now` is required: a bare exchange has no clock of its own."""
        ex = self.exchange()
        outcomes = [ex.apply(engine_command(c, user), now, user) for c in cmds]
        if self.on_trades is not None:
            self.on_trades(trades_of(outcomes))
        return [o.reason for o in outcomes]
