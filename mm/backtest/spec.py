"""What a backtest is (Spec: the configuration, the market, the models) and what it gives
(Result), as plain values; mm/backtest/run.py runs one."""
import json
from dataclasses import dataclass, field

from souq.engine.numbers import fmt, fmt_amount
from souq.mm.desk.quotes import Fill

from .models import PESSIMISTIC, SYMBOL_FEES, FeeModel, Latency, QueueModel, record


@dataclass
class Spec:
    config: dict                    # name, version, template, symbol, user, params {key: text}
    overrides: dict[str, str] = field(default_factory=dict)
    data: str | None = None
    trades: str | None = None       # a trades data set replayed with the book set `data`
    scenario: object = None         # a name, or an object with build(seed, params)
    scenario_params: dict = field(default_factory=dict)
    start: int | None = None        # ns: data window (inclusive start, exclusive end)
    end: int | None = None
    seed: int = 0
    latency_ns: int = 0             # one latency both ways, when `latency` is None
    duration_ns: int | None = None
    queue_model: QueueModel = PESSIMISTIC   # models.queue_model(name)
    latency: Latency | None = None  # entry and response latency (None: latency_ns both)
    fee_model: FeeModel = SYMBOL_FEES       # models.fee_model(name)

    def latencies(self) -> Latency:
        """The run's latency model: `latency`, else latency_ns as entry and response."""
        if self.latency is not None:
            return self.latency
        return Latency(self.latency_ns, self.latency_ns)

    def describe(self) -> dict:
        """The spec as plain JSON values (a scenario object by its name)."""
        sc, lat = self.scenario, self.latencies()
        if sc is not None and not isinstance(sc, str):
            sc = getattr(sc, "name", type(sc).__name__)
        return {"config": {k: self.config[k] for k in ("name", "version", "template",
                                                        "symbol", "user")},
                "params": dict(sorted(self.config["params"].items())),
                "overrides": dict(sorted(self.overrides.items())), "data": self.data,
                "trades": self.trades,
                "scenario": sc, "scenario_params": self.scenario_params,
                "start": self.start, "end": self.end, "seed": self.seed,
                "latency_ns": lat.entry_ns, "duration_ns": self.duration_ns,
                "models": record(self.queue_model, lat, self.fee_model)}


@dataclass
class Result:
    spec: dict
    fills: list[Fill] = field(default_factory=list)
    orders: list[dict] = field(default_factory=list)
    series: list[tuple[int, int, int, int | None]] = field(default_factory=list)  # mark last
    mids: list[tuple[int, int]] = field(default_factory=list)
    events: int = 0
    figures: dict = field(default_factory=dict)
    alerts: list[dict] = field(default_factory=list)
    stopped: str = ""               # stopped | killed
    reason: str = ""
    skipped: int = 0                # data events the engine could not place (see replay)
    markets: dict = field(default_factory=dict)   # name -> (base, quote, mark) at the end

    def to_json(self) -> str:
        """Deterministic text: sorted keys, exact decimal strings for every amount."""
        return json.dumps(self.plain(), sort_keys=True, separators=(",", ":"))

    def plain(self) -> dict:
        return {
            "spec": self.spec, "events": self.events, "figures": self.figures,
            "stopped": self.stopped, "reason": self.reason, "skipped": self.skipped,
            "alerts": self.alerts,
            "fills": [{"ts": f.ts, "symbol": f.symbol, "side": f.side, "price": fmt(f.price),
                       "qty": fmt(f.qty), "fee": fmt_amount(f.fee), "cid": f.cid}
                      for f in self.fills],
            "orders": [{**o, "price": fmt(o["price"]), "qty": fmt(o["qty"]),
                        "filled": fmt(o["filled"])} for o in self.orders],
            "series": [[ts, fmt_amount(e), fmt(q), None if m is None else fmt(m)]
                       for ts, e, q, m in self.series],
            "mids": [[ts, fmt(m)] for ts, m in self.mids],
        }
