"""Risk control: the last word on what a strategy may quote, and the kill switch.

`clip` runs on every decision, after the strategy and the shared controls and before the
quote engine. It never adds or moves a quote toward the market; it only removes quotes,
shrinks them, or (volatility circuit) pushes them away from fair. `assess` watches equity
for the kill switch. Pure: the same context gives the same answer.

Limits are per strategy run, plus one over the whole desk: a net inventory limit per
asset across every running strategy (`souq mm limits`), passed in as ctx.desk_room.
The inventory limits cover the strategy's own symbol (its base asset, q since the run
started); quotes on other symbols (a hedge) are bounded by size and open-order count only.
"""
from dataclasses import dataclass

from souq.engine.numbers import QTY_TO_AMOUNT, fmt, fmt_amount

from .quotes import BUY, Context, Quote

DEPTH_LEVELS = 5        # the book-depth guard looks at this many levels per side


@dataclass(frozen=True)
class Breach:
    """A limit whose breach stops the run (kill switch)."""
    kind: str           # max_loss | max_drawdown
    text: str           # what happened, in numbers


@dataclass(frozen=True)
class Guard:
    """A guard that changed the quotes of the last decision: alerts report these."""
    kind: str           # stale_data | book_depth | vol_circuit
    text: str


class Risk:
    def __init__(self, p: dict) -> None:
        self.p = p
        self.peak: int | None = None       # highest equity seen (1e-18 quote)
        self.guards: list[Guard] = []      # what the last clip did beyond plain limits

    # ------------------------------------------------------------ per decision
    def clip(self, wanted: list[Quote], ctx: Context) -> list[Quote]:
        """`wanted` inside every limit, best first per side as given."""
        p = self.p
        self.guards = []
        stale = self._stale(ctx)
        if stale:
            self.guards.append(Guard("stale_data", stale))
            return []
        thin = self._thin(ctx)
        if thin:
            self.guards.append(Guard("book_depth", thin))
            wanted = [q for q in wanted if q.tif != "gtc"]   # exits and hedges still go
        if p.vol_circuit and ctx.volatility > p.vol_circuit:
            self.guards.append(Guard("vol_circuit", (
                f"volatility {ctx.volatility:.6f} above the circuit {p.vol_circuit:g}: "
                f"spreads x{p.vol_circuit_widen:g}, sizes x{p.vol_circuit_size:g}")))
            wanted = self._widen(wanted, ctx)
        out = []
        biggest, own, books = p.max_order_size, ctx.book, ctx.books
        for q in wanted:        # each a new record: reconcile pairs them by identity
            book = books.get(q.symbol, own) if q.symbol else own  # its symbol's
            qty = book.spec.floor_step(min(q.qty, biggest))
            if qty > 0:
                out.append(Quote(q.side, q.price, qty, q.symbol, q.tif))
        return self._open_orders(self._inventory(out, ctx))

    def _stale(self, ctx: Context) -> str | None:
        limit = self.p.stale_after
        data_ts = ctx.now if ctx.data_ts is None else ctx.data_ts
        if limit and ctx.now - data_ts > limit:
            return (f"market data is {(ctx.now - data_ts) / 1e9:.1f} s old (limit "
                    f"{limit / 1e9:g} s): quotes pulled")
        return None

    def _thin(self, ctx: Context) -> str | None:
        least = self.p.min_book_depth
        if not least:
            return None
        for side, name in ((BUY, "bid"), ("sell", "ask")):
            depth = others_depth(ctx, side)
            if depth < least:
                return (f"{name} side holds {fmt(depth)} in {DEPTH_LEVELS} levels without our "
                        f"orders, under min_book_depth {fmt(least)}: resting quotes pulled")
        return None

    def _widen(self, wanted: list[Quote], ctx: Context) -> list[Quote]:
        """Resting quotes pushed away from fair by (widen - 1) x their distance, sizes cut."""
        p = self.p
        centre = ctx.fair if ctx.fair is not None else ctx.market.mid
        out = []
        for q in wanted:
            if q.tif != "gtc" or (q.symbol or ctx.book.spec.name) != ctx.book.spec.name:
                out.append(q)
                continue
            price = q.price
            if centre is not None:
                extra = abs(centre - q.price) * (p.vol_circuit_widen - 1)
                price = (ctx.book.spec.floor_tick(q.price - extra) if q.side == BUY
                         else ctx.book.spec.ceil_tick(q.price + extra))
            out.append(Quote(q.side, price, int(q.qty * p.vol_circuit_size), q.symbol, q.tif))
        return out

    def _inventory(self, quotes: list[Quote], ctx: Context) -> list[Quote]:
        """Sizes such that even if every bid (or every ask) fills, |q - target| stays
        within max_inventory."""
        cap = self.p.max_inventory
        room = {BUY: ctx.target + cap - ctx.inventory, "sell": ctx.inventory - ctx.target + cap}
        desk = ctx.desk_room      # the desk-wide limit, when one is set
        if desk is not None:
            room = {side: min(room[side], desk[side]) for side in room}
        out = []
        spec = ctx.book.spec
        name = spec.name
        for q in quotes:
            if (q.symbol or name) != name:
                out.append(q)
                continue
            qty = spec.floor_step(min(q.qty, max(0, room[q.side])))
            if qty > 0:
                room[q.side] -= qty
                out.append(q if qty == q.qty else Quote(q.side, q.price, qty, q.symbol, q.tif))
        return out

    def _open_orders(self, quotes: list[Quote]) -> list[Quote]:
        """At most max_open_orders resting quotes: the best levels of both sides in turn."""
        most = self.p.max_open_orders
        resting = [q for q in quotes if q.tif == "gtc"]
        if len(resting) <= most:
            return quotes
        rank, seen = {}, {}
        for i, q in enumerate(resting):
            key = (q.symbol, q.side)
            rank[i] = (seen.get(key, 0), q.side != BUY)
            seen[key] = seen.get(key, 0) + 1
        keep = set(sorted(rank, key=rank.get)[:most])
        kept = iter(i in keep for i in range(len(resting)))
        return [q for q in quotes if q.tif != "gtc" or next(kept)]

    # ------------------------------------------------------------ the kill switch
    def assess(self, ctx: Context, equity: int, now: int) -> list[Breach]:
        """Breaches of max_loss and max_drawdown by `equity` (PnL since the run started,
        quote asset at 1e-18, marked at mid). Tracks the peak."""
        p = self.p
        self.peak = equity if self.peak is None else max(self.peak, equity)
        out = []
        loss_cap = p.max_loss * QTY_TO_AMOUNT
        if loss_cap and -equity >= loss_cap:
            out.append(Breach("max_loss", f"loss {fmt_amount(-equity)} reached max_loss "
                                          f"{fmt(p.max_loss)}"))
        dd_cap = p.max_drawdown * QTY_TO_AMOUNT
        drawdown = self.peak - equity
        if dd_cap and drawdown >= dd_cap:
            out.append(Breach("max_drawdown", f"drawdown {fmt_amount(drawdown)} from the peak "
                                              f"{fmt_amount(self.peak)} reached max_drawdown "
                                              f"{fmt(p.max_drawdown)}"))
        return out


def others_depth(ctx: Context, side: str) -> int:
    """Quantity on one side of the book in its first levels, our own orders taken out."""
    rows = ctx.market.bids if side == BUY else ctx.market.asks
    return sum(q for _, q in rows[:DEPTH_LEVELS])
