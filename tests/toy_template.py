"""A tiny test-only strategy template, `toy`: one bid and one ask spread_bps from fair.

The desk tests import it so configurations can be tested apart from the real templates;
`ToySouq` is the CLI runner whose `souq` processes have it registered too."""
import sys
from pathlib import Path

from souq.mm.desk.book import bps
from souq.mm.desk.params import BPS, INT, QTY, Param
from souq.mm.desk.quotes import Quote
from souq.mm.desk.strategy import Strategy
from souq_cli import Souq

HERE = Path(__file__).parent


class Toy(Strategy):
    template = "toy"
    summary = "one bid and one ask spread_bps from fair"
    PARAMS = (
        Param("spread_bps", BPS, "10", "distance of each quote from fair", lo="1", hi="1000"),
        Param("order_size", QTY, "0.01", "size of each quote", lo="0.0001"),
        Param("levels", INT, "1", "quotes per side", lo="1", hi="5"),
    )

    def decide(self, ctx):
        book = ctx.book
        d = bps(ctx.fair, self.p.spread_bps)
        size = book.spec.floor_step(self.p.order_size)
        return [Quote("buy", book.spec.floor_tick(ctx.fair - d), size),
                Quote("sell", book.spec.ceil_tick(ctx.fair + d), size)]


class ToySouq(Souq):
    """`souq` with the toy template registered (the script itself, run through -c)."""

    def argv(self, args, as_user=None) -> list[str]:
        boot = (f"import sys; sys.path.insert(0, {str(HERE)!r}); import toy_template; "
                "from souq.cli.main import run; run()")
        return [sys.executable, "-c", boot] + super().argv(args, as_user)[len(self._souq()):]

    @staticmethod
    def _souq() -> list[str]:
        from souq_cli import SOUQ
        return SOUQ
