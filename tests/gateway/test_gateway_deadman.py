"""Cancel on disconnect: a runner that armed the dead-man's switch and is killed with
kill -9 has its orders cancelled; one that merely goes silent too."""
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from websockets.sync.client import connect

from gw_kit import Client

pytestmark = pytest.mark.slow
RUNNER = Path(__file__).with_name("deadman_runner.py")


def wait_for_status(client, order_id: str, status: str) -> dict:
    """Poll the order until it has `status` (the switch fires on the server's own time)."""
    sub = connect(client.server.ws_url, open_timeout=120)
    sub.send(json.dumps({"op": "auth", "token": client.tokens["access_token"]}))
    sub.send(json.dumps({"op": "subscribe", "channel": "orders"}))
    try:
        while True:
            o = client.get(f"/orders/{order_id}").json()
            if o["status"] == status:
                return o
            sub.recv(timeout=120)      # the next order update (or the snapshot) for this user
    finally:
        sub.close()


def test_kill_9_cancels_the_runners_orders(server, keys):
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.Popen([sys.executable, str(RUNNER), server.url, keys["carol"]["client_id"],
                             keys["carol"]["client_secret"], "600"], stdout=subprocess.PIPE,
                            text=True, env=env, stdin=subprocess.DEVNULL)
    line = proc.stdout.readline().split()
    assert line[:1] == ["armed"], line
    carol = Client(server, keys["carol"])
    assert carol.get(f"/orders/{line[1]}").json()["status"] == "active"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    o = wait_for_status(carol, line[1], "cancelled")
    assert o["reason"] == "cancelled by user (cancel all)"


def test_silence_past_the_timeout_cancels(server, keys):
    bob = Client(server, keys["bob"])
    r = bob.post("/orders", json={"symbol": "BTC-IRR", "side": "sell", "price": "104500000",
                                  "quantity": "0.02"})
    oid = r.json()["order_id"]
    ws = connect(server.ws_url, open_timeout=120)
    ws.send(json.dumps({"op": "auth", "token": bob.tokens["access_token"]}))
    ws.send(json.dumps({"op": "cancel_on_disconnect", "timeout": 1}))
    # then nothing: the server closes the socket and cancels
    o = wait_for_status(bob, oid, "cancelled")
    assert o["status"] == "cancelled"
    ws.close()


def test_the_switch_needs_auth_and_a_sane_timeout(server, keys):
    ws = connect(server.ws_url, open_timeout=120)
    ws.send(json.dumps({"op": "cancel_on_disconnect", "timeout": 5}))
    assert json.loads(ws.recv(timeout=120))["detail"] == "cancel_on_disconnect needs auth first"
    reader = Client(server, keys["alice_read"])
    ws.send(json.dumps({"op": "auth", "token": reader.tokens["access_token"]}))
    assert json.loads(ws.recv(timeout=120))["type"] == "authenticated"
    ws.send(json.dumps({"op": "cancel_on_disconnect", "timeout": 0}))
    assert "1 to 3600" in json.loads(ws.recv(timeout=120))["detail"]
    ws.send(json.dumps({"op": "cancel_on_disconnect", "timeout": 5}))
    assert "scope 'read' may not cancel orders" in json.loads(ws.recv(timeout=120))["detail"]
    ws.close()
