"""Turns the quotes a strategy wants into amend, cancel and place commands against its
live orders, with refresh control, and never crossing its own quotes.

A live order that is no longer where it is wanted is amended to the wanted price and size
rather than cancelled and placed again: one command instead of two, the same client id,
and a smaller size at the same price keeps its place in the queue (the exchange's amend
rule). Only an order past max_age at the wanted price and size is replaced, since amend
cannot renew it.

Pure: given the same wanted quotes, live orders and time it returns the same plan.
Risk control has already clipped `wanted` (mm.desk.risk); this module only reconciles.
"""
from dataclasses import dataclass, field
from operator import attrgetter

from .quotes import BUY, Live, Quote

_PRICE = attrgetter("price")


@dataclass(frozen=True)
class Refresh:
    min_interval: int = 0       # ns between requotes
    tolerance_ticks: int = 0    # price moves up to this many ticks leave a quote alone
    max_age: int = 0            # ns; 0: never replace a quote for its age


@dataclass
class Plan:
    cancels: list[Live] = field(default_factory=list)
    places: list[Quote] = field(default_factory=list)
    keeps: list[Live] = field(default_factory=list)
    amends: list[tuple[Live, Quote]] = field(default_factory=list)   # (order, what it becomes)

    def __bool__(self) -> bool:
        return bool(self.cancels or self.places or self.amends)


def reconcile(wanted: list[Quote], live: tuple[Live, ...], now: int, tick: int,
              refresh: Refresh, last_refresh: int | None, *, force: bool = False) -> Plan:
    """What to amend, cancel and place so the book holds `wanted`.

    Inside the minimum refresh interval nothing changes unless `force` (a risk action or
    a fill). A live order is kept when a wanted quote of the same side and level is within
    the tolerance, its remaining size still matches, and it is younger than max_age.
    Immediate quotes (ioc) are always placed. Resting quotes that would cross one of our
    own kept or new quotes on the other side are dropped.
    """
    plan = Plan()
    resting, immediate = [], []
    for q in wanted:
        (resting if q.tif == "gtc" else immediate).append(q)
    if (not force and last_refresh is not None
            and now - last_refresh < refresh.min_interval):
        plan.keeps = list(live)
        plan.places = immediate
        return plan
    tol = refresh.tolerance_ticks * tick
    max_age = refresh.max_age
    keeps, amends, cancels, places = plan.keeps, plan.amends, plan.cancels, plan.places
    for side in (BUY, "sell"):
        want = _best_first([q for q in resting if q.side == side], side)
        have = _best_first([o for o in live if o.side == side], side)
        # an order already where it is wanted keeps its place in the queue, whatever
        # moved around it; the rest pair up level by level
        exact, taken = set(), set()         # id of each wanted quote and live order paired
        for q in want:
            for o in have:
                if id(o) not in taken and o.price == q.price \
                        and _keep(o, q, now, 0, max_age):
                    exact.add(id(q))
                    taken.add(id(o))
                    keeps.append(o)
                    break
        if exact:
            want = [q for q in want if id(q) not in exact]
            have = [o for o in have if id(o) not in taken]
        for i, q in enumerate(want):
            o = have[i] if i < len(have) else None
            if o is not None and _keep(o, q, now, tol, max_age):
                keeps.append(o)
            elif o is not None and _amendable(o, q):
                amends.append((o, q))
            else:
                if o is not None:
                    cancels.append(o)
                places.append(q)
        cancels += have[len(want):]
    moved = [q for _, q in amends]
    fine = {id(q) for q in _uncrossed(places + moved, keeps)}
    cancels += [o for o, q in amends if id(q) not in fine]   # would cross: pull it
    # moves away from the other side first, so no amend crosses one of ours not yet moved
    amends = [a for a in amends if id(a[1]) in fine]
    if len(amends) > 1:
        amends.sort(key=_toward_pair)       # stable, as sorted() was
    plan.amends = amends
    plan.places = [q for q in places if id(q) in fine] + immediate
    return plan


def _keep(o: Live, q: Quote, now: int, tol: int, max_age: int) -> bool:
    if max_age and now - o.placed >= max_age:
        return False
    if abs(o.price - q.price) > tol:
        return False
    return o.remaining == q.qty or (o.remaining < q.qty and o.qty == q.qty and tol > 0)


def _toward(o: Live, q: Quote) -> bool:
    """Whether amending `o` to `q` moves it toward the other side of the book."""
    return q.price > o.price if o.side == BUY else q.price < o.price


def _amendable(o: Live, q: Quote) -> bool:
    """Amend changes something, and a part-filled order's total does not grow (its filled
    part stays in the total, which risk's max_order_size bounds)."""
    return (o.price, o.remaining) != (q.price, q.qty) and (
        o.remaining == o.qty or q.qty <= o.remaining)


def _toward_pair(a: tuple[Live, Quote]) -> bool:
    return _toward(a[0], a[1])


def _best_first(items, side):
    """Best price first (bids high to low); equal prices keep their order (a stable sort,
    reversed too), with a key in C rather than a closure made per call."""
    if len(items) < 2:
        return items
    return sorted(items, key=_PRICE, reverse=side == BUY)


def _uncrossed(places: list[Quote], keeps: list[Live]) -> list[Quote]:
    """Drop new resting quotes at or through our own best opposite price."""
    bids = [o.price for o in keeps if o.side == BUY] + [q.price for q in places if q.side == BUY]
    asks = [o.price for o in keeps if o.side != BUY] + [q.price for q in places if q.side != BUY]
    if not bids or not asks or max(bids) < min(asks):
        return places
    kept_ask = min((o.price for o in keeps if o.side != BUY), default=None)
    kept_bid = max((o.price for o in keeps if o.side == BUY), default=None)
    out = []
    for q in places:
        if q.side == BUY and kept_ask is not None and q.price >= kept_ask:
            continue
        if q.side != BUY and kept_bid is not None and q.price <= kept_bid:
            continue
        out.append(q)
    # new quotes crossing each other: keep the bids below the lowest new ask
    new_asks = [q.price for q in out if q.side != BUY]
    if new_asks:
        low = min(new_asks)
        out = [q for q in out if q.side != BUY or q.price < low]
    return out
