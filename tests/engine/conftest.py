"""Fixtures for the engine tests; the helpers themselves live in engine_harness.py."""
import pytest

from engine_harness import Harness


@pytest.fixture
def h() -> Harness:
    return Harness()


@pytest.fixture
def market(h) -> Harness:
    """BTC-IRR (tick 1000 IRR, step 0.0001 BTC, default fees 0.1 % / 0.2 %, no band) and
    four funded traders: each holds 10 BTC and 1,000,000,000 IRR."""
    h.symbol()
    for name in ("alice", "bob", "carol", "dave"):
        h.user(name)
        h.deposit(name, "BTC", "10")
        h.deposit(name, "IRR", "1000000000")
    h.trades()
    return h
