"""Which data sets a data backtest replays, and whether the strategy can see its fair
price in them.

A backtest replays one data set (`--data NAME`, book or trades), or a book data set and a
trades data set together (`--data BOOK --trades TRADES`), merged in time: at one time a
trade comes before the book update that reflects it (mm.backtest.replay's rule). Only the
two together reach the queue-position model: book data gives the queue, trades consume it.

A configuration whose fair-price source has nothing to read in the data is refused before
anything runs, with the reason (it would otherwise place no orders and say nothing):
mid, microprice and depth-weighted mid (and their EMAs) need book data; last trade reads
trades, or the mid when there are none, so either kind serves; `cross` reads another
symbol, which a data set of this one never holds.
"""
import heapq

BOOK_SOURCES = ("mid", "microprice", "depth_mid")


def check(cfg: dict, data: str, trades: str | None, info) -> None:
    """ValueError unless the data sets fit each other and `cfg`. `info(name)` gives a data
    set's row (kind, symbol, ...) and raises ValueError for an unknown one."""
    sets = {data: info(data)}
    if trades is not None:
        if trades == data:
            raise ValueError(f"--data and --trades name the same data set {data!r}")
        sets[trades] = info(trades)
        if sets[data]["kind"] != "book":
            raise ValueError(f"--data {data!r} holds {sets[data]['kind']}; with --trades it "
                             "must be a book data set")
        if sets[trades]["kind"] != "trades":
            raise ValueError(f"--trades {trades!r} holds {sets[trades]['kind']}, not trades")
    for name, row in sets.items():
        if row["symbol"] != cfg["symbol"]:
            raise ValueError(f"data set {name!r} is for {row['symbol']}, but {cfg['name']} "
                             f"quotes {cfg['symbol']}")
    kinds = {row["kind"] for row in sets.values()}
    source = cfg["params"].get("fair_source", "mid")
    base = source[4:] if source.startswith("ema_") else source
    if base == "cross":
        other = cfg["params"].get("fair_symbol") or "another symbol"
        raise ValueError(f"fair_source=cross reads {other}, which the data "
                         f"({', '.join(sets)}) does not hold; backtest it on a scenario, "
                         "or set another fair_source")
    if base in BOOK_SOURCES and "book" not in kinds:
        raise ValueError(f"fair_source={source} needs book data, but {', '.join(sets)} holds "
                         "trades only: add a book data set (--data BOOK --trades TRADES) or "
                         "set fair_source=last")


def events(data_source, data: str, trades: str | None, start, end):
    """The events to replay, in time order: one data set's, or book and trades merged
    (at equal times, trades first)."""
    if trades is None:
        return data_source(data, start, end)
    merged = heapq.merge(((ev.ts, 0, ev) for ev in data_source(trades, start, end)),
                         ((ev.ts, 1, ev) for ev in data_source(data, start, end)),
                         key=lambda x: x[:2])
    return (ev for _, _, ev in merged)
