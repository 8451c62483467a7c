"""Risk-adjusted return and drawdown over an equity series.

Per-period PnL is the change of equity between consecutive samples (quote at 1e-18); the
ratios are scale-free, so they are computed on PnL rather than on returns on a capital base
the run does not define. Annualisation: a run's market never closes, so a year is
365 x 24 x 3600 s and the factor is periods per year = YEAR_NS / the sampling period (the
median gap between samples). Sharpe = mean / std (ddof 1) x sqrt(periods per year);
Sortino = mean / downside deviation x sqrt(periods per year), downside deviation =
sqrt(mean(min(pnl, 0)^2)) over every period (target 0); Calmar = mean x periods per year /
max drawdown. Each is None when its denominator is zero or there are too few periods;
figures() also leaves them None, with the reason, on runs too short to judge (too_short).
"""
import math

import numpy as np

YEAR_NS = 365 * 24 * 3600 * 10**9
MIN_PERIODS = 30                        # sample periods a ratio needs
MIN_SPAN_NS = 60 * 10**9                # and the time they must cover


def too_short(ts: list[int]) -> str | None:
    """Why the ratios of a run sampled at `ts` (ns) would mean nothing, or None when they
    may be computed: at least MIN_PERIODS periods covering at least MIN_SPAN_NS. A few
    seconds annualised give numbers in the thousands that say nothing about the strategy."""
    periods = max(0, len(ts) - 1)
    span = ts[-1] - ts[0] if ts else 0
    if periods >= MIN_PERIODS and span >= MIN_SPAN_NS:
        return None
    return (f"run too short for Sharpe, Sortino and Calmar: {periods} "
            f"period{'' if periods == 1 else 's'} over "
            f"{span / 1e9:g} s; they need at least {MIN_PERIODS} periods over "
            f"{MIN_SPAN_NS // 10**9} s")


def horizon(ts: list[int]) -> str | None:
    """The horizon the ratios are annualised to, in words: a 365-day year of periods as
    long as the median sampling gap. None with fewer than two samples."""
    per_year = periods_per_year(ts)
    if per_year is None:
        return None
    return (f"annualised: a 365-day year of {YEAR_NS / per_year / 1e9:g} s periods "
            f"({per_year:,.10g} a year)")


def period_pnl(equity: list[int]) -> list[int]:
    return [b - a for a, b in zip(equity, equity[1:])]


def periods_per_year(ts: list[int]) -> float | None:
    """YEAR_NS over the median sampling gap; None with fewer than two samples."""
    if len(ts) < 2:
        return None
    # numpy.median of the float64 gaps, in plain floats (the same IEEE operations: each
    # gap a difference of doubles, an even count's median the mean of the middle two),
    # without numpy.median's first call importing numpy.ma (about 20 ms a process)
    x = [float(t) for t in ts]
    gaps = sorted(b - a for a, b in zip(x, x[1:]))
    n = len(gaps)
    gap = gaps[n // 2] if n % 2 else (gaps[n // 2 - 1] + gaps[n // 2]) / 2
    return YEAR_NS / gap if gap > 0 else None


def sharpe(pnl: list[int], per_year: float | None) -> float | None:
    if len(pnl) < 2 or per_year is None:
        return None
    x = np.array(pnl, dtype=np.float64)
    sd = float(np.std(x, ddof=1))
    if sd == 0 or not math.isfinite(sd):
        return None
    return float(np.mean(x)) / sd * math.sqrt(per_year)


def sortino(pnl: list[int], per_year: float | None) -> float | None:
    if not pnl or per_year is None:
        return None
    x = np.array(pnl, dtype=np.float64)
    down = math.sqrt(float(np.mean(np.minimum(x, 0.0) ** 2)))
    if down == 0:
        return None
    return float(np.mean(x)) / down * math.sqrt(per_year)


def calmar(pnl: list[int], per_year: float | None, max_dd: int) -> float | None:
    if not pnl or per_year is None or max_dd <= 0:
        return None
    return float(np.mean(np.array(pnl, dtype=np.float64))) * per_year / max_dd


def drawdown(ts: list[int], equity: list[int]) -> tuple[int, int]:
    """(max drawdown, its duration in ns). The drawdown is the largest fall from a running
    peak (exact, quote at 1e-18; 0 if equity never falls). Its duration runs from that
    peak to the first sample back at or above it, or to the last sample if it never
    recovers."""
    dd = 0
    peak_i = dd_peak = dd_trough = 0
    for i, e in enumerate(equity):
        if e > equity[peak_i]:
            peak_i = i
        if equity[peak_i] - e > dd:
            dd, dd_peak, dd_trough = equity[peak_i] - e, peak_i, i
    if dd == 0:
        return 0, 0
    end = next((j for j in range(dd_trough, len(equity)) if equity[j] >= equity[dd_peak]),
               len(equity) - 1)
    return dd, ts[end] - ts[dd_peak]


def var(pnl: list[int], confidence: float) -> int | None:
    """Historical value at risk: the loss not exceeded in `confidence` of periods. The
    k-th worst period PnL, k = ceil(n x (1 - confidence)), negated (a loss is positive;
    negative when even that period gained). None without periods."""
    if not pnl:
        return None
    k = max(1, math.ceil(round(len(pnl) * (1 - confidence), 9)))
    return -sorted(pnl)[k - 1]
