"""Fixtures of the CLI tests."""
import pytest

from souq.db.api import Api
from souq.mm.desk.demo_configs import build
from souq_cli import Souq


@pytest.fixture
def desk_souq(tmp_path) -> Souq:
    """The CLI on a fresh demo exchange with every demo strategy configuration."""
    db = tmp_path / "demo.db"
    api = Api(str(db))
    assert all(o.reason is None for o in build(api).outcomes)
    api.close()
    return Souq(db)
