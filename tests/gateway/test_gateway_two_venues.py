"""Two venues: the hedger quotes BTC-IRR on one `souq serve` and hedges on XBT-IRR on
another (two servers, two databases, a key on each), through `souq mm run --venue A
--hedge-venue B`. A fill on A makes it hedge on B, at B's prices, as B's user."""
import json
import signal

import pytest

from desk_remote import HANG, desk_db, mm_run, open_orders, wait_until
from gw_kit import Client, Server, make_key
from souq_cli import Souq

pytestmark = pytest.mark.slow
HEDGER = {"bid_spread": "50", "ask_spread": "50", "order_amount": "0.01",
          "order_refresh_time": "0", "max_order_age": "0", "stale_after": "0",
          "max_inventory": "0.02", "hedge_symbol": "XBT-IRR", "hedge_threshold": "0.5",
          "hedge_fraction": "1", "hedge_slippage": "50", "hedge_cooldown": "0"}


@pytest.fixture(scope="module")
def venue_b(tmp_path_factory):
    """A second exchange: XBT-IRR (BTC against IRR), `hedgeacct` to hedge with, and dora's
    bid 99,800,000 and ask 100,200,000 (0.1 each)."""
    cli = Souq(tmp_path_factory.mktemp("venue-b") / "b.db")
    cli.feed({"op": "symbol", "symbol": "XBT-IRR", "base": "BTC", "quote": "IRR",
              "tick_size": "1000", "qty_step": "0.0001", "min_qty": "0.0001",
              "maker_fee": "0", "taker_fee": "0"},
             *({"op": "user", "user": u, "role": r}
               for u, r in (("dora", "trader"), ("hedgeacct", "market_maker"))),
             *({"op": "deposit", "user": u, "asset": a, "amount": n}
               for u in ("dora", "hedgeacct") for a, n in (("BTC", "1"), ("IRR", "1000000000"))))
    cli.ok("order", "place", "XBT-IRR", "buy", "0.1", "-p", "99800000", as_user="dora")
    cli.ok("order", "place", "XBT-IRR", "sell", "0.1", "-p", "100200000", as_user="dora")
    s = Server(cli, "--rate", "0")
    yield s
    code, err = s.stop()
    assert code == 0 and err == "", (code, err)


def test_the_hedger_quotes_on_one_venue_and_hedges_on_the_other(server, venue_b, maker,
                                                                clients, tmp_path):
    hedge_key = make_key(venue_b.cli, "hedgeacct")
    local = desk_db(tmp_path, "hedge", template="hedger", params=HEDGER)
    a, b = Client(server, maker), Client(venue_b, hedge_key)
    proc = mm_run(local, "hedge", server.url, maker, "--hedge-venue", venue_b.url,
                  "--hedge-key", hedge_key["client_id"], "--json", "--duration", "600",
                  env={"SOUQ_HEDGE_SECRET": hedge_key["client_secret"]})
    try:
        want = [("buy", "99500000", "0.01"), ("sell", "100500000", "0.01")]
        wait_until("quotes on venue A", lambda: [o[:3] for o in open_orders(a)] == want, proc)
        assert open_orders(b) == []
        # bob sells 0.01 into the maker's bid on A: inventory 0.01 = 0.5 x max_inventory
        r = clients["bob"].post("/orders", json={"symbol": "BTC-IRR", "side": "sell",
                                                 "type": "limit", "price": "99500000",
                                                 "quantity": "0.01"})
        assert r.status_code == 201 and r.json()["status"] == "filled", r.text
        # ... so it sells 0.01 on B, into dora's bid (inside the 50 bps slippage)
        wait_until("a hedge on venue B", lambda: b.get("/trades").json() != [], proc)
        (hedge,) = b.get("/trades").json()
        assert (hedge["symbol"], hedge["taker_user"], hedge["taker_side"], hedge["price"],
                hedge["quantity"]) == ("XBT-IRR", "hedgeacct", "sell", "99800000", "0.01")
        assert a.get("/trades").json()[0]["maker_user"] == "maker"
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=HANG)
    assert proc.returncode == 0, err
    rep = json.loads(out)
    assert (rep["name"], rep["state"], rep["inventory"]) == ("hedge", "stopped", "0.01")
    wallets = {w["asset"]: w["balance"] for w in b.get("/wallets").json()}
    assert wallets == {"BTC": "0.99", "IRR": "1000998000"}
    assert open_orders(a) == [] and open_orders(b) == []
