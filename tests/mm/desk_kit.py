"""Shared by the desk runner tests: a tiny test-only strategy template and exchanges.

`test_ladder` is registered on import. The real templates (branches strat-a and strat-b)
are not needed to test the pipeline; a subprocess gets this one by importing this module
first (see `souq_with_kit`).
"""
import sys
from pathlib import Path

from souq.engine.exchange import Exchange
from souq.mm.desk.params import INT, QTY, Param
from souq.mm.desk.quotes import BUY, Quote
from souq.mm.desk.strategy import Strategy
from simkit import build

KIT_DIR = Path(__file__).resolve().parent


class Ladder(Strategy):
    """`levels` bids and asks `ticks` apart around fair, each `size`."""
    template = "test_ladder"
    summary = "test only: a fixed ladder around fair"
    PARAMS = (
        Param("ticks", INT, "1", "distance of the first level from fair, and between "
              "levels, in ticks", lo="0"),
        Param("levels", INT, "1", "levels per side", lo="1", hi="20"),
        Param("size", QTY, "0.001", "size of each quote", lo="0"),
    )

    def decide(self, ctx):
        if ctx.fair is None:
            return []
        p, book = self.p, ctx.book
        gap = book.spec.tick * p.ticks
        bids = [Quote(BUY, book.spec.floor_tick(ctx.fair - gap * (i + 1)), p.size)
                for i in range(p.levels)]
        asks = [Quote("sell", book.spec.ceil_tick(ctx.fair + gap * (i + 1)), p.size)
                for i in range(p.levels)]
        return bids + asks


def cfg(params=None, *, name="t1", symbol="T-USD", user="mm", template="test_ladder",
        version=1) -> dict:
    return {"name": name, "version": version, "template": template, "symbol": symbol,
            "user": user, "params": dict(params or {})}


# A small symbol with round numbers: tick 1, step 0.001, no fees unless asked.
def market(maker="0", taker="0", band="0") -> Exchange:
    return build(market_commands(maker, taker, band))


def market_commands(maker="0", taker="0", band="0") -> list[dict]:
    sym = {"op": "symbol", "symbol": "T-USD", "base": "T", "quote": "USD", "tick_size": "1",
           "qty_step": "0.001", "min_qty": "0.001", "maker_fee": maker, "taker_fee": taker}
    if band != "0":
        sym.update(daily_limit=band, ref_price="1000")
    cmds = [sym]
    for user, role in (("mm", "market_maker"), ("x", "trader")):
        cmds.append({"op": "user", "user": user, "role": role})
        cmds.append({"op": "deposit", "user": user, "asset": "T", "amount": "100"})
        cmds.append({"op": "deposit", "user": user, "asset": "USD", "amount": "1000000"})
    cmds += [{"op": "limit", "id": "xb", "user": "x", "symbol": "T-USD", "side": "buy",
              "price": "990", "qty": "5"},
             {"op": "limit", "id": "xa", "user": "x", "symbol": "T-USD", "side": "sell",
              "price": "1010", "qty": "5"}]
    return cmds


def souq_with_kit() -> list[str]:
    """argv of the real CLI entry point in a fresh interpreter with the kit registered."""
    return [sys.executable, "-c",
            f"import sys; sys.path[:0] = [{str(KIT_DIR)!r}]; import desk_kit; "
            "from souq.cli.main import run; run()"]


class Clock:
    """A settable clock for Api and runners: returns `now` (ns), which tests move."""

    def __init__(self, now: int = 1_700_000_000 * 10**9) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now
