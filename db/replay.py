"""Replay an order stream into a database (or into a bare in-memory engine).

A command the exchange refuses is journalled as rejected and the replay goes on; a line
that breaks the format stops it, after committing every line before it.
"""
import time
from dataclasses import dataclass

from souq.engine.edge import EdgeError, json_line
from souq.engine.exchange import Exchange
from souq.engine.stream import StreamError, is_skipped, parse_command, trade_record


class ReplayError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


@dataclass
class ReplayStats:
    commands: int = 0
    accepted: int = 0
    rejected: int = 0
    trades: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict:
        rate = self.commands / self.seconds if self.seconds else 0.0
        return {"commands": self.commands, "accepted": self.accepted, "rejected": self.rejected,
                "trades": self.trades, "seconds": round(self.seconds, 3),
                "commands_per_s": round(rate)}


def parse_line(number: int, line: str):
    try:
        obj = json_line(line)     # duplicate keys refused, not "last one wins"
        return parse_command(obj), obj["op"]
    except (EdgeError, StreamError) as exc:
        raise ReplayError(number, str(exc)) from None


def replay(lines, *, store=None, actor: str = "@operator", batch: int = 1,
           clock=time.time_ns, on_trade=None, on_reject=None, on_progress=None) -> ReplayStats:
    """Apply `lines` (an iterable of text lines). With no store, runs in memory.

    on_trade(record) gets each trade in the format's trade shape; on_reject(line, reason)
    each refused command; on_progress(n_chars) how much input was consumed."""
    stats = ReplayStats()
    ex = Exchange() if store is None else None
    pending: list = []
    numbers: list[int] = []
    started = time.perf_counter()

    def flush():
        if not pending:
            return
        result = store.submit(pending, clock())
        for n, o in zip(numbers, result.outcomes):
            _count(stats, o.reason, n, on_reject)
        stats.trades += len(result.trades)
        if on_trade:
            for t in result.trades:
                on_trade(trade_record(t))
        pending.clear()
        numbers.clear()

    try:
        for number, line in enumerate(lines, 1):
            if on_progress:
                on_progress(len(line))
            if is_skipped(line):
                continue
            cmd, op = parse_line(number, line)
            stats.commands += 1
            if ex is not None:
                out = ex.apply(cmd, 0, actor)
                _count(stats, out.reason, number, on_reject)
                trades = out.trades()
                if trades:
                    stats.trades += len(trades)
                    if on_trade:
                        for t in trades:
                            on_trade(trade_record(t))
                continue
            pending.append((cmd, line.strip(), actor, op))
            numbers.append(number)
            if len(pending) >= batch:
                flush()
    except ReplayError as exc:
        exc.stats = stats
        raise
    finally:
        if store is not None:
            flush()
            if store.defer:
                store.project()     # deferred projections up to the journal, timed too
        stats.seconds = time.perf_counter() - started
    return stats


def _count(stats: ReplayStats, reason, number: int, on_reject) -> None:
    if reason is None:
        stats.accepted += 1
    else:
        stats.rejected += 1
        if on_reject:
            on_reject(number, reason)
