"""What every detector shares: the orders it has seen placed and not yet closed, the last
trade price per symbol, typical order sizes (the median of the symbol's last `SIZES` order
quantities, recomputed every `RESIZE` orders: a median, because a market maker's ladder of
large resting orders would drag a mean far above what a typical order is), and the
operator's account links (several accounts, one beneficial owner). Memory is bounded: orders older than `horizon_ns` or past
`max_orders` are forgotten, oldest first."""
from collections import OrderedDict, deque
from dataclasses import dataclass

SIZES = 255      # order quantities per symbol the typical size is the median of (odd)
RESIZE = 16      # orders between two recomputations of that median

from .entries import ORDER_OPS, Entry, units


@dataclass(slots=True)
class OrderInfo:
    oid: int
    user: str
    symbol: str
    side: str
    price: int | None
    qty: int
    ts: int
    filled: int = 0


class Context:
    def __init__(self, horizon_ns: int = 600 * 10**9, max_orders: int = 200_000) -> None:
        self.horizon_ns = horizon_ns
        self.max_orders = max_orders
        self.orders: OrderedDict[int, OrderInfo] = OrderedDict()
        self.last: dict[str, int] = {}            # symbol -> last trade price
        self.sizes: dict[str, deque] = {}         # symbol -> its last SIZES order quantities
        self.size_typical: dict[str, float] = {}  # symbol -> their median (typical order)
        self.sized: dict[str, int] = {}           # symbol -> orders seen
        self.links: dict[str, str] = {}           # account -> its owner's representative
        self.traded: dict = {}                    # (owner, symbol, side) -> deque[(ts, tid, seq)]
        self.traded_ns = 10 * 10**9               # how long those are kept (rules raise it)
        self.now = 0

    # -------------------------------------------------------------- owners
    def owner(self, user: str) -> str:
        """The beneficial owner's representative (the smallest linked account name)."""
        root = user
        while root in self.links:
            root = self.links[root]
        return root

    def link(self, a: str, b: str) -> None:
        """Record that accounts a and b share one beneficial owner."""
        ra, rb = self.owner(a), self.owner(b)
        if ra != rb:
            lo, hi = sorted((ra, rb))
            self.links[hi] = lo

    def accounts(self, owner: str) -> tuple[str, ...]:
        """Every account known to belong to `owner`, sorted."""
        names = {owner} | {u for u in self.links if self.owner(u) == owner}
        return tuple(sorted(names))

    def typical(self, symbol: str) -> float:
        """The symbol's typical order quantity (1e-9 lots): the median of its recent orders."""
        return self.size_typical.get(symbol, 0.0)

    def _sized(self, symbol: str, qty: int) -> None:
        q = self.sizes.get(symbol)
        if q is None:
            q = self.sizes[symbol] = deque(maxlen=SIZES)
        q.append(qty)
        seen = self.sized[symbol] = self.sized.get(symbol, 0) + 1
        if seen < RESIZE or seen % RESIZE == 0:
            ordered = sorted(q)
            n = len(ordered)
            self.size_typical[symbol] = (ordered[n // 2] if n % 2
                                         else (ordered[n // 2 - 1] + ordered[n // 2]) / 2)

    # -------------------------------------------------------------- the stream
    def before(self, e: Entry) -> None:
        """Take note of an entry before the detectors see it: orders placed."""
        self.now = e.ts
        if e.op in ORDER_OPS and e.accepted:
            b = e.body
            price = b.get("price")
            info = OrderInfo(e.seq, b["user"], b["symbol"], b["side"],
                             None if price is None else units(price), units(b["qty"]), e.ts)
            self.orders[e.seq] = info
            self._sized(info.symbol, info.qty)
        keep = e.ts - self.traded_ns
        for t in e.trades:
            for oid in (t.maker_order, t.taker_order):
                o = self.orders.get(oid)
                if o is not None:
                    o.filled += t.qty
            for user, side in ((t.buyer, "buy"), (t.seller, "sell")):
                q = self.traded.get((self.owner(user), t.symbol, side))
                if q is None:
                    q = self.traded[(self.owner(user), t.symbol, side)] = deque()
                q.append((e.ts, t.tid, e.seq))
                while q[0][0] < keep:
                    q.popleft()
        if e.seq % 1000 == 0:
            for key in [k for k, q in self.traded.items() if q[-1][0] < keep]:
                del self.traded[key]

    def after(self, e: Entry) -> None:
        """Forget closed and old orders; remember the last trade prices."""
        for t in e.trades:
            self.last[t.symbol] = t.price
        orders = self.orders
        for oid, _status, _reason in e.closes:
            orders.pop(oid, None)
        if e.seq % 64 and len(orders) <= self.max_orders:
            return                  # the old ones are looked for every 64th entry
        cutoff = e.ts - self.horizon_ns
        while orders:
            o = next(iter(orders.values()))
            if o.ts >= cutoff and len(orders) <= self.max_orders:
                break
            orders.popitem(last=False)
