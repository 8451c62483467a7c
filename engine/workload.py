"""A seeded mixed workload in the order-stream shape, for benchmarks and tests.

About 60 % limit, 10 % market and 30 % cancel orders from many funded users, priced near
a slowly drifting touch so thousands of orders rest and many cross.
"""
import random

SYMBOL = {"op": "symbol", "symbol": "BTC-IRR", "base": "BTC", "quote": "IRR",
          "tick_size": "1000", "qty_step": "0.0001", "min_qty": "0.0001", "max_qty": "100"}
MID_TICKS = 100_000          # 100,000,000 IRR in ticks of 1000


def setup(users: int) -> list[dict]:
    out = [dict(SYMBOL)]
    for i in range(users):
        name = f"u{i}"
        out.append({"op": "user", "user": name})
        out.append({"op": "deposit", "user": name, "asset": "IRR", "amount": "1000000000000000"})
        out.append({"op": "deposit", "user": name, "asset": "BTC", "amount": "100000"})
    return out


def orders(n: int, users: int, seed: int = 1, *, spread_ticks: int = 40,
           prefix: str = "c") -> list[dict]:
    """n order commands after setup(users); client ids are prefix + a number."""
    rng = random.Random(seed)
    out: list[dict] = []
    placed: list[tuple[str, str]] = []
    mid = MID_TICKS
    for i in range(n):
        r = rng.random()
        user = f"u{rng.randrange(users)}"
        if r < 0.30 and placed:
            j = rng.randrange(len(placed))
            placed[j], placed[-1] = placed[-1], placed[j]
            owner, cid = placed.pop()
            out.append({"op": "cancel", "id": cid, "user": owner})
            continue
        side = "buy" if rng.random() < 0.5 else "sell"
        qty = f"0.{rng.randint(1, 200):04d}"
        cid = f"{prefix}{i}"
        if r < 0.40:
            out.append({"op": "market", "id": cid, "user": user, "symbol": "BTC-IRR",
                        "side": side, "qty": qty})
            continue
        mid += rng.choice((-1, 0, 0, 1))
        offset = int(rng.expovariate(1 / 8)) - 2      # a few cross, most rest near the touch
        offset = min(offset, spread_ticks)
        ticks = mid - offset if side == "buy" else mid + offset
        out.append({"op": "limit", "id": cid, "user": user, "symbol": "BTC-IRR", "side": side,
                    "price": str(ticks * 1000), "qty": qty})
        placed.append((user, cid))
    return out


def resting(n: int, users: int, seed: int = 1):
    """n limit orders that never cross (bids below, asks above a gap), one at a time."""
    rng = random.Random(seed)
    for i in range(n):
        side = "buy" if i % 2 else "sell"
        ticks = MID_TICKS - 1 - rng.randrange(2000) if side == "buy" else MID_TICKS + 1 + rng.randrange(2000)
        yield {"op": "limit", "id": f"r{i}", "user": f"u{rng.randrange(users)}",
               "symbol": "BTC-IRR", "side": side, "price": str(ticks * 1000),
               "qty": f"0.{rng.randint(1, 200):04d}"}
