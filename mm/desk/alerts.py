"""A running strategy's alert rules and where its alerts go.

Rules fire on the way into a condition (inventory crossing 0.7 of its maximum, a drawdown
passing half its limit, ...), not on every decision while it lasts; the sink's rate limit
then folds quick repeats into one row's `repeats` count (db.desk.log_alert), so nothing is
lost and nothing floods. A new critical alert may also run a user command.
"""
import os
import subprocess
from collections import deque

from souq.db.desk import log_alert
from souq.engine.numbers import QTY_TO_AMOUNT, fmt_amount
from souq.engine.timeunits import SECOND
from souq.mm.alerts import CRITICAL, INFO, WARNING, Alert  # noqa: F401  (the one Alert type)
from souq.mm.display import number

from .quotes import Context


INVENTORY_WARNING, INVENTORY_CRITICAL = 0.7, 0.9
DRAWDOWN_WARNING, DRAWDOWN_CRITICAL = 0.5, 0.8      # of max_drawdown (kill switch at 1.0)
REJECTIONS, REJECTION_WINDOW = 3, 10 * SECOND      # this many rejections inside the window
VOL_SPIKE = 3.0                                     # realised vol above 3x its slow average
GUARDS = ("stale_data", "book_depth", "vol_circuit")   # risk's guards (mm.desk.risk.Guard)
# The "Sharpe below 0" alert waits for SHARPE_MIN_SAMPLES equity *changes* (samples where
# the equity moved: a sample without a fill or a move of the mark says nothing about the
# return). Why 30: the standard error of a Sharpe ratio estimated from n returns is about
# sqrt((1 + SR^2 / 2) / n) (Lo, "The Statistics of Sharpe Ratios", 2002); with fewer than
# 30 it is above 0.18 per sample, as large as the per-sample ratios a market maker earns,
# so the estimate's sign is noise. 30 is also where the t-statistic of the mean return
# is close to normal.
SHARPE_MIN_SAMPLES = 30


def sharpe_samples(points) -> int:
    """How many of (ts, equity) `points` moved the equity from the point before: the
    samples the Sharpe alert counts (see SHARPE_MIN_SAMPLES)."""
    return sum(1 for (_, a), (_, b) in zip(points, list(points)[1:]) if a != b)


class MemorySink:
    """Alerts kept in a list (tests, in-memory runs)."""

    def __init__(self) -> None:
        self.alerts: list[Alert] = []

    def __call__(self, alert: Alert) -> bool:
        self.alerts.append(alert)
        return True

    def poll(self) -> None:
        """Nothing runs in the background here."""


class DbSink:
    """Alerts into the database's alert log under `source` (the configuration name); a new
    critical one also starts `on_critical` (a shell command) without waiting for it. The
    command gets the alert as $1 and as SOUQ_ALERT_* variables; a failure to start it, or
    a non-zero exit, is logged as a warning and the run carries on."""

    def __init__(self, engine, source: str, on_critical: str | None = None) -> None:
        self.engine = engine
        self.source = source
        self.on_critical = on_critical
        self.running: list[tuple[subprocess.Popen, Alert]] = []

    def __call__(self, alert: Alert) -> bool:
        new = log_alert(self.engine, alert.ts, self.source, alert.severity, alert.kind,
                        alert.text)
        if new and alert.severity == CRITICAL and self.on_critical:
            self._spawn(alert)
        return new

    def _spawn(self, alert: Alert) -> None:
        env = dict(os.environ, SOUQ_ALERT_TEXT=alert.text, SOUQ_ALERT_KIND=alert.kind,
                   SOUQ_ALERT_SEVERITY=alert.severity, SOUQ_ALERT_SOURCE=self.source,
                   SOUQ_ALERT_TS=str(alert.ts))
        try:
            proc = subprocess.Popen(["/bin/sh", "-c", self.on_critical, "souq-alert", alert.text],
                                    env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError as exc:
            self._failed(alert, f"could not start: {exc}")
            return
        self.running.append((proc, alert))

    def poll(self) -> None:
        """Reap finished on-critical commands; report the ones that failed."""
        still = []
        for proc, alert in self.running:
            code = proc.poll()
            if code is None:
                still.append((proc, alert))
            elif code != 0:
                self._failed(alert, f"exited with status {code}")
        self.running = still

    def _failed(self, alert: Alert, why: str) -> None:
        log_alert(self.engine, alert.ts, self.source, WARNING, "on_critical",
                  f"on-critical command {why} (for: {alert.text})")


class AlertRules:
    """Turns what a run sees into alerts, each once on the way into its condition."""

    def __init__(self, sink, p: dict, *, sharpe_floor: float = 0.0, quote: str = "",
                 quote_dp: int | None = None) -> None:
        self.sink = sink
        self.p = p
        self.quote, self.quote_dp = quote, quote_dp     # the unit of money in alert texts
        self.sharpe_floor = sharpe_floor
        self.levels: dict[str, int] = {}          # rule -> current level (0: quiet)
        self.rejected: deque[int] = deque()       # times of recent rejections
        self.vol_slow: float | None = None

    def emit(self, ts: int, severity: str, kind: str, text: str) -> bool:
        return self.sink(Alert(None, ts, severity, text, kind))

    def _rises(self, rule: str, level: int) -> bool:
        """Note `rule`'s level; whether it rose above what it was (its alert is emitted
        then; falling resets it). The rules run at every decision and their texts are
        needed only when one rises: callers make them after this says so (no closure made
        per decision)."""
        before = self.levels.get(rule, 0)
        self.levels[rule] = level
        return level > before

    def check(self, ctx: Context, equity: int, peak: int, sharpe: float | None,
              samples: int) -> None:
        """The rules over one decision's context and the run's equity (1e-18 quote).
        `samples`: the equity changes `sharpe` was estimated from (sharpe_samples); the
        Sharpe alert stays quiet below SHARPE_MIN_SAMPLES of them."""
        now, p = ctx.now, self.p
        r = abs(ctx.ratio)
        level = 2 if r >= INVENTORY_CRITICAL else 1 if r >= INVENTORY_WARNING else 0
        if self._rises("inventory", level):
            if level == 1:
                self.emit(now, WARNING, "inventory",
                          f"inventory at {r:.0%} of max_inventory (warning at 70%)")
            else:
                self.emit(now, CRITICAL, "inventory",
                          f"inventory at {r:.0%} of max_inventory (critical at 90%)")
        cap = p.max_drawdown * QTY_TO_AMOUNT
        if cap:
            dd = peak - equity
            level = 2 if dd >= DRAWDOWN_CRITICAL * cap else 1 if dd >= DRAWDOWN_WARNING * cap else 0
            if self._rises("drawdown", level):
                if level == 1:
                    self.emit(now, WARNING, "drawdown",
                              f"drawdown {self._money(dd)} is half of max_drawdown")
                else:
                    self.emit(now, CRITICAL, "drawdown",
                              f"drawdown {self._money(dd)} is 80% of max_drawdown: the kill "
                              "switch trips at 100%")
        if sharpe is not None and samples >= SHARPE_MIN_SAMPLES:
            if self._rises("sharpe", int(sharpe < self.sharpe_floor)):
                self.emit(now, WARNING, "sharpe", f"Sharpe {sharpe:.2f} below "
                          f"{self.sharpe_floor:g} over {samples} samples")
        self._volatility(ctx)

    def _money(self, amount: int) -> str:
        """An amount at 1e-18 of the quote asset, grouped, with its unit."""
        return f"{number(fmt_amount(amount), self.quote_dp)} {self.quote}".rstrip()

    def _volatility(self, ctx: Context) -> None:
        vol = ctx.volatility
        if vol <= 0:
            return
        slow = self.vol_slow
        spike = slow is not None and vol > VOL_SPIKE * slow
        self.vol_slow = vol if slow is None else 0.99 * slow + 0.01 * vol
        if self._rises("vol_spike", int(spike)):
            self.emit(ctx.now, WARNING, "volatility", f"volatility spike: {vol:.6f} is over "
                      f"{VOL_SPIKE:g}x its recent average {slow or 0:.6f}")

    def guards(self, now: int, guards) -> None:
        """Risk guards that changed quotes this decision (see mm.desk.risk.Guard)."""
        active = {g.kind: g for g in guards} if guards else {}
        for kind in GUARDS:
            g = active.get(kind)
            if self._rises(kind, int(g is not None)):
                self.emit(now, WARNING if kind != "stale_data" else CRITICAL, kind, g.text)

    def rejections(self, now: int, reasons: list[str]) -> None:
        """Order rejections of one batch; REJECTIONS of them within the window alert."""
        window = self.rejected
        for _ in reasons:
            window.append(now)
        while window and now - window[0] > REJECTION_WINDOW:
            window.popleft()
        many = len(window) >= REJECTIONS
        if self._rises("rejections", int(many)):
            self.emit(now, WARNING, "rejections", f"{len(window)} orders rejected in "
                      f"{REJECTION_WINDOW // SECOND} s; last: {reasons[-1] if reasons else ''}")

    def kill(self, now: int, what: str, done: str) -> None:
        self.emit(now, CRITICAL, "kill_switch", f"kill switch: {what}; {done}")
