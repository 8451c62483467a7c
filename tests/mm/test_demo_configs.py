"""mm/desk/demo_configs.py: the demo database ships one ready configuration per template,
each on a demo symbol as its own funded market-maker user, and the demo market is the same."""
import toy_template  # noqa: F401  (registers the `toy` template)
from souq.db import desk as D
from souq.db import queries as Q
from souq.db.api import Api
from souq.mm.demo import FUNDS, SYMBOLS, demo_commands
from souq.mm.desk import demo_configs as DC
from souq.mm.desk.strategy import templates


def test_every_registered_template_gets_a_ready_configuration(tmp_path):
    api = Api(str(tmp_path / "demo.db"), clock=lambda: 7)
    batch = DC.build(api)
    assert all(o.reason is None for o in batch.outcomes)
    cfgs = api.read(D.configs)
    assert sorted(c["template"] for c in cfgs) == sorted(templates())
    assert len({c["user"] for c in cfgs}) == len(cfgs)          # each its own user
    for c in cfgs:
        assert (c["version"], c["stage"], c["note"]) == (1, "paper", "demo")
        cls = templates()[c["template"]]
        assert set(c["params"]) == {p.name for p in cls.spec()}
        assert api.read(Q.user, c["user"])["role"] == "market_maker"
        assert {w["asset"]: w["balance"] for w in api.read(Q.wallets, user=c["user"])} == FUNDS
        for key, value in DC.SIZING[c["symbol"]].items():
            assert c["params"][key] == value
    toy = api.read(D.config, "toy")
    assert (toy["symbol"], toy["user"]) == ("BTC-IRR", "mm-toy")
    # the visible demo market is built first and unchanged
    with api.db.connect() as conn:
        first = conn.exec_driver_sql("select count(*) from journal").scalar()
    assert first == len(demo_commands()) + 5 * len(cfgs)
    api.close()


def test_the_demo_table_fits_the_demo_symbols():
    symbols = {s["symbol"] for s in SYMBOLS}
    assert set(DC.SIZING) == symbols
    names = [v[0] for v in DC.DEMO.values()]
    users = [v[2] for v in DC.DEMO.values()]
    assert len(set(names)) == len(names) and len(set(users)) == len(users)
    assert {v[1] for v in DC.DEMO.values()} == symbols
