"""Price statistics and technical indicators over a plain price series (any unit; floats
out, since these are statistics, not money). Lists are aligned with the input: None where
the window is not yet full."""
import math

import numpy as np


def realised_volatility(prices) -> float | None:
    """sqrt of the sum of squared log returns between consecutive prices: the volatility
    realised over the whole series (not annualised). None with fewer than two prices."""
    if len(prices) < 2:
        return None
    r = np.diff(np.log(np.array(prices, dtype=np.float64)))
    return float(math.sqrt(float(np.sum(r * r))))


def roll_spread(prices) -> float | None:
    """Roll's (1984) implied spread 2 x sqrt(-cov(dp_t, dp_t-1)), the sample covariance
    (divisor n - 1) of consecutive price changes; None when it is >= 0 (no bid-ask bounce
    to read) or with fewer than three changes."""
    d = np.diff(np.array(prices, dtype=np.float64))
    if len(d) < 3:
        return None
    cov = float(np.cov(d[1:], d[:-1], ddof=1)[0, 1])
    return 2 * math.sqrt(-cov) if cov < 0 else None


def sma(values, n: int) -> list[float | None]:
    x = np.array(values, dtype=np.float64)
    out: list[float | None] = [None] * min(len(x), n - 1)
    if len(x) >= n:
        c = np.cumsum(np.insert(x, 0, 0.0))
        out += [float(v) for v in (c[n:] - c[:-n]) / n]
    return out


def rsi(values, n: int = 14) -> list[float | None]:
    """Wilder's RSI: the first average gain and loss are plain means of the first n changes,
    then avg = (avg x (n - 1) + this change) / n. RSI = 100 - 100 / (1 + gain / loss); 100
    when there were no losses, 50 when the price did not move at all."""
    out: list[float | None] = [None] * min(len(values), n)
    if len(values) <= n:
        return out
    d = np.diff(np.array(values, dtype=np.float64))
    gain = float(np.mean(np.maximum(d[:n], 0)))
    loss = float(np.mean(np.maximum(-d[:n], 0)))
    out.append(_rsi(gain, loss))
    for x in d[n:]:
        gain = (gain * (n - 1) + max(float(x), 0.0)) / n
        loss = (loss * (n - 1) + max(-float(x), 0.0)) / n
        out.append(_rsi(gain, loss))
    return out


def _rsi(gain: float, loss: float) -> float:
    if loss == 0:
        return 100.0 if gain > 0 else 50.0
    return 100 - 100 / (1 + gain / loss)


def bollinger(values, n: int = 20, k: float = 2.0) -> list[tuple[float, float, float] | None]:
    """(lower, middle, upper): the n-period SMA +- k population standard deviations."""
    x = np.array(values, dtype=np.float64)
    out: list = [None] * min(len(x), n - 1)
    for i in range(n - 1, len(x)):
        w = x[i - n + 1:i + 1]
        m, sd = float(np.mean(w)), float(np.std(w))
        out.append((m - k * sd, m, m + k * sd))
    return out
