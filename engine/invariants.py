"""The exchange's invariants, stated once: `souq check` and the tests both call these."""
from .model import ACTIVE, AVAIL, BUY, HELD, PARTIAL, QUEUED, WORLD
from .numbers import fmt, fmt_amount


def check_exchange(ex) -> list[str]:
    """Every violation in an in-memory exchange, as one line each; empty when sound."""
    problems: list[str] = []
    totals: dict[str, int] = {}
    for u in ex.users.values():
        for asset, (avail, held) in u.wallets.items():
            totals[asset] = totals.get(asset, 0) + avail + held
            if u.name == WORLD:
                continue
            if avail < 0:
                problems.append(f"{u.name} {asset}: negative available {fmt_amount(avail)}")
            if held < 0:
                problems.append(f"{u.name} {asset}: negative hold {fmt_amount(held)}")
    for asset, total in totals.items():
        if total != 0:
            problems.append(f"{asset}: accounts sum to {fmt_amount(total)}, not deposits minus "
                            "withdrawals")
    problems += _check_holds(ex)
    problems += _check_books(ex)
    return problems


def _check_holds(ex) -> list[str]:
    problems = []
    reserved: dict[tuple[str, str], int] = {}
    for u in ex.users.values():
        for o in u.open_orders():
            if o.status not in (QUEUED, ACTIVE, PARTIAL):
                problems.append(f"order {o.oid} is open in {u.name}'s list but {o.status}")
            if o.hold < 0:
                problems.append(f"order {o.oid}: negative hold {fmt_amount(o.hold)}")
            asset = o.sym.spec.quote if o.side == BUY else o.sym.spec.base
            reserved[(u.name, asset)] = reserved.get((u.name, asset), 0) + o.hold
    for u in ex.users.values():
        for asset, w in u.wallets.items():
            want = reserved.pop((u.name, asset), 0)
            if w[HELD] != want:
                problems.append(f"{u.name} {asset}: hold {fmt_amount(w[HELD])} but open orders "
                                f"reserve {fmt_amount(want)}")
    for (name, asset), want in reserved.items():
        if want:
            problems.append(f"{name} {asset}: open orders reserve {fmt_amount(want)} with no wallet")
    return problems


def _check_books(ex) -> list[str]:
    problems = []
    open_ids = set()
    for u in ex.users.values():
        open_ids.update(o.oid for o in u.open_orders())
    seen = set()
    for s in ex.symbols.values():
        for side, book, sign in (("bid", s.bids, -1), ("ask", s.asks, 1)):
            for key, level in book.items():
                live = [o for o in level.orders if o.status in (ACTIVE, PARTIAL)]
                if key != sign * level.price:
                    problems.append(f"{s.name} {side} level keyed {key} holds price {fmt(level.price)}")
                if not live:
                    problems.append(f"{s.name} {side} {fmt(level.price)}: empty level left in the book")
                if level.count != len(live) or level.total != sum(o.qty - o.filled for o in live):
                    problems.append(f"{s.name} {side} {fmt(level.price)}: level totals disagree "
                                    "with its orders")
                for o in live:
                    if o.oid in seen:
                        problems.append(f"order {o.oid} rests twice")
                    seen.add(o.oid)
                    if o.oid not in open_ids:
                        problems.append(f"order {o.oid} rests in the book but is not open")
                    if o.price != level.price or (o.side == BUY) != (sign < 0):
                        problems.append(f"order {o.oid} rests at the wrong level or side")
                ranks = [o.rank for o in live]
                if ranks != sorted(ranks):
                    problems.append(f"{s.name} {side} {fmt(level.price)}: time priority broken")
        if s.bids and s.asks and s.bids.peekitem(0)[1].price >= s.asks.peekitem(0)[1].price:
            problems.append(f"{s.name}: book is crossed (bid {fmt(s.bids.peekitem(0)[1].price)} >= "
                            f"ask {fmt(s.asks.peekitem(0)[1].price)})")
        for o in s.stops:
            if o.status != QUEUED:
                problems.append(f"stop order {o.oid} waits but is {o.status}")
            seen.add(o.oid)
    for oid in sorted(open_ids - seen):
        problems.append(f"order {oid} is open but neither in the book nor waiting as a stop")
    return problems


def wallet_totals(ex) -> dict[tuple[str, str], tuple[int, int]]:
    """(user, asset) -> (balance, hold), for comparing two exchanges."""
    return {(u.name, a): (w[AVAIL] + w[HELD], w[HELD])
            for u in ex.users.values() for a, w in u.wallets.items()}
