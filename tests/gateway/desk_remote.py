"""The desk against gateways in tests: a local database holding only a strategy
configuration, `souq mm run NAME --venue URL --key ID` as a real subprocess, and polling
waits that give up after HANG seconds."""
import subprocess
import time

from souq.db import desk
from souq.db.api import Api
from gw_kit import Client
from souq_cli import Souq

HANG = 120.0         # seconds: a runner or server that hangs, never a slow machine
QUOTER = {"bid_spread_bps": "50", "ask_spread_bps": "50", "order_amount": "0.01",
          "order_refresh_time": "0", "max_order_age": "0", "stale_after": "0"}


def desk_db(tmp_path, name: str, template="fixed_spread", params=QUOTER, **cfg) -> Souq:
    """A local database holding only the strategy configuration (and, later, its runs)."""
    db = tmp_path / f"{name}.db"
    api = Api(str(db))
    desk.save_config(api.db, name, template, cfg.get("symbol", "BTC-IRR"), "maker", params,
                     time.time_ns(), stage="paper")
    api.close()
    return Souq(db)


def mm_run(local: Souq, name: str, url: str, key: dict, *extra: str, env=None):
    return subprocess.Popen(local.argv(["mm", "run", name, "--venue", url, "--key",
                                        key["client_id"], *extra]),
                            env={**local.env(), "SOUQ_SECRET": key["client_secret"], **(env or {})},
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def open_orders(client: Client) -> list[tuple]:
    return sorted((o["side"], o["price"], o["quantity"], o["client_order_id"].split(".")[0])
                  for o in client.get("/orders", params={"status": "open"}).json())


def wait_until(what, condition, proc=None):
    """Poll `condition()` until true; fails after HANG s or when `proc` exits first."""
    deadline = time.monotonic() + HANG
    while not condition():
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"runner exited {proc.returncode} before {what}: "
                                 f"{proc.stderr.read()}")
        assert time.monotonic() < deadline, f"no {what} within {HANG} s"
        time.sleep(0.05)


