"""The backtest's pluggable models, each chosen by name and recorded with the run (as
hftbacktest and nautilus_trader do): how a queue moves (QueueModel), how long orders and
their notices take (Latency), and what fills cost (FeeModel).

Queue models decide, when a level of replayed book data shrinks without a trade, how much
of the cut is taken from the data's quantity queued AHEAD of the strategy's first own order
there and how much from what is queued BEHIND its last own order (data quantity between
two own orders is only ever removed with the whole level). Integers throughout. Data
backtests only: on a scenario the simulator's orders are real orders, queued as placed.

- `pessimistic` (the default; the replay's behaviour before models existed): nothing ahead
  is ever cancelled; the cut comes from behind, the back of the queue first.
- `probabilistic[:N]` (hftbacktest's power-probability queue, N=3 by default): of a cut
  of d, floor(d * front**N / (front**N + back**N)) is taken from ahead (at most all of it,
  floored to the symbol's qty step), the rest from behind; what behind cannot give comes
  from ahead too.

Latency: `entry_ns` delays a command from the strategy's decision to its arrival at the
exchange; `response_ns` delays the strategy's notice of its own fills (the trades it
reads, and so its on_fill) from the moment the exchange printed them. Balances and the
orders it sees as open are read from the exchange as they are. Today's single `--latency
L` is entry L and response L.

Fee models: `symbol` (the default: each symbol's maker and taker rates on the backtest
exchange), `zero`, `flat_bps:B` (maker and taker both B basis points, B a decimal with up
to 5 places). The engine charges the fees, so balances, equity and fills agree.
"""
from dataclasses import dataclass, replace
from typing import Protocol

from souq.engine.edge import scaled_int
from souq.engine.timeunits import SECOND

MS = SECOND // 1000                 # latencies are typed in milliseconds
MAX_LATENCY = 60 * SECOND           # order and cancel latency at most a minute
QUEUE_MODELS = ("pessimistic", "probabilistic")
FEE_MODELS = ("symbol", "zero", "flat_bps:B")
RATE_SCALE = 10**9                  # fee rates as the engine keeps them (1e-9)
BPS = RATE_SCALE // 10_000          # one basis point at that scale
MAX_BPS = 10_000                    # 100 %


class QueueModel(Protocol):
    """Splits a data-driven cut of a level between the queue ahead of own orders and
    behind them."""
    name: str

    def split(self, cut: int, front: int, back: int, step: int = 1) -> tuple[int, int]:
        """Take `cut` (qty, 1e-9) off a level with `front` queued ahead of the first own
        order and `back` behind the last, all multiples of the symbol's qty `step`;
        returns (from front, from back), each within what is there and on the step."""


@dataclass(frozen=True)
class Pessimistic:
    """Own orders never move up on a cut: only the queue behind them shrinks."""
    name: str = "pessimistic"

    def split(self, cut: int, front: int, back: int, step: int = 1) -> tuple[int, int]:
        return 0, min(cut, back)


@dataclass(frozen=True)
class Probabilistic:
    """hftbacktest's PowerProbQueueFunc: the share of a cut taken from ahead is
    f(front) / (f(front) + f(back)) with f(x) = x**n, floored to an integer quantity."""
    n: int = 3

    @property
    def name(self) -> str:
        return "probabilistic" if self.n == 3 else f"probabilistic:{self.n}"

    def split(self, cut: int, front: int, back: int, step: int = 1) -> tuple[int, int]:
        fa, fb = front ** self.n, back ** self.n
        ahead = min(front, cut * fa // (fa + fb)) if fa + fb else 0
        ahead -= ahead % step           # floored to the quantity grid
        behind = min(back, cut - ahead)
        ahead += min(front - ahead, cut - ahead - behind)
        return ahead, behind


@dataclass(frozen=True)
class Latency:
    """Entry latency (decision to arrival at the exchange) and response latency (the
    exchange's fill to the strategy's notice of it), ns, constant."""
    entry_ns: int = 0
    response_ns: int = 0
    name: str = "constant"


@dataclass(frozen=True)
class FeeModel:
    """`rate` None: the symbols' own maker/taker rates; else both rates, at 1e-9."""
    name: str = "symbol"
    rate: int | None = None

    def apply(self, ex) -> None:
        """Set every symbol's maker and taker rate on the backtest Exchange `ex`."""
        if self.rate is None:
            return
        for sym in ex.symbols.values():
            sym.spec = replace(sym.spec, maker=self.rate, taker=self.rate)


PESSIMISTIC = Pessimistic()
CONSTANT = Latency()
SYMBOL_FEES = FeeModel()


def queue_model(name: str) -> QueueModel:
    """`pessimistic`, `probabilistic` or `probabilistic:N` (N from 1 to 10); raises
    ValueError naming the allowed values."""
    base, _, arg = name.partition(":")
    if base == "pessimistic" and not arg:
        return PESSIMISTIC
    if base == "probabilistic":
        if not arg:
            return Probabilistic()
        if arg.isdigit() and 1 <= int(arg) <= 10:
            return Probabilistic(int(arg))
    raise ValueError(f"queue model {name!r}: use pessimistic, probabilistic or "
                     "probabilistic:N (N from 1 to 10)")


def fee_model(name: str) -> FeeModel:
    """`symbol`, `zero` or `flat_bps:B`; raises ValueError naming the allowed values."""
    base, _, arg = name.partition(":")
    if base == "symbol" and not arg:
        return SYMBOL_FEES
    if base == "zero" and not arg:
        return FeeModel("zero", 0)
    if base == "flat_bps" and arg:
        try:
            rate = scaled_int(arg, "flat_bps", BPS, lo=0, hi=MAX_BPS)
        except ValueError:
            rate = None
        if rate is not None:
            return FeeModel(f"flat_bps:{arg}", rate)
    raise ValueError(f"fee model {name!r}: use symbol, zero or flat_bps:B "
                     f"(B basis points, 0 to {MAX_BPS})")


def chosen(queue: str, entry_ms: str, response_ms: str, fees: str,
           labels: tuple[str, str, str, str]) -> dict:
    """The Spec fields (latency_ns, latency, queue_model, fee_model) of models chosen by
    name (`queue`: see queue_model; `fees`: see fee_model) and of entry and response
    latency typed in ms (decimal text, 0 to MAX_LATENCY). `labels` are what the caller
    calls the four fields (queue, entry, response, fees: a CLI flag, a form's label);
    raises ValueError starting with the label of the first field that is wrong."""
    q_label, e_label, r_label, f_label = labels
    lat = Latency(*(scaled_int(text.strip(), label, MS, lo=0, hi=MAX_LATENCY // MS)
                    for text, label in ((entry_ms, e_label), (response_ms, r_label))))
    try:
        q = queue_model(queue.strip())
    except ValueError as exc:
        raise ValueError(f"{q_label}: {exc}") from None
    try:
        f = fee_model(fees.strip())
    except ValueError as exc:
        raise ValueError(f"{f_label}: {exc}") from None
    return {"latency_ns": lat.entry_ns, "latency": lat, "queue_model": q, "fee_model": f}


def record(queue: QueueModel, latency: Latency, fees: FeeModel) -> dict:
    """The models of a run or a search as plain JSON values, as stored with it (a
    backtest's spec "models", bt_runs.models, opt_runs.models): queue, latency, entry_ns,
    response_ns, fees."""
    return {"queue": queue.name, "latency": latency.name, "entry_ns": latency.entry_ns,
            "response_ns": latency.response_ns, "fees": fees.name}


def describe(models: dict | None) -> str:
    """A stored models record (`record`) in one line, latencies in ms, e.g. "queue
    pessimistic, latency 5 ms entry / 2 ms response, fees symbol"; runs stored before
    models were recorded (None): "not recorded"."""
    if not models:
        return "not recorded"
    return (f"queue {models['queue']}, latency {_ms(models['entry_ns'])} ms entry / "
            f"{_ms(models['response_ns'])} ms response, fees {models['fees']}")


def _ms(ns: int) -> str:
    """ns as exact milliseconds text (1_500_000 -> "1.5")."""
    whole, part = divmod(ns, 1_000_000)
    return f"{whole}.{part:06d}".rstrip("0").rstrip(".") if part else str(whole)


def brief(models: dict | None) -> str:
    """A stored models record in a table cell: "pessimistic 0/0ms symbol" (queue,
    entry/response latency, fees); "-" when not recorded."""
    if not models:
        return "-"
    return (f"{models['queue']} {_ms(models['entry_ns'])}/{_ms(models['response_ns'])}ms "
            f"{models['fees']}")
