"""Fixtures for the simulator tests: the demo exchange in memory or on disk."""
import pytest

from souq.db.api import Api
from souq.engine.exchange import Exchange
from souq.mm.demo import demo_commands
from simkit import ODD, build


@pytest.fixture
def demo_ex() -> Exchange:
    return build(demo_commands())


@pytest.fixture
def odd_ex() -> Exchange:
    return build(demo_commands() + [ODD])


@pytest.fixture
def demo_api(tmp_path):
    api = Api(str(tmp_path / "sim.db"))
    assert all(o.reason is None for o in api.execute_many(demo_commands()).outcomes)
    yield api
    api.close()
