"""Fixtures for the workstation tests; the factory itself lives in tui_harness.py."""
import shutil
from pathlib import Path

import pytest

from souq.db.api import Api
from souq.mm.demo import demo_commands
from tui_harness import DB_NAME, Workstation, frozen_clock


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo exchange, built once through the API with the frozen clock."""
    path = tmp_path_factory.mktemp("demo") / DB_NAME
    api = Api(str(path), clock=frozen_clock)
    api.execute_many(demo_commands())
    api.close()
    return path


def _isolate(tmp_path: Path, monkeypatch) -> Workstation:
    """tmp_path becomes the working directory and holds the settings file."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOUQ_CONFIG", str(tmp_path / "settings.json"))
    monkeypatch.delenv("SOUQ_DB", raising=False)
    return Workstation(tmp_path)


@pytest.fixture
def workstation(demo_template, tmp_path, monkeypatch) -> Workstation:
    """A fresh copy of the demo exchange."""
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(demo_template) + suffix)
        if src.exists():
            shutil.copy(src, str(tmp_path / DB_NAME) + suffix)
    return _isolate(tmp_path, monkeypatch)


@pytest.fixture
def empty_workstation(tmp_path, monkeypatch) -> Workstation:
    """No database yet: the app must build the demo exchange itself."""
    return _isolate(tmp_path, monkeypatch)


@pytest.fixture(autouse=True)
def only_real_templates(monkeypatch):
    """Test-only strategy templates (tests/mm, tests/cli) register themselves for good in
    the worker process that imports them; the screens show the demo's real ones only."""
    import souq.mm.desk.strategy as strategy
    import souq.mm.strategies  # noqa: F401  (registers the real templates)
    real = {k: v for k, v in strategy.TEMPLATES.items()
            if v.__module__.startswith("souq.mm.strategies.")}
    monkeypatch.setattr(strategy, "TEMPLATES", real)
