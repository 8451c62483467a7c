"""Random commands and digests of what the engine did with them, for the differential test
of the compiled engine against the pure-Python reference (test_compiled_differential.py).

`commands(n, seed)` makes n seeded random commands over two symbols and 40 users: limit
orders of every time in force and self-trade mode, market and stop orders, cancels and
amends of live, closed and unknown orders, cancel-alls, deposits, withdrawals, sessions
closing and opening with new references and fee rates, asset precision, suspensions,
and refusals of every kind (off tick, off step, outside the band, unknown names).

`digests(n, seed, chunk)` applies them to a fresh Exchange and returns one BLAKE2 digest
per `chunk` commands, over every outcome (seq, code, reason), every event with the state
of the order it names, and at each chunk's end the whole state (wallets, books, stops).

Run as a script (`python differential.py N SEED CHUNK`) it prints {"engine", "digests"} as
JSON: the test runs it in a subprocess with SOUQ_PURE_PYTHON=1.
"""
import hashlib
import json
import random
import sys

from souq.engine import commands as C, native
from souq.engine.events import LedgerMoved, Trade
from souq.engine.exchange import Exchange
from souq.engine.symbols import SymbolSpec

USERS = [f"u{i}" for i in range(40)]
SYMBOLS = (
    # name, base, quote, tick, step, min, max, band, ref, maker, taker, mid
    ("BTC-IRR", "BTC", "IRR", 1000 * 10**9, 10**5, 10**5, 100 * 10**9, 0, None,
     1_000_000, 2_000_000, 100_000),
    ("ETH-USD", "ETH", "USD", 10**7, 10**6, 10**6, None, 100_000_000, 2000 * 10**9,
     0, 500_000, 200_000),
)
TIFS = ("gtc",) * 6 + ("ioc", "fok", "post_only", "day")
STPS = ("none",) * 7 + ("cancel_newest", "cancel_oldest", "cancel_both")


def setup() -> list:
    """The symbols, users and their deposits every run starts from."""
    out = []
    for name, base, quote, tick, step, lo, hi, band, ref, maker, taker, _mid in SYMBOLS:
        out.append(C.AddSymbol(SymbolSpec(name, base, quote, tick, step, lo, hi, band, ref,
                                          maker, taker)))
    for i, u in enumerate(USERS):
        out.append(C.AddUser(u, "market_maker" if i % 7 == 0 else "trader"))
        for asset in ("BTC", "IRR", "ETH", "USD"):
            out.append(C.Deposit(u, asset, (10**6 if asset in ("IRR", "USD") else 50)
                                 * 10**18 * (1 + i % 5)))
    return out


def commands(n: int, seed: int) -> list:
    """n random commands (after setup()); the same n and seed give the same commands."""
    rng = random.Random(seed)
    rand, randrange, choice = rng.random, rng.randrange, rng.choice
    mids = [s[11] for s in SYMBOLS]
    closed = [False, False]                   # the generator's view of each session
    suspended: list[str] = []                 # a list: a set's order varies by process
    placed: list[tuple[str, str, int]] = []     # (user, cid, symbol index), newest last
    out = []
    for i in range(n):
        r = rand()
        user = USERS[randrange(len(USERS))]
        if r < 0.62:                                  # an order
            k = randrange(2)
            name, _b, _q, tick, step, lo, _hi, _band, _ref, _mk, _tk, _m = SYMBOLS[k]
            mids[k] += choice((-1, 0, 0, 1))
            side = "buy" if rand() < 0.5 else "sell"
            qty = step * (1 + int(rng.expovariate(1 / 40)))
            offset = int(rng.expovariate(1 / 6)) - 2
            price = (mids[k] - offset if side == "buy" else mids[k] + offset) * tick
            cid = f"c{i}"
            kind = rand()
            invalid = rand()
            if invalid < 0.01:
                qty += 1                              # off the step
            elif invalid < 0.02:
                price += 1                            # off the tick
            elif invalid < 0.025:
                name = "NOPE-X"
            elif invalid < 0.03:
                if placed:                            # a duplicate id
                    user, cid = placed[-1][0], placed[-1][1]
            stp = choice(STPS)
            if kind < 0.80:
                out.append(C.PlaceOrder(user, cid, name, side, "limit", qty, price,
                                        tif=choice(TIFS), stp=stp))
            elif kind < 0.92:
                out.append(C.PlaceOrder(user, cid, name, side, "market", qty,
                                        tif=choice(("gtc", "ioc")), stp=stp))
            else:
                stop = price + choice((-3, -1, 1, 3)) * tick
                typ = "stop_limit" if rand() < 0.6 else "stop_market"
                out.append(C.PlaceOrder(user, cid, name, side, typ, qty,
                                        price if typ == "stop_limit" else None, stop,
                                        tif="gtc", stp=stp))
            placed.append((user, cid, k))
            if len(placed) > 5000:
                del placed[:1000]
        elif r < 0.84:                                # cancel
            if placed and rand() < 0.95:
                j = randrange(len(placed))
                owner, cid, _k = placed[j]
                if rand() < 0.9:
                    placed[j] = placed[-1]
                    placed.pop()
            else:
                owner, cid = user, "never-placed"
            out.append(C.CancelOrder(owner if rand() < 0.97 else user, cid))
        elif r < 0.95:                                # amend
            if not placed:
                continue
            owner, cid, k = placed[randrange(len(placed))]
            tick, step = SYMBOLS[k][3], SYMBOLS[k][4]
            a = rand()
            price = (mids[k] + randrange(-8, 9)) * tick if a < 0.6 else None
            qty = step * (1 + int(rng.expovariate(1 / 40))) if a > 0.3 else None
            out.append(C.AmendOrder(owner, cid, price, qty))
        elif r < 0.955:
            out.append(C.CancelAll(user, choice((None, "BTC-IRR", "ETH-USD"))))
        elif r < 0.975:
            asset = choice(("BTC", "IRR", "ETH", "USD"))
            amount = randrange(1, 10**6) * 10**15 * (10**6 if asset in ("IRR", "USD") else 1)
            out.append(C.Deposit(user, asset, amount) if rand() < 0.7
                       else C.Withdraw(user, asset, amount))
        elif r < 0.978:
            k = randrange(2)
            name, tick = SYMBOLS[k][0], SYMBOLS[k][3]
            if not closed[k] and rand() < 0.3 or rand() < 0.02:
                closed[k] = True
                out.append(C.SessionClose(name))
            else:
                closed[k] = False
                ref = mids[k] * tick if rand() < 0.7 else None
                fees = (randrange(0, 3_000_000), randrange(0, 5_000_000)) if rand() < 0.5 \
                    else (None, None)
                out.append(C.SessionOpen(name, ref, *fees))
        elif r < 0.980:
            if suspended and rand() < 0.8:
                user = suspended.pop(randrange(len(suspended)))
                out.append(C.SetUserStatus(user, "active"))
            else:
                if user not in suspended:
                    suspended.append(user)
                out.append(C.SetUserStatus(user, "suspended"))
        elif r < 0.9805:
            out.append(C.SetAssetPrecision(choice(("IRR", "USD")), randrange(0, 19)))
        else:                                         # a market order for the other side
            k = randrange(2)
            out.append(C.PlaceOrder(user, f"m{i}", SYMBOLS[k][0], choice(("buy", "sell")),
                                    "market", SYMBOLS[k][4] * randrange(1, 300)))
    return out


def _order(o) -> tuple:
    return (o.oid, o.status, o.filled, o.cost, o.hold, o.price, o.qty, o.rank, o.reason)


def describe(e) -> tuple:
    """One event as plain data, the orders it names by their state."""
    t = type(e)
    if t is Trade:
        tid, seq, ts, sym, price, qty, m, o, mfee, tfee, side = e
        return ("T", tid, seq, ts, sym, price, qty, _order(m), _order(o), mfee, tfee, side)
    if t is LedgerMoved:
        return ("L",) + tuple(e)
    order = getattr(e, "order", None)
    if order is not None:
        return (t.__name__, _order(order), getattr(e, "reason", None),
                getattr(e, "price", None), getattr(e, "qty", None),
                getattr(e, "kept_priority", None))
    return (t.__name__, e.row())


def state(ex) -> tuple:
    """The whole exchange: counters, wallets, every book level and stop."""
    users = tuple((u.name, u.status, tuple(sorted((a, tuple(w)) for a, w in u.wallets.items())),
                   tuple(sorted(c for c, o in u.orders.items() if o.is_open)))
                  for u in sorted(ex.users.values(), key=lambda u: u.name))
    books = []
    for s in sorted(ex.symbols.values(), key=lambda s: s.name):
        books.append((s.name, s.last, s.open, s.fee_q, repr(s.spec)))
        for side in (s.bids, s.asks):
            books.append(tuple((key, lv.price, lv.count, lv.total,
                                tuple(o.oid for o in lv.orders
                                      if o.status in ("active", "partial")))
                               for key, lv in side.items()))
        books.append(tuple(o.oid for o in s.stops))
    return (ex.seq, ex.trade_seq, ex.rank_seq, users, tuple(books))


def digests(n: int, seed: int, chunk: int) -> list[str]:
    """One hex digest per `chunk` commands of a fresh run of commands(n, seed)."""
    ex = Exchange()
    for c in setup():
        ex.apply(c, 0)
    out = []
    h = hashlib.blake2b(digest_size=16)
    apply = ex.apply
    for i, c in enumerate(commands(n, seed), 1):
        res = apply(c, i)
        h.update(repr((res.seq, res.code.value, res.reason,
                       [describe(e) for e in res.events])).encode())
        if i % chunk == 0 or i == n:
            h.update(repr(state(ex)).encode())
            out.append(h.hexdigest())
            h = hashlib.blake2b(digest_size=16)
    return out


if __name__ == "__main__":
    n, seed, chunk = (int(a) for a in sys.argv[1:4])
    print(json.dumps({"engine": native.ENGINE.as_dict(), "digests": digests(n, seed, chunk)}))
