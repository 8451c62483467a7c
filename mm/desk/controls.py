"""The controls every strategy shares, applied to the quotes it wants before risk clips
them (strategy.decide -> Controls.apply -> Risk.clip -> reconcile).

In the order they act:
- stop-loss / take-profit: when the open position, marked at the best price it could be
  closed at (other traders' orders only), has lost `stop_loss_pct` or gained
  `take_profit_pct` of its average cost, every resting quote of the symbol is withdrawn and
  one `ioc` Quote closes the position, priced at the level that covers it in the book;
- filled-order delay: for `filled_order_delay` after a fill, no resting quote on that side
  (what is left of a partly filled order there is withdrawn too);
- jump to best: when less than `jump_to_best_depth` of other traders' size rests at or
  before our best quote, it steps to one tick inside their best price, never to or
  through fair nor the other side's touch;
- add fees: each side widened by the maker fee on its price (rounded away from fair);
- price ceiling and floor (fixed, or `moving_band_pct` around fair, re-centred every
  `moving_band_refresh`; the tighter wins): with fair above the ceiling only sells are
  quoted, below the floor only buys, and no bid ever rests above the ceiling nor an ask
  below the floor;
- hanging orders: after a fill, our open orders on the other side stay (returned as they
  stand so reconcile keeps them) until they are farther than `hanging_cancel_pct` from fair;
  the strategy's fresh quotes are placed beside them, and a fresh quote that would cross a
  hanging one is dropped.
Quotes for other symbols (a hedge) pass through untouched. `skew` is the inventory skew
helper strategies call themselves, through price, size or both (`skew_mode`).
"""
from .book import Book, bps
from .holding import Holding
from .quotes import BUY, SELL, Context, Fill, Live, Quote
from .shape import best_first, tidy

BP = 10_000


class Controls:
    def __init__(self, p: dict) -> None:
        self.p = p
        self.last_fill: dict[str, int] = {}
        self.hanging: dict[str, Live] = {}       # cid -> the order as last seen
        self.seen: set[str] = set()               # cids open at the last apply
        self.holding = Holding()
        self.band: tuple[int, int] | None = None  # (centre, when set) of the moving band

    def on_fill(self, fill: Fill, ctx: Context) -> None:
        if fill.symbol != ctx.book.spec.name:
            return
        self.last_fill[fill.side] = max(fill.ts, self.last_fill.get(fill.side, fill.ts))
        self.holding.fill(fill.side, fill.price, fill.qty, fill.fee)
        if self.p.hanging_orders and fill.cid not in self.hanging:
            for o in ctx.live:
                if o.symbol == fill.symbol and o.side != fill.side and o.remaining > 0:
                    self.hanging[o.cid] = o

    def apply(self, wanted: list[Quote], ctx: Context) -> list[Quote]:
        book = ctx.book
        name = book.spec.name
        mine, rest = [], []
        for q in wanted:            # one pass: resting quotes of the own symbol, the rest
            if (q.symbol is None or q.symbol == name) and q.tif == "gtc":
                mine.append(q)
            else:
                rest.append(q)
        exit_ = self._exit(ctx)
        if exit_ is not None:
            self.hanging.clear()
            return [exit_] + [q for q in rest if q.symbol not in (None, book.spec.name)]
        mine = self._delay(mine, ctx.now)
        mine = self._jump(mine, ctx)
        mine = self._fees(mine, book)
        mine = self._band(mine, ctx)
        return _beside(tidy(mine, book), self._hanging(ctx)) + rest

    # ------------------------------------------------------------------ each control
    def _exit(self, ctx: Context) -> Quote | None:
        """The ioc closing the position when stop-loss or take-profit trips, else None."""
        sl, tp = self.p.stop_loss_pct, self.p.take_profit_pct
        held, inv = self.holding.qty, ctx.inventory
        if not (sl or tp) or not held or not inv or (held > 0) != (inv > 0):
            return None
        side = SELL if inv > 0 else BUY
        levels = others(ctx, BUY if side == SELL else SELL)
        qty = ctx.book.spec.floor_step(abs(inv))
        if not levels or not qty:
            return None
        gain = self.holding.open_return(levels[0][0])
        if not ((sl and gain <= -sl / BP) or (tp and gain >= tp / BP)):
            return None
        return Quote(side, sweep(levels, qty), qty, tif="ioc")

    def _delay(self, quotes: list[Quote], now: int) -> list[Quote]:
        wait = self.p.filled_order_delay
        if not wait:
            return quotes
        quiet = {s for s, t in self.last_fill.items() if now - t < wait}
        return [q for q in quotes if q.side not in quiet]

    def _jump(self, quotes: list[Quote], ctx: Context) -> list[Quote]:
        depth, book = self.p.jump_to_best_depth, ctx.book
        if not depth or ctx.fair is None:
            return quotes
        out = []
        for side in (BUY, SELL):
            mine = best_first(quotes, side)
            if mine:
                mine[0] = _jumped(mine[0], ctx, depth, book)
            out += mine
        return out

    def _fees(self, quotes: list[Quote], book: Book) -> list[Quote]:
        if not self.p.add_fees or book.spec.maker <= 0:
            return quotes
        out = []
        for q in quotes:
            fee = -(-q.price * book.spec.maker // 1_000_000_000)        # rounded up
            price = (book.spec.floor_tick(q.price - fee) if q.side == BUY
                     else book.spec.ceil_tick(q.price + fee))
            out.append(Quote(q.side, price, q.qty, q.symbol, q.tif))
        return out

    def _band(self, quotes: list[Quote], ctx: Context) -> list[Quote]:
        ceiling, floor = self.limits(ctx)
        if ceiling is None and floor is None:
            return quotes
        fair = ctx.fair
        out = []
        for q in quotes:
            if q.side == BUY and ceiling is not None and (
                    q.price > ceiling or (fair is not None and fair > ceiling)):
                continue
            if q.side == SELL and floor is not None and (
                    q.price < floor or (fair is not None and fair < floor)):
                continue
            out.append(q)
        return out

    def limits(self, ctx: Context) -> tuple[int | None, int | None]:
        """(ceiling, floor) now: the fixed ones and the moving band, the tighter of each."""
        ceiling, floor = self.p.price_ceiling, self.p.price_floor
        pct = self.p.moving_band_pct
        if pct and ctx.fair is not None:
            if self.band is None or ctx.now - self.band[1] >= self.p.moving_band_refresh:
                self.band = (ctx.fair, ctx.now)
            centre = self.band[0]
            hi, lo = centre + bps(centre, pct), centre - bps(centre, pct)
            ceiling = hi if ceiling is None else min(ceiling, hi)
            floor = lo if floor is None else max(floor, lo)
        return ceiling, floor

    def _hanging(self, ctx: Context) -> list[Quote]:
        """The hanging orders still open and near enough to fair, as quotes."""
        if not self.p.hanging_orders:
            self.hanging.clear()
            return []
        live = {o.cid: o for o in ctx.live if o.symbol == ctx.book.spec.name}
        new = {cid: o for cid, o in live.items() if cid not in self.seen}
        self.seen = set(live)
        far = self.p.hanging_cancel_pct / BP
        kept: dict[str, Live] = {}
        for cid, was in self.hanging.items():
            o = live.get(cid) or _replaced(was, new, self.hanging)
            if o is None or o.remaining <= 0:
                continue
            if ctx.fair is not None and abs(o.price - ctx.fair) > ctx.fair * far:
                continue
            kept[o.cid] = o
        self.hanging = kept
        return [Quote(o.side, o.price, o.remaining) for o in kept.values()]


def skew(quotes: list[Quote], book: Book, ratio: float, mode: str, shift: int,
         tilt: float = 1.0) -> list[Quote]:
    """Inventory skew through price, size, both or none, for `ratio` = Context.ratio
    (clamped to [-1, 1]; positive: long beyond target).

    price: every quote moves by -ratio x `shift` price units (long: both sides lower, so the
    ask is likelier to trade and the bid less); the spread is unchanged. size: bids scale by
    1 - ratio x `tilt`, asks by 1 + ratio x `tilt` (each within [0, 2]), so at full inventory
    with tilt 1 the adding side is not quoted and the reducing side doubles. Returns the
    quotes tidied onto the grid.
    """
    r = max(-1.0, min(1.0, ratio))
    by_price, by_size = mode in ("price", "both"), mode in ("size", "both")
    move = -int(r * shift) if by_price else 0
    if not move and not by_size:        # nothing moves: the same records
        return tidy(quotes, book)
    out = []
    for q in quotes:
        qty = q.qty
        if by_size:
            factor = 1 - r * tilt if q.side == BUY else 1 + r * tilt
            qty = int(q.qty * max(0.0, min(2.0, factor)))
        out.append(Quote(q.side, q.price + move, qty, q.symbol, q.tif))
    return tidy(out, book)


def others(ctx: Context, side: str) -> list[tuple[int, int]]:
    """One side of the book without our own open orders (Context.market), best first."""
    return list(ctx.market.bids if side == BUY else ctx.market.asks)


def sweep(levels: list[tuple[int, int]], qty: int) -> int:
    """The price of the level at which `levels` (best first) cover `qty`, or the last one."""
    total = 0
    for price, size in levels:
        total += size
        if total >= qty:
            return price
    return levels[-1][0]


def _jumped(q: Quote, ctx: Context, depth: int, book: Book) -> Quote:
    """`q` one tick inside the other traders' best when little rests at or before it."""
    same, facing = others(ctx, q.side), others(ctx, SELL if q.side == BUY else BUY)
    if q.side == BUY:
        ahead = sum(s for p, s in same if p >= q.price)
        limit = book.spec.floor_tick(ctx.fair - 1)                       # strictly below fair
        if facing:
            limit = min(limit, facing[0][0] - book.spec.tick)
        price = min(same[0][0] + book.spec.tick, limit) if same else q.price
        better = price > q.price
    else:
        ahead = sum(s for p, s in same if p <= q.price)
        limit = book.spec.ceil_tick(ctx.fair + 1)                        # strictly above fair
        if facing:
            limit = max(limit, facing[0][0] + book.spec.tick)
        price = max(same[0][0] - book.spec.tick, limit) if same else q.price
        better = price < q.price
    if not 0 < ahead < depth or not better:
        return q
    return Quote(q.side, price, q.qty, q.symbol, q.tif)


def _replaced(was: Live, new: dict[str, Live], known: dict[str, Live]) -> Live | None:
    """The order that took a hanging order's place when reconcile re-placed it (reconcile
    pairs quotes by rank, so a fresh quote ahead of a hanging one moves it): placed since
    the last apply, same side and price, sized at what was left, not itself known."""
    for o in new.values():
        if (o.cid not in known and o.side == was.side and o.price == was.price
                and o.qty == was.remaining):
            return o
    return None


def _beside(fresh: list[Quote], hanging: list[Quote]) -> list[Quote]:
    """Fresh quotes with the hanging ones, best first per side; a fresh quote that would
    cross a hanging one gives way."""
    if hanging:
        low_ask = min((q.price for q in hanging if q.side == SELL), default=None)
        high_bid = max((q.price for q in hanging if q.side == BUY), default=None)
        fresh = [q for q in fresh
                 if not (q.side == BUY and low_ask is not None and q.price >= low_ask)
                 and not (q.side == SELL and high_bid is not None and q.price <= high_bid)]
    else:       # tidy's list is already bids best first, then asks best first
        return fresh
    both = fresh + hanging
    return best_first(both, BUY) + best_first(both, SELL)
