"""The data replay's compiled modules (mm/backtest/native.py: aggregate, replay, runner
and run compiled by Cython from the same .py files) give byte-identical backtests to the
pure-Python ones, and the choice between them is explicit: SOUQ_PURE_PYTHON=1 makes them
pure, and a module changed after it was compiled is never used compiled."""
import json
import os
import subprocess
import sys
import textwrap

import pytest

from souq.engine.native import source_hash
from souq.mm.backtest import native
from souq.mm.backtest.bench import config, synthetic_data
from souq.mm.backtest.models import Latency, queue_model
from souq.mm.backtest.run import Spec, run_backtest

CASES = [(1, "pessimistic", 0, 0), (2, "probabilistic", 10, 30)]

SCRIPT = textwrap.dedent("""
    import json, sys
    from souq.mm.backtest import native
    from souq.mm.backtest.bench import config, synthetic_data
    from souq.mm.backtest.models import Latency, queue_model
    from souq.mm.backtest.run import Spec, run_backtest
    out = {"kind": native.KIND.kind, "runs": []}
    for seed, queue, entry, response in json.loads(sys.argv[1]):
        events = synthetic_data(8_000, seed)
        spec = Spec(config(), data="synthetic", seed=seed, queue_model=queue_model(queue),
                    latency_ns=entry * 10**6, latency=Latency(entry * 10**6, response * 10**6))
        out["runs"].append(run_backtest(spec, data_source=lambda *a: iter(events)).to_json())
    print(json.dumps(out))
""")


def _here(seed, queue, entry, response) -> str:
    events = synthetic_data(8_000, seed)
    spec = Spec(config(), data="synthetic", seed=seed, queue_model=queue_model(queue),
                latency_ns=entry * 10**6, latency=Latency(entry * 10**6, response * 10**6))
    return run_backtest(spec, data_source=lambda *a: iter(events)).to_json()


def test_compiled_replay_gives_the_pure_replays_results():
    if native.KIND.kind != "compiled":
        pytest.skip(f"no compiled replay to compare: {native.KIND.why}")
    env = dict(os.environ, SOUQ_PURE_PYTHON="1")
    done = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(CASES)], env=env,
                          capture_output=True, text=True, timeout=280)
    assert done.returncode == 0, done.stderr
    pure = json.loads(done.stdout)
    assert pure["kind"] == "pure"
    assert pure["runs"] == [_here(*case) for case in CASES]


def test_a_changed_module_is_never_used_compiled(tmp_path):
    """A build record whose hash no longer matches a module's source: pure, saying which."""
    from importlib.machinery import EXTENSION_SUFFIXES

    from souq.engine.native import RECORD, choose
    for name in ("aggregate", "run"):
        (tmp_path / f"{name}.py").write_text(f"X = {name!r}\n")
        (tmp_path / f"{name}{EXTENSION_SUFFIXES[0]}").write_bytes(b"")
    record = {"cython": "3", "expected": ["aggregate", "run"],
              "modules": {"aggregate": source_hash(str(tmp_path), "aggregate"),
                          "run": "0" * 64}}
    (tmp_path / RECORD).write_text(json.dumps(record))
    kind, compiled = choose(str(tmp_path), {})
    assert (kind.kind, compiled) == ("pure", {})
    assert "run.py changed after it was compiled" in kind.why
