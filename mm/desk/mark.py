"""The market as a strategy must see it, and the one mark-to-market of every figure.

A strategy's own resting orders are not the market: a fair price or a valuation that
includes them follows the strategy's own quotes (a quote placed around a fair price
moves the fair price, which moves the quote...). So:

- `without_own(book, live)`: a Book with the strategy's open orders taken out of its
  levels; every fair-price source (mid, microprice, depth-weighted mid, their EMAs, the
  cross symbol's mid) reads this, as `controls.others` does for the controls;
- `mark(mid, last)`: the price a position is valued at: the mid of the other traders' best
  bid and ask, else the last trade price, else None (nothing to value at);
- `equity(base_delta, quote_delta, mark)`: the mark-to-market PnL since a start, quote
  at 1e-18, from the change of the base (1e-18) and quote (1e-18) totals;
- `equity_all(deltas, into, markets)`: the same over every asset a run touched (a
  hedger's second leg included), each converted into the own quote by a watched mark;
- `engine_mid(sym, user)` / `engine_mark(sym, user)`: the same on an engine Symbol,
  leaving out `user`'s orders (backtests and the workstation read the engine directly).

The kill switch, the runner's samples, the backtest's equity series and `equity.csv`,
`mm status`, the run report and the analytics all value positions through `mark`, so the
same trades give the same PnL everywhere.
"""
import math
from fractions import Fraction

from souq.engine.model import ACTIVE, PARTIAL
from souq.engine.numbers import PRICE_SCALE

from .book import Book


def without_own(book: Book, live) -> Book:
    """`book` with the remaining quantity of `live` (the strategy's open orders: Live
    rows with symbol, side, price, remaining) on its symbol removed from each level;
    levels left empty disappear. The same book when none of them rests there."""
    name = book.spec.name
    bids: dict[int, int] = {}           # price -> own remaining, per side
    asks: dict[int, int] = {}
    for o in live:
        if o.symbol == name and o.remaining > 0:
            own = bids if o.side == "buy" else asks if o.side == "sell" else None
            if own is not None:
                own[o.price] = own.get(o.price, 0) + o.remaining
    if not bids and not asks:
        return book
    # built directly (a Book's fields, in order): dataclasses.replace reads every field
    # by name and checks them against the class, per decision
    return Book(book.spec, _less(book.bids, bids), _less(book.asks, asks), book.last,
                book.tradable)


def _less(rows, own: dict[int, int]) -> tuple[tuple[int, int], ...]:
    """`rows` less the own quantity `own` at each price, levels left with none dropped
    (a plain loop: no generator per level, no look-up on a side with no own order)."""
    out = []
    if own:
        for p, q in rows:
            q -= own.get(p, 0)
            if q > 0:
                out.append((p, q))
    else:
        for row in rows:
            if row[1] > 0:
                out.append(row)
    return tuple(out)


def mark(mid: int | None, last: int | None) -> int | None:
    """The valuation price (1e-9): the others' mid, else the last trade, else None."""
    return mid if mid is not None else last


def equity(base_delta: int, quote_delta: int, at: int | None) -> int:
    """PnL since a start, quote at 1e-18: the quote change plus the base change (both
    1e-18 totals) valued at `at` (1e-9); without a mark the base change counts 0."""
    if at is None:
        return quote_delta
    return quote_delta + base_delta * at // PRICE_SCALE


def equity_all(deltas: dict[str, int], into: str, markets: dict) -> tuple[int, list[str]]:
    """PnL since a start over every leg, at 1e-18 of `into` (the run's own quote asset).

    `deltas`: asset -> change of the user's total (1e-18) since the start; `markets`:
    symbol -> (base, quote, mark at 1e-9 or None), the run's own symbol first so its mark
    values its own base. Each asset counts at `mm.analytics.legs.rate` (a chain of watched
    symbols joining it to `into`); returns (equity floored to 1e-18, the assets that moved but have no such
    price and so count 0: the caller says so, it must not pass silently). With only the
    own symbol this is exactly `equity(base_delta, quote_delta, mark)`.
    """
    from souq.mm.analytics.legs import rate      # the one conversion rule, shared with reports
    total, unvalued = Fraction(0), []
    for asset, delta in deltas.items():
        if delta == 0:
            continue
        r = rate(asset, into, markets)
        if r is None:
            unvalued.append(asset)
        else:
            total += delta * r
    return math.floor(total), sorted(unvalued)


def engine_mid(sym, user: str | None) -> int | None:
    """The mid of an engine Symbol's best bid and ask without `user`'s open orders
    (None: keep every order), floored to 1e-9; None when a side is empty."""
    bid, ask = _best(sym.bids, user), _best(sym.asks, user)
    return None if bid is None or ask is None else (bid + ask) // 2


def engine_mark(sym, user: str | None) -> int | None:
    """`mark` on an engine Symbol: the others' mid, else the symbol's last trade."""
    return mark(engine_mid(sym, user), sym.last)


def _best(side, user: str | None) -> int | None:
    """The best price on `side` (an engine book side: SortedDict of Levels) where someone
    other than `user` rests quantity. A level's total is its live orders' remaining
    quantity, so it holds more than `user`'s own exactly when one live order of another
    user is left there: the scan stops at the first (in a backtest, the queue's head)."""
    for key in side:
        level = side[key]
        if level.total <= 0:
            continue
        if user is None:
            return level.price
        for o in level.orders:
            if (o.status is ACTIVE or o.status is PARTIAL) and o.user.name != user \
                    and o.qty > o.filled:
                return level.price
    return None


def venue_mark(bids, asks, own: dict, last: int | None) -> int | None:
    """`mark` on a venue read from outside: `bids` and `asks` are (price, qty) levels best
    first, `own` the runner's resting qty by (side, price); a level counts as the others'
    once it holds more than the runner's own. Units as the levels' (1e-9)."""
    def best(rows, side):
        for p, q in rows:
            if q > own.get((side, p), 0):
                return p
        return None
    bid, ask = best(bids, "buy"), best(asks, "sell")
    return mark((bid + ask) // 2 if bid is not None and ask is not None else None, last)
