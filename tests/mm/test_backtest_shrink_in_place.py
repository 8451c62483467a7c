"""A level that shrinks behind every own order loses quantity from its last BOOK order by
an amend in place (one engine command) where it used to be cancelled and placed again for
what stays (two): the same queue either way. Differential: whole backtests, under both
queue models and several seeds, give byte-identical results with the shortcut on and off.
On the full path (every market event an engine command), where the rule applies to every
level; the aggregate path keeps most cuts off the engine.
"""
import pytest

from souq.mm.backtest.bench import config, synthetic_data
from souq.mm.backtest.models import queue_model
from souq.mm.backtest.replay import Replay
from souq.mm.backtest.run import Spec, _DataLoop, run_backtest


@pytest.fixture(autouse=True)
def _full_path(monkeypatch):
    monkeypatch.setattr(_DataLoop, "aggregate", False)


def _run(seed: int, queue: str) -> str:
    events = synthetic_data(6_000, seed)
    spec = Spec(config(), data="synthetic", seed=seed, queue_model=queue_model(queue))
    return run_backtest(spec, data_source=lambda name, start, end: iter(events)).to_json()


@pytest.mark.parametrize("queue", ["pessimistic", "probabilistic"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_shortcut_changes_no_result(monkeypatch, seed, queue):
    taken = []
    real = Replay._shrinkable

    def counting(self, o, qty):
        taken.append(real(self, o, qty))
        return taken[-1]
    monkeypatch.setattr(Replay, "_shrinkable", counting)
    fast = _run(seed, queue)
    assert sum(taken) > 100                        # the shortcut was taken, often
    monkeypatch.setattr(Replay, "_shrinkable", lambda self, o, qty: False)
    assert _run(seed, queue) == fast
