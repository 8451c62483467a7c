"""The compiled engine and the pure-Python reference make identical outcomes, events and
state on a million random commands (issue 16), and the choice between them is explicit.

The million is four runs of 250,000 commands with different seeds (each well inside the
300 s test timeout on the 2-core CI machine). Each run applies the commands here, with the
engine this process loaded (compiled after `pip install -e .` with a C compiler), while a
subprocess with SOUQ_PURE_PYTHON=1 applies the same seeded commands with the pure modules;
the two compare one digest per 10,000 commands (tests/engine/differential.py: every
outcome, every event with its order's state, and the whole exchange state at each chunk's
end). Without a compiled build there is nothing to compare and the runs are skipped,
saying why.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from souq.engine import native

import differential

HERE = Path(__file__).parent
RUN = 250_000
CHUNK = 10_000


def _pure_digests(n: int, seed: int) -> subprocess.Popen:
    env = dict(os.environ, SOUQ_PURE_PYTHON="1")
    return subprocess.Popen([sys.executable, str(HERE / "differential.py"), str(n), str(seed),
                             str(CHUNK)], env=env, cwd=HERE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _compare(n: int, seed: int) -> None:
    child = _pure_digests(n, seed)           # the reference runs on the other core
    try:
        mine = differential.digests(n, seed, CHUNK)
        out, err = child.communicate(timeout=280)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 0, err
    ref = json.loads(out)
    assert ref["engine"]["kind"] == "pure", ref["engine"]
    assert len(ref["digests"]) == len(mine) == -(-n // CHUNK)
    for i, (a, b) in enumerate(zip(mine, ref["digests"])):
        assert a == b, (f"compiled and pure engines differ in commands {i * CHUNK + 1:,}-"
                        f"{min(n, (i + 1) * CHUNK):,} of seed {seed}")


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_compiled_engine_matches_pure_reference(seed):
    if native.ENGINE.kind != "compiled":
        pytest.skip(f"no compiled engine to compare: {native.ENGINE.why}")
    _compare(RUN, seed)


def test_the_comparison_sees_a_difference(monkeypatch):
    """The digests are repeatable, and not blind: one changed fee rate changes them."""
    base = differential.digests(3000, 9, 1000)
    assert differential.digests(3000, 9, 1000) == base
    spec = list(differential.SYMBOLS[0])
    spec[10] += 1                              # BTC-IRR's taker rate, by 1e-9
    monkeypatch.setattr(differential, "SYMBOLS", (tuple(spec),) + differential.SYMBOLS[1:])
    changed = differential.digests(3000, 9, 1000)
    assert base != changed


def test_the_commands_cover_the_rules():
    """The random commands reach every kind of outcome that matters for the comparison."""
    from souq.engine.exchange import Exchange
    ex = Exchange()
    for c in differential.setup():
        assert ex.apply(c).accepted
    codes, kinds = set(), set()
    for i, c in enumerate(differential.commands(20_000, 5), 1):
        out = ex.apply(c, i)
        codes.add(out.code.value)
        kinds |= {type(e).__name__ for e in out.events}
    assert {"accepted", "order_closed", "unknown_order", "fok_not_fillable",
            "post_only_would_cross", "insufficient_funds", "invalid_price", "invalid_qty",
            "user_suspended", "session_closed", "duplicate_order_id",
            "amend_below_filled"} <= codes
    assert {"Trade", "OrderRested", "OrderPartiallyFilled", "OrderFilled", "OrderCancelled",
            "OrderExpired", "OrderAmended", "OrderHoldChanged", "CancelledAll",
            "LedgerMoved", "AssetPrecisionSet", "SessionChanged"} <= kinds


# ------------------------------------------------------------------ choosing the kind
def _package(tmp_path: Path, build: bool = True) -> Path:
    """A stand-in engine folder: two sources, and (build) their 'compiled' files and record."""
    for name in ("alpha", "beta"):
        (tmp_path / f"{name}.py").write_text(f"X = {name!r}\n")
    (tmp_path / "beta.pxd").write_text("cdef class B:\n    pass\n")
    if build:
        suffix = native.machinery.EXTENSION_SUFFIXES[0]
        for name in ("alpha", "beta"):
            (tmp_path / f"{name}{suffix}").write_bytes(b"")
        (tmp_path / native.RECORD).write_text(json.dumps({
            "cython": "3.x", "expected": ["alpha", "beta"],
            "modules": {m: native.source_hash(str(tmp_path), m) for m in ("alpha", "beta")}}))
    return tmp_path


def test_a_current_build_is_chosen(tmp_path):
    engine, files = native.choose(str(_package(tmp_path)), {})
    assert engine.kind == "compiled" and set(files) == {"alpha", "beta"}


def test_pure_python_is_forced_by_the_environment(tmp_path):
    engine, files = native.choose(str(_package(tmp_path)), {"SOUQ_PURE_PYTHON": "1"})
    assert (engine.kind, engine.why, files) == ("pure", "SOUQ_PURE_PYTHON=1", {})
    assert native.choose(str(tmp_path), {"SOUQ_PURE_PYTHON": "0"})[0].kind == "compiled"


@pytest.mark.parametrize("changed", ["alpha.py", "beta.pxd"])
def test_a_stale_build_is_not_used(tmp_path, changed):
    folder = _package(tmp_path)
    (folder / changed).write_text((folder / changed).read_text() + "# edited\n")
    engine, files = native.choose(str(folder), {})
    assert engine.kind == "pure" and files == {}
    assert engine.why.startswith(f"stale build: engine/{changed.split('.')[0]}.py changed")


def test_an_incomplete_or_unrecorded_build_is_not_used(tmp_path):
    folder = _package(tmp_path)
    for p in folder.iterdir():
        if p.name.startswith("beta.") and p.suffix not in (".py", ".pxd"):
            p.unlink()
    engine, _ = native.choose(str(folder), {})
    assert engine.kind == "pure" and engine.why.startswith("incomplete build: beta")
    (folder / native.RECORD).unlink()
    engine, _ = native.choose(str(folder), {})
    assert engine.kind == "pure" and "without a build record" in engine.why


def test_nothing_compiled_says_so(tmp_path):
    engine, _ = native.choose(str(_package(tmp_path, build=False)), {})
    assert engine.kind == "pure" and engine.why.startswith("not compiled")


def test_the_environment_switch_reaches_a_fresh_process():
    """SOUQ_PURE_PYTHON=1 loads every engine module from its .py, and the bench says so."""
    code = ("import souq.engine.exchange, sys; from souq.engine import native; "
            "print(native.ENGINE.kind, all(not m.__file__.endswith(('.so', '.pyd')) "
            "for n, m in sys.modules.items() if n.startswith('souq.engine.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ, SOUQ_PURE_PYTHON="1"), check=True, timeout=120)
    assert out.stdout.split() == ["pure", "True"]


def test_a_compiled_model_is_the_cdef_classes():
    """When compiled, model's classes are Cython's cdef classes (fields read at C level by
    the other compiled modules), not slotted Python classes."""
    from souq.engine import model
    kind = type(model.Order.__dict__["qty"]).__name__
    assert kind == ("getset_descriptor" if native.ENGINE.kind == "compiled"
                    else "member_descriptor")
