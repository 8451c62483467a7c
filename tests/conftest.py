"""Fixtures shared by tests/cli and tests/db; the runner itself lives in souq_cli.py."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from market_setup import MARKET_SETUP
from souq_cli import SOUQ, Souq  # noqa: F401  (re-exported for fixtures below)


@pytest.fixture(scope="session", autouse=True)
def _bytecode_cache(tmp_path_factory):
    Souq.pycache = tmp_path_factory.mktemp("pycache")
    subprocess.run(SOUQ + ["--help"], env=Souq(Souq.pycache / "none.db").env(),
                   capture_output=True, timeout=300)


@pytest.fixture
def souq(tmp_path) -> Souq:
    """The CLI on a fresh database file in tmp_path."""
    return Souq(tmp_path / "souq.db")


# The market most CLI tests start from: built once by a real `souq replay`, then copied.
@pytest.fixture(scope="session")
def market_template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("market")
    stream = folder / "setup.jsonl"
    stream.write_text("".join(json.dumps(c) + "\n" for c in MARKET_SETUP))
    cli = Souq(folder / "market.db")
    cli.ok("replay", stream)
    return cli.db


@pytest.fixture
def market(market_template, tmp_path) -> Souq:
    """BTC-IRR (tick 1000, step 0.0001, band 5 % around 100,000,000, fees 0.1 %/0.2 %) and
    traders alice, bob and carol, each with 10 BTC and 2,000,000,000 IRR; an empty book."""
    db = tmp_path / "souq.db"
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(market_template) + suffix)
        if src.exists():
            shutil.copy(src, str(db) + suffix)
    return Souq(db)
