"""The read commands' fast path (db.lite over sqlite3) returns exactly what the full Api
returns, applies the same visibility rule, and steps aside where it does not apply."""
import sqlite3

import pytest

from souq.db import lite, schema
from souq.db.access import AccessDenied
from souq.db.api import Api
from souq.mm.demo import demo_commands, demo_flow


@pytest.fixture(scope="module")
def traded(tmp_path_factory):
    """The demo exchange plus retail flow: trades, partial fills, ledger rows."""
    path = tmp_path_factory.mktemp("lite") / "souq.db"
    api = Api(str(path))
    api.execute_many(demo_commands())
    for obj in demo_flow(count=40):
        api.execute(obj)
    api.close()
    return path


READS = [("orders", {}), ("orders", {"status": "open"}), ("orders", {"status": "filled"}),
         ("orders", {"symbol": "BTC-IRR", "limit": 5}), ("orders", {"user": "alice"}),
         ("trades", {}), ("trades", {"symbol": "BTC-IRR", "limit": 3}),
         ("trades", {"user": "bob"}), ("ledger", {}), ("ledger", {"asset": "BTC", "limit": 7}),
         ("ledger", {"user": "carol"}), ("wallets", {}), ("wallets", {"user": "maker1"}),
         ("symbols", {}), ("symbol", {"name": "ETH-USDT"}), ("symbol", {"name": "NOPE"}),
         ("book", {"symbol": "BTC-IRR", "depth": 3}), ("book", {"symbol": "USDT-IRR"})]


@pytest.mark.parametrize("actor", ["@operator", "alice"])
@pytest.mark.parametrize("method,kw", READS)
def test_the_fast_reader_returns_what_the_api_returns(traded, actor, method, kw):
    api, reader = Api(str(traded), actor), lite.open_reader(str(traded), actor)
    assert reader is not None
    try:
        want = getattr(api, method)(**kw)
    except AccessDenied as exc:
        with pytest.raises(AccessDenied, match=str(exc)):
            getattr(reader, method)(**kw)
    else:
        assert getattr(reader, method)(**kw) == want
    finally:
        api.close()
        reader.close()


def test_the_demo_flow_really_traded(traded):
    reader = lite.open_reader(str(traded))
    assert len(reader.trades()) > 5 and any(o["avg_price"] for o in reader.orders())


def test_an_unknown_user_is_refused_by_both(traded):
    reader = lite.open_reader(f"sqlite:///{traded}", "mallory")
    with pytest.raises(AccessDenied, match="unknown user 'mallory'"):
        reader.wallets()


def test_the_schema_version_is_the_one_the_store_writes():
    assert lite.SCHEMA_VERSION == schema.SCHEMA_VERSION


def test_the_fast_path_steps_aside_where_it_does_not_apply(tmp_path):
    foreign = tmp_path / "foreign.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.commit()
    (tmp_path / "text.db").write_text("not a database")
    for url in (str(tmp_path / "missing.db"), f"sqlite:///{foreign}", str(tmp_path / "text.db"),
                "sqlite://", "sqlite:///:memory:", "postgresql://u@h/db",
                f"sqlite:///{foreign}?timeout=5"):
        assert lite.open_reader(url) is None, url
    assert not (tmp_path / "missing.db").exists()
