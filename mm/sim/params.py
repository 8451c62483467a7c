"""The simulator's knobs as one frozen value, so a CLI flag, a TUI slider or a backtest
scenario can state a whole market in one place and two runs can be compared by it."""
from dataclasses import dataclass
from decimal import Decimal

from souq.engine.numbers import PRICE_SCALE
from souq.mm.display import number


# Bounds that keep a run finite: a simulated market has at most this many orders per
# second, a relative move of at most 100% per minute, a run at most a year, and a --fast
# run (simulated time as fast as it goes) at most MAX_FAST_ORDERS orders in all.
MAX_RATE = 100_000
MAX_VOLATILITY = 1.0
MAX_SECONDS = 365 * 86_400
MAX_FAST_ORDERS = 10_000_000


def check_run(params: "SimParams", seconds: float, fast: bool) -> None:
    """ValueError unless a run of `seconds` (simulated with `fast`) is one that ends."""
    if not 0 < seconds <= MAX_SECONDS:
        raise ValueError(f"duration must be positive and at most {number(MAX_SECONDS)} s")
    if fast and params.rate * seconds > MAX_FAST_ORDERS:
        raise ValueError(f"--fast at {number(params.rate)} orders/s for {number(seconds)} s "
                         f"is {number(params.rate * seconds, 0)} orders; at most "
                         f"{number(MAX_FAST_ORDERS)}")


@dataclass(frozen=True)
class SimParams:
    rate: float = 200.0             # commands (limit, market, cancel) per simulated second
    volatility: float = 0.005       # stdev of the hidden value's relative move per simulated minute
    symbols: tuple[str, ...] = ()   # empty: every symbol that has a price to start from
    noise_traders: int = 8
    informed_traders: int = 1
    momentum_traders: int = 1
    mix: tuple[float, float, float] = (0.8, 0.12, 0.08)  # share of flow: noise, informed, momentum
    spread: float = 0.0005          # typical distance of a noise quote from the mid, relative
    edge: float = 0.001             # mispricing an informed trader acts on, relative
    momentum_lookback: float = 5.0  # simulated seconds of trade prices a momentum trader watches
    momentum_threshold: float = 0.0003  # relative move over the lookback that counts as a trend
    max_lots: int = 20              # largest order, in units of the symbol's min_qty
    max_open: int = 40              # resting orders one agent keeps per symbol before cancelling
    max_backlog: float = 2.0        # simulated seconds of arrivals a late tick may catch up on
    refill_seconds: float = 60.0    # how often participants' wallets are topped up

    def __post_init__(self) -> None:
        checks = (
            (0 <= self.rate <= MAX_RATE, f"rate must be from 0 to {MAX_RATE} orders per second"),
            (0 <= self.volatility <= MAX_VOLATILITY,
             f"volatility must be from 0 to {MAX_VOLATILITY} (relative, per minute)"),
            (min(self.noise_traders, self.informed_traders, self.momentum_traders) >= 0,
             "trader counts must not be negative"),
            (self.noise_traders + self.informed_traders + self.momentum_traders > 0,
             "at least one trader is needed"),
            (len(self.mix) == 3 and min(self.mix) >= 0 and sum(self.mix) > 0,
             "mix must be three non-negative shares"),
            (self.spread > 0 and self.edge > 0 and self.momentum_threshold > 0,
             "spread, edge and momentum_threshold must be positive"),
            (self.momentum_lookback > 0 and self.max_backlog > 0 and self.refill_seconds > 0,
             "time spans must be positive"),
            (self.max_lots >= 1 and self.max_open >= 1, "max_lots and max_open must be at least 1"),
        )
        for ok, message in checks:
            if not ok:
                raise ValueError(message)


def ppb(rate: float) -> int:
    """A relative parameter as an integer in parts per 1e9, exact from its decimal text, so
    every price the simulator computes from it is integer arithmetic."""
    return int(Decimal(repr(float(rate))) * PRICE_SCALE)


def ns(seconds: float) -> int:
    return int(Decimal(repr(float(seconds))) * 1_000_000_000)
