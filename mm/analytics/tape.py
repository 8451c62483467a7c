"""A symbol's top of book through history, rebuilt by replaying the journal.

The projections hold only today's book; every earlier one is a replay of the commands
away (the journal is the truth). One Top sample per change of the symbol's best levels.
"""
import orjson
from sqlalchemy import func, select

from souq.db import schema as S
from souq.engine.exchange import Exchange
from souq.engine.stream import parse_command
from souq.mm.desk.book import book_of

from .market import Top


def journal_length(conn) -> int:
    return conn.execute(select(func.count()).select_from(S.Journal)).scalar_one()


def top_history(conn, symbol: str, on_progress=None) -> list[Top]:
    ex, tops, last = Exchange(), [], None
    J = S.Journal
    for seq, ts, actor, body in conn.execute(
            select(J.seq, J.ts, J.actor, J.body).order_by(J.seq)).yield_per(10_000):
        ex.apply(parse_command(orjson.loads(body), extended=True), ts, actor)
        sym = ex.symbols.get(symbol)
        if sym is not None:
            b = book_of(sym, 1)
            key = (b.bids[:1], b.asks[:1])
            if key != last:
                last = key
                (bid, bq), = b.bids or ((None, 0),)
                (ask, aq), = b.asks or ((None, 0),)
                tops.append(Top(ts, bid, bq, ask, aq))
        if on_progress:
            on_progress(1)
    return tops
