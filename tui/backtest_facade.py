"""Backtests on the UI side: the choices a form offers, a run from the form's fields
through mm.backtest into db.backtests, stored runs, their reports and comparisons.

Called only from thread workers; it posts nothing and holds no widget. Its own Api, so a
long backtest never waits on the journal follower's lock.
"""
import time
from dataclasses import dataclass

from souq.db import backtests as B
from souq.db import marketdata as MD
from souq.db import queries as Q
from souq.db.api import Api
from souq.engine.edge import parse_int, scaled_int
from souq.engine.model import OPERATOR
from souq.mm.backtest.models import chosen
from souq.mm.backtest.run import MAX_DURATION, SECOND, Spec, run_backtest
from souq.mm.backtest.version import code_version
from souq.mm.desk import configs
from souq.mm.desk.params import parse_assignments
from souq.mm.display import Figures
from souq.mm.marketdata import load as load_data
from souq.mm.reports import Report, build
from souq.mm.reports.compare import compare
from souq.mm.scenarios import SCENARIOS

RUNS_PNL_WIDTH = 12     # the runs list's PnL column (tui/widgets/bt_runs.py)
# what the form calls the model fields, as its labels say (tui/screens/backtest.py)
MODEL_LABELS = ("Queue model", "Entry latency", "Response latency", "Fee model")


@dataclass(frozen=True)
class Choices:
    configs: tuple[str, ...]
    sources: tuple[tuple[str, str], ...]      # (label, "scenario:NAME" | "data:NAME")


@dataclass(frozen=True)
class Form:
    """What the Backtest screen's fields hold, as typed."""
    config: str
    source: str             # scenario:NAME or data:NAME
    duration: str           # seconds (scenarios)
    seed: str
    overrides: str          # key=value words
    queue: str = "pessimistic"      # pessimistic | probabilistic[:N]
    entry_ms: str = "0"             # decision to the exchange, ms
    response_ms: str = "0"          # the exchange's fill to the strategy's notice, ms
    fees: str = "symbol"            # symbol | zero | flat_bps:B

    def models(self) -> dict:
        """The Spec fields of the chosen models (mm.backtest.models.chosen); ValueError
        starting with the label of the field that is wrong. Reads nothing: safe on the
        UI thread, before anything starts."""
        return chosen(self.queue, self.entry_ms, self.response_ms, self.fees, MODEL_LABELS)


class BacktestFacade:
    def __init__(self, url: str, clock=time.time_ns) -> None:
        self.api = Api(url, OPERATOR, clock=clock)
        self.clock = clock
        self.code_version: str | None = None      # asked of git on the first run

    def choices(self) -> Choices:
        names = tuple(sorted(c["name"] for c in configs.listing(self.api)))
        sources = [(f"scenario {n}", f"scenario:{n}") for n in SCENARIOS]
        with self.api.db.connect() as conn:
            sources += [(f"data {s['name']}", f"data:{s['name']}") for s in MD.sets(conn)]
        return Choices(names, tuple(sources))

    def spec(self, form: Form) -> Spec:
        """The form as a Spec, or ValueError naming the field that is wrong."""
        if not form.config:
            raise ValueError("pick a configuration")
        kind, _, name = form.source.partition(":")
        if kind not in ("scenario", "data") or not name:
            raise ValueError("pick a scenario or a data set")
        seed = form.seed.strip() or "0"
        seed = parse_int(seed, "seed")
        duration = None
        if kind == "scenario":
            duration = scaled_int(form.duration.strip() or "60", "duration", SECOND,
                                  lo="0.000000001", hi=MAX_DURATION // SECOND)
        models = form.models()
        cfg = configs.get(self.api, form.config)
        return Spec(cfg, parse_assignments(form.overrides.split()),
                    scenario=name if kind == "scenario" else None,
                    data=name if kind == "data" else None, seed=seed,
                    duration_ns=duration, **models)

    def run(self, form: Form, progress=None) -> int:
        """Run the form's backtest and store it; the stored run's id."""
        spec = self.spec(form)
        if self.code_version is None:
            self.code_version = code_version()
        with self.api.db.connect() as conn:
            result = run_backtest(spec, progress=progress,
                                  data_source=lambda n, s, e: load_data(conn, n, s, e))
        return B.save(self.api.db, result.spec, result.to_json(), result.figures,
                      result.events, code_version=self.code_version,
                      created_ts=self.clock())

    def runs(self) -> list[dict]:
        """Every stored run, newest first, with `pnl_text`: its total PnL at the quote's
        places, grouped, compact only past RUNS_PNL_WIDTH characters (never cut)."""
        with self.api.db.connect() as conn:
            rows = B.runs(conn)
            figures = Figures(Q.symbols(conn))
        for r in rows:
            total = (r["figures"].get("pnl") or {}).get("total")
            quote = r["symbol"].partition("-")[2]
            r["pnl_text"] = "" if total is None else figures.money(quote, total, RUNS_PNL_WIDTH)
        return rows

    def report(self, run_id: int) -> Report:
        with self.api.db.connect() as conn:
            row = B.run(conn, run_id, with_result=True)
            symbols = Q.symbols(conn)
        if row is None:
            raise ValueError(f"no stored run {run_id}")
        return build(row, symbols)

    def compare(self, a: int, b: int) -> list[tuple[str, str, str, str]]:
        return compare(self.report(a), self.report(b))

    def close(self) -> None:
        self.api.close()
