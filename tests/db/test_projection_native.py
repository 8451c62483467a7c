"""db's compiled module (db/native.py: projection, compiled by Cython from the same .py)
writes byte-identical databases to the pure-Python one, and the choice is explicit:
SOUQ_PURE_PYTHON=1 makes it pure, and it runs compiled only beside the compiled engine
(it reads the engine's cdef classes), never a mix."""
import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from importlib.machinery import EXTENSION_SUFFIXES

import pytest

from souq.db import native
from souq.engine import native as engine_native
from souq.engine.native import RECORD, Engine, install_package, source_hash

#: every table the write path fills, in a stable order (the ledger's own ids included)
TABLES = ("journal", "orders", "trades", "ledger", "wallets", "users", "symbols", "meta",
          "writer_lock")
#: commands written by batch size (a commit each at batch 1: fewer)
COMMANDS = {1: 1500}

SCRIPT = textwrap.dedent("""
    import hashlib, json, sqlite3, sys
    from souq.db import native
    from souq.db.authgen import AUTH_GENERATION_KEY
    from souq.db.bench import _prepared
    from souq.db.store import Store
    from souq.engine.workload import orders, setup
    path, defer, batch, n, tables = (sys.argv[1], int(sys.argv[2]), int(sys.argv[3]),
                                     int(sys.argv[4]), sys.argv[5:])
    store = Store(f"sqlite:///{path}", defer=defer)
    store.submit(_prepared(setup(60)), 0)
    items = _prepared(orders(n, 60, 5))
    for i in range(0, len(items), batch):
        store.submit(items[i:i + batch], 1_000_000 + i)
    store.close()
    conn = sqlite3.connect(path)
    # the meta table less the auth generation (a random token each time users change)
    where = {"meta": f"WHERE key != '{AUTH_GENERATION_KEY}'"}
    digest = {t: hashlib.sha256(repr(conn.execute(
        f"SELECT * FROM {t} {where.get(t, '')} ORDER BY 1, 2").fetchall()).encode()).hexdigest()
        for t in tables}
    print(json.dumps({"kind": native.KIND.kind, "tables": digest}))
""")


def _write(path, defer: int, batch: int, pure: bool) -> dict:
    """Write `COMMANDS[batch]` seeded commands a batch of `batch` at a time through a Store
    deferring `defer` commands' projections; each table's digest and the kind that ran."""
    env = dict(os.environ)
    env.pop("SOUQ_PURE_PYTHON", None)
    if pure:
        env["SOUQ_PURE_PYTHON"] = "1"
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(path), str(defer), str(batch),
                           str(COMMANDS.get(batch, 6000)), *TABLES], env=env, capture_output=True, text=True, timeout=280)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("defer, batch", [(0, 1000), (2500, 300), (1000, 1)])
def test_compiled_projection_writes_the_pure_ones_rows(tmp_path, defer, batch):
    if native.KIND.kind != "compiled":
        pytest.skip(f"no compiled projection to compare: {native.KIND.why}")
    compiled = _write(tmp_path / "c.db", defer, batch, pure=False)
    pure = _write(tmp_path / "p.db", defer, batch, pure=True)
    assert (compiled["kind"], pure["kind"]) == ("compiled", "pure")
    assert compiled["tables"] == pure["tables"]


def test_the_kind_follows_the_engine():
    """Compiled exactly when the engine is (or nothing of db was compiled at all)."""
    assert native.KIND.kind == engine_native.ENGINE.kind or not native.KIND.modules
    if native.KIND.kind == "compiled":
        from souq.db import projection
        assert projection.__file__.endswith(tuple(EXTENSION_SUFFIXES))


def _fake_package(folder, names):
    """A folder whose build record matches its sources and whose 'compiled' files exist."""
    for name in names:
        (folder / f"{name}.py").write_text(f"X = {name!r}\n")
        (folder / f"{name}{EXTENSION_SUFFIXES[0]}").write_bytes(b"")
    record = {"cython": "3", "expected": list(names),
              "modules": {n: source_hash(str(folder), n) for n in names}}
    (folder / RECORD).write_text(json.dumps(record))


def test_a_package_that_needs_the_engine_runs_pure_when_the_engine_does(tmp_path):
    _fake_package(tmp_path, ["projection"])
    before = list(sys.meta_path)
    try:
        alone = install_package("souq_fake_a", [str(tmp_path)], "db/", "fake")
        beside_pure = install_package("souq_fake_b", [str(tmp_path)], "db/", "fake",
                                      needs=Engine("pure", "stale build: engine/x.py"))
        beside_compiled = install_package("souq_fake_c", [str(tmp_path)], "db/", "fake",
                                          needs=Engine("compiled", "built"))
        files = {}
        for finder in sys.meta_path[:len(sys.meta_path) - len(before)]:
            files.update(finder.files)
    finally:
        sys.meta_path[:] = before
    assert (alone.kind, beside_compiled.kind, beside_pure.kind) == ("compiled",) * 2 + ("pure",)
    assert beside_pure.why.startswith(engine_native.ENGINE_PURE) and "stale" in beside_pure.why
    so = str(tmp_path / f"projection{EXTENSION_SUFFIXES[0]}")
    assert files == {"souq_fake_a.projection": so, "souq_fake_c.projection": so,
                     "souq_fake_b.projection": str(tmp_path / "projection.py")}


def test_the_rows_digest_covers_every_table_written(tmp_path):
    """TABLES above names every table a durable run writes rows to (a table added to the
    write path later must be compared too)."""
    _write(tmp_path / "t.db", 0, 1000, pure=True)
    conn = sqlite3.connect(tmp_path / "t.db")
    written = {t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
               if conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]}
    assert written <= set(TABLES), sorted(written - set(TABLES))
