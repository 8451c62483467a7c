"""A market maker's runner for the dead-man's-switch test: logs in, rests an order, arms
cancel-on-disconnect over /ws, says "armed" and waits to be killed with kill -9."""
import json
import sys
import time

from websockets.sync.client import connect

from souq.gateway.client import SouqClient

url, client_id, secret, timeout = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
souq = SouqClient(url, client_id, secret)
order = souq.place_order("BTC-IRR", "sell", "0.05", price="104000000", client_order_id="dms-1")
ws = connect(url.replace("http://", "ws://") + "/ws", open_timeout=120)
ws.send(json.dumps({"op": "auth", "token": souq.tokens["access_token"]}))
ws.send(json.dumps({"op": "cancel_on_disconnect", "timeout": timeout}))
while json.loads(ws.recv(timeout=120)).get("type") != "cancel_on_disconnect":
    pass
print("armed", order["order_id"], flush=True)
while True:
    time.sleep(3600)
