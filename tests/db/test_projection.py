"""db.projection reads the engine's typed events: the journal rows it makes in its one pass
are the engine's own (events.journal_rows), and the ledger rows it makes of a trade are
the trade's settlement moves."""
from souq.db.projection import BUCKET, Changes, ledger_rows
from souq.engine.events import journal_rows, ledger_moves
from souq.engine.exchange import Exchange
from souq.engine.numbers import fmt_amount
from souq.engine.stream import parse_command
from souq.engine.workload import orders, setup


def test_one_pass_gives_the_engines_journal_rows_and_ledger_moves():
    ex = Exchange()
    outs = [ex.apply(parse_command(o)) for o in setup(50) + orders(3000, 50, 7)]
    ch = Changes()
    for out in outs:
        assert ch.add(out) == journal_rows(out.events)
    assert len(ch.trades) > 100
    moves = ledger_moves(e for out in outs for e in out.events)
    assert ledger_rows(ch.moves) == [
        (m.seq, m.kind, m.asset, m.src, BUCKET[m.src_bucket], m.dst, BUCKET[m.dst_bucket],
         fmt_amount(m.amount), m.ref) for m in moves]
    assert ch.wallets == {(n, m.asset) for m in moves for n in (m.src, m.dst)}
