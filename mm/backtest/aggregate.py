"""The replay's aggregate fast path: other participants' depth kept beside the engine as
quantities per price level, and only the levels where the strategy's own orders rest (or
that its orders reach) held in the real engine.

The rules are mm/backtest/replay.py's, unchanged; this is a cheaper exact way to apply
them. BOOK's quantity at a level of the replayed symbol is held in up to two places:

- aggregate (`AggregateReplay.bids`/`asks`): the remaining quantities of the orders the
  full path would rest there, in queue order ("chunks"), with no engine command. Where
  no own order rests, every rule of the full path reduces to list work: a level grows by
  a chunk at the back (unless a post-only order there would be refused: it crosses the
  book, or is off the grid); it shrinks from the back (no own order ahead of which to
  cut); a trade consumes it from the front.
- in the engine, as real BOOK orders, at a level where an own order rests: the quantity
  queued ahead of and between the own orders. There the chunks are what is queued behind
  every engine order (growth goes there; a cut takes them first, as the back of the
  queue, then the engine's orders behind the last own order by Replay's rules, and the
  queue model's share from ahead by engine commands).

A level's chunks move into the engine (placed as BOOK orders, in queue order, behind
whatever rests there) just before an own order arrives at it or could cross it
(`prepare`, called by the backtest runner before each own place or amend); BOOK's
engine orders move back out (cancelled, their remaining quantities put ahead of the
chunks) at the first market event that finds no own order left at the level. A trade
runs the real FLOW order through the engine only when the engine holds passive quantity
within its price (the own orders and the levels around them); what it leaves is taken
from the chunks at the trade's price, then by the backstop, as trades between FLOW and
BOOK made here (engine Trade records, with the engine's trade ids, last price and fees,
passed on as the full path passes its own).

Same fills, fees, balances, orders and PnL as the full path: pinned by the differential
test (tests/mm/test_backtest_aggregate.py) on seeded data sets with trades through own
levels, cuts ahead of own orders, crossing quotes, empty sides and events off the grid,
under both queue models. Only on a symbol whose minimum quantity is its step and that
has no daily band (the backtest's data exchange): there a difference of grid quantities
is never refused, and an event off the grid moves its level's chunks into the engine
first, so the full path's refusals and skips apply. Not kept: which chunks a trade has
partly filled (the full path cancels and re-places such an order where it would amend
an untouched one); the two differ only when an off-grid cut then meets it.
"""
from operator import attrgetter

from souq.engine.model import BUY, SELL

from .aggbook import AggBook, engine_best
from .models import PESSIMISTIC

from .replay import SIDES, Replay


def _kept_in_book(name: str, doc: str, settable: bool = False) -> property:
    """An AggregateReplay attribute that lives in its AggBook (`self.book.<name>`), read
    (and with `settable` written) through the replay as Replay's own attribute."""
    def put(self, value) -> None:
        setattr(self.book, name, value)
    return property(attrgetter("book." + name), put if settable else None, doc=doc)


def usable(sym) -> bool:
    """Whether the aggregate path is exact on the engine Symbol `sym`: its minimum
    quantity is its step (so any difference of grid quantities is a quantity the engine
    accepts) and it has no daily band."""
    spec = sym.spec
    return spec.min_qty <= spec.step and not spec.band


class AggregateReplay(Replay):
    """Replay with other participants' depth aggregated away from the engine (see the
    module's doc). `user` is the strategy's user: levels holding its orders stay in the
    engine. The aggregate levels and the steps on them are `book` (mm/backtest/aggbook.py,
    compiled as a typed class), which also keeps Replay's counters `n` and `skipped`."""

    def __init__(self, ex, symbol: str, on_trades, queue=PESSIMISTIC, *, user: str) -> None:
        self.book = AggBook(self, ex, ex.symbols[symbol], user)
        super().__init__(ex, symbol, on_trades, queue)
        self.user = user
        self.book.levels = self.levels
        self.book.queue = self.queue
        self.book.symbol = symbol

    # Replay's counters, kept in the book (its steps count at C level), and its levels
    n = _kept_in_book("n", "Events replayed (Replay.n; AggBook.n).", settable=True)
    skipped = _kept_in_book("skipped", "Events skipped (Replay.skipped; AggBook.skipped).",
                            settable=True)
    version = _kept_in_book("version", "Moves whenever a side's best aggregate level changes "
                            "(AggBook.version).")
    bids = _kept_in_book("bids", "The aggregate bid levels: -price -> [chunk qty, ...] in "
                         "queue order.")
    asks = _kept_in_book("asks", "The aggregate ask levels: price -> [chunk qty, ...] in "
                         "queue order.")

    # ------------------------------------------------------------ reading
    def _known_levels(self) -> set:
        known = set(self.levels)
        known.update((BUY, -k) for k in self.book.bids)
        known.update((SELL, k) for k in self.book.asks)
        return known

    def best(self, side: str, user: str | None) -> int | None:
        """The best price on `side` where anyone but `user` (the strategy's user, or None:
        everyone counts) rests quantity: the aggregate levels and the engine's."""
        return self.book.best(side, user)

    def mid(self, user: str | None) -> int | None:
        """As mm.desk.mark.engine_mid on the whole replayed book; kept until the engine
        or an aggregate level changes."""
        return self.book.mid(user)

    def depth(self, side: str, n: int) -> tuple:
        """The `n` best (price, qty) levels of `side`, engine and aggregate together (at
        one price, both), as mm.desk.book.book_of reads an engine book."""
        return self.book.depth(side, n)

    def apply(self, ev) -> None:
        """Replay.apply, with the common case (a book level or a trade, no snapshot under
        way) dispatched without it."""
        if self._snap is None:
            t = type(ev).__name__
            if t == "BookEvent":
                self.book.level(ev.ts, SIDES[ev.side], ev.price, ev.size)
                return
            if t == "TradeEvent":
                self.book.trade(ev.ts, SIDES[ev.side], ev.price, ev.qty)
                return
        super().apply(ev)

    def _would_cross(self, side: str, price: int) -> bool:
        # the opposite best, everyone counted (the aggregate levels too)
        return self.book.would_cross(side, price)

    def _place(self, ts: int, side: str, price: int, qty: int, tif: str) -> str | None:
        # the engine cannot see aggregate levels: the crossing check is always made here
        if tif == "post_only" and self.book.would_cross(side, price):
            self.n += 1
            self.skipped += 1
            return None
        return super()._place(ts, side, price, qty, tif)

    # ------------------------------------------------------------ the steps
    def level(self, ts: int, side: str, price: int, size: int) -> None:
        self.book.level(ts, side, price, size)

    def trade(self, ts: int, side: str, price: int, qty: int) -> None:
        self.book.trade(ts, side, price, qty)

    def prepare(self, ts: int, symbol: str, side: str, price: int | None) -> None:
        """Before an own order in `symbol` on `side` at limit `price` reaches the
        exchange: the aggregate level at its price and every opposite one it could cross
        move into the engine, so the engine matches and queues it exactly as on the full
        path (another symbol, no price or one out of range: nothing to do)."""
        self.book.prepare(ts, symbol, side, price)


_engine_best = engine_best      # the engine side's best of others (mm.desk.mark's rule)
