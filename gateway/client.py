"""A typed Python client for a souq gateway: REST over httpx, streams over websockets.

    from souq.gateway.client import SouqClient
    with SouqClient("http://127.0.0.1:8700", client_id, client_secret) as souq:
        order = souq.place_order("BTC-IRR", "buy", "0.5", price="100000000")
        souq.cancel_order(order["order_id"])

Amounts, prices and quantities go in and come out as decimal strings. Every refusal raises
ApiError with the server's status and its one-sentence detail. An expired access token is
renewed once with the refresh token, transparently.
"""
from typing import Any, Iterator, Optional

import httpx

Json = dict[str, Any]


def transport() -> httpx.HTTPTransport:
    """httpx's transport with TCP_NODELAY: httpx writes a request in several small sends,
    and without it Nagle's algorithm holds the last one back until the server's delayed
    ACK (40 ms on Linux): every request took ~45 ms on loopback, whatever it did."""
    import socket
    return httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])


class ApiError(Exception):
    """The server refused: `status` (HTTP), `detail` (one sentence), `body` (the problem
    document, e.g. with the rejected `order`)."""

    def __init__(self, status: int, detail: str, body: Json | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.body = body or {}


class SouqClient:
    """One API key's session with one gateway. Thread-safe for plain requests (httpx).
    A server that cannot be reached raises ConnectionError (an OSError)."""

    def __init__(self, url: str, client_id: str | None = None, client_secret: str | None = None,
                 *, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.client_id = client_id
        self._secret = client_secret
        self.http = httpx.Client(base_url=self.url, timeout=timeout, transport=transport())
        self.tokens: Json | None = None

    def __enter__(self) -> "SouqClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    # ---------------------------------------------------------------- plumbing
    def _send(self, method: str, path: str, *, auth: bool = True, json: Any = None,
              params: dict | None = None, retry: bool = True) -> Any:
        headers = {}
        if auth:
            if self.tokens is None:
                self.login()
            headers["Authorization"] = "Bearer " + self.tokens["access_token"]
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        try:
            r = self.http.request(method, path, json=json, params=clean, headers=headers)
        except httpx.TransportError as exc:
            raise ConnectionError(f"cannot reach {self.url}: {exc}") from None
        if r.status_code == 401 and auth and retry and "expired" in r.text and self.tokens:
            self.refresh()
            return self._send(method, path, auth=auth, json=json, params=params, retry=False)
        if r.status_code >= 400:
            try:
                body = r.json()
                detail = body.get("detail", r.text)
            except ValueError:
                body, detail = None, r.text or f"HTTP {r.status_code}"
            raise ApiError(r.status_code, detail, body)
        return r.json() if r.content else None

    # ---------------------------------------------------------------- auth
    def login(self) -> Json:
        """Log in with the key; returns (and keeps) the token pair."""
        if not self.client_id or not self._secret:
            raise ApiError(401, "no API key: give client_id and client_secret")
        self.tokens = self._send("POST", "/auth/login", auth=False,
                                 json={"client_id": self.client_id, "client_secret": self._secret})
        return self.tokens

    def refresh(self) -> Json:
        self.tokens = self._send("POST", "/auth/refresh", auth=False,
                                 json={"refresh_token": self.tokens["refresh_token"]})
        return self.tokens

    def logout(self) -> None:
        self._send("POST", "/auth/logout")
        self.tokens = None

    # ---------------------------------------------------------------- users and accounting
    def me(self) -> Json:
        return self._send("GET", "/users/me")

    def users(self) -> list[Json]:
        return self._send("GET", "/users")

    def create_user(self, user_id: str, role: str = "trader") -> Json:
        return self._send("POST", "/users", json={"user_id": user_id, "role": role})

    def suspend(self, user_id: str) -> Json:
        return self._send("POST", f"/users/{user_id}/suspend")

    def reinstate(self, user_id: str) -> Json:
        return self._send("POST", f"/users/{user_id}/reinstate")

    def wallets(self, user_id: str | None = None) -> list[Json]:
        return self._send("GET", "/wallets", params={"user_id": user_id})

    def deposit(self, wallet_id: str, amount: str) -> Json:
        return self._send("POST", f"/wallets/{wallet_id}/deposit", json={"amount": amount})

    def withdraw(self, wallet_id: str, amount: str) -> Json:
        return self._send("POST", f"/wallets/{wallet_id}/withdraw", json={"amount": amount})

    def ledger(self, *, user_id: str | None = None, asset: str | None = None,
               limit: int | None = None) -> list[Json]:
        return self._send("GET", "/ledger", params={"user_id": user_id, "asset": asset,
                                                    "limit": limit})

    # ---------------------------------------------------------------- market data
    def symbols(self) -> list[Json]:
        return self._send("GET", "/symbols", auth=False)

    def sessions(self, symbol: str | None = None) -> list[Json]:
        return self._send("GET", "/sessions", auth=False, params={"symbol": symbol})

    def ticker(self, symbol: str) -> Json:
        return self._send("GET", f"/tickers/{symbol}", auth=False)

    def book(self, symbol: str, depth: int = 10) -> Json:
        return self._send("GET", f"/book/{symbol}", auth=False, params={"depth": depth})

    # ---------------------------------------------------------------- orders and trades
    def place_order(self, symbol: str, side: str, quantity: str, *, price: str | None = None,
                    type: str | None = None, stop_price: str | None = None,
                    time_in_force: str | None = None, stp: str | None = None,
                    client_order_id: str | None = None) -> Json:
        """Place an order; returns it after matching, with its trades. A refused order raises
        ApiError whose body["order"] has status "rejected" and the reason."""
        kind = type or ("limit" if price is not None else "market")
        if stop_price is not None and type is None:
            kind = "stop_limit" if price is not None else "stop_market"
        body = {"symbol": symbol, "side": side, "type": kind, "quantity": quantity}
        for key, value in (("price", price), ("stop_price", stop_price),
                           ("time_in_force", time_in_force), ("stp", stp),
                           ("client_order_id", client_order_id)):
            if value is not None:
                body[key] = value
        return self._send("POST", "/orders", json=body)

    def orders(self, *, symbol: str | None = None, status: str | None = None,
               user_id: str | None = None, limit: int | None = None) -> list[Json]:
        return self._send("GET", "/orders", params={"symbol": symbol, "status": status,
                                                    "user_id": user_id, "limit": limit})

    def order(self, order_id: str) -> Json:
        return self._send("GET", f"/orders/{order_id}")

    def cancel_order(self, order_id: str) -> Json:
        return self._send("DELETE", f"/orders/{order_id}")

    def cancel_all(self, symbol: str | None = None) -> Json:
        return self._send("DELETE", "/orders", params={"symbol": symbol})

    def trades(self, *, symbol: str | None = None, public: bool = False,
               user_id: str | None = None, limit: int | None = None,
               since: str | None = None, until: str | None = None) -> list[Json]:
        """Own fills, or a symbol's public trades (within since..until, ISO-8601 times)."""
        return self._send("GET", "/trades", params={
            "symbol": symbol, "public": "true" if public else None, "user_id": user_id,
            "limit": limit, "since": since, "until": until})

    # ---------------------------------------------------------------- streams
    def stream(self, *subscriptions: Json, authenticate: bool = False,
               timeout: Optional[float] = None) -> Iterator[Json]:
        """Messages from /ws after sending `subscriptions` (e.g. {"channel": "book",
        "symbol": "BTC-IRR"}), authenticating first when asked (for private channels).
        A generator: stop iterating to close the socket."""
        import orjson
        from websockets.sync.client import connect
        ws_url = self.url.replace("http://", "ws://").replace("https://", "wss://") + "/ws"
        with connect(ws_url, open_timeout=timeout or 30) as ws:
            if authenticate:
                if self.tokens is None:
                    self.login()
                ws.send(orjson.dumps({"op": "auth", "token": self.tokens["access_token"]}).decode())
            for sub in subscriptions:
                ws.send(orjson.dumps({"op": "subscribe", **sub}).decode())
            while True:
                yield orjson.loads(ws.recv(timeout=timeout))

    def dead_man(self, timeout: int = 10) -> "DeadMan":
        """Arm cancel-on-disconnect: a WebSocket, kept alive by a ping every timeout/3 s
        from a daemon thread; when this process dies or stalls for `timeout` seconds, the
        server cancels all the key's user's open orders. Close it to disarm (which, as a
        disconnect, also cancels them)."""
        return DeadMan(self, timeout)


class DeadMan:
    """The armed switch of SouqClient.dead_man; `close()` ends it."""

    def __init__(self, client: SouqClient, timeout: int) -> None:
        import threading
        import orjson
        from websockets.sync.client import connect
        if client.tokens is None:
            client.login()
        ws_url = client.url.replace("http://", "ws://").replace("https://", "wss://") + "/ws"
        self.ws = connect(ws_url, open_timeout=30)
        self.ws.send(orjson.dumps({"op": "auth", "token": client.tokens["access_token"]}).decode())
        self.ws.send(orjson.dumps({"op": "cancel_on_disconnect", "timeout": timeout}).decode())
        while True:
            msg = orjson.loads(self.ws.recv(timeout=30))
            if msg.get("type") == "cancel_on_disconnect":
                break
            if msg.get("type") == "error":
                self.ws.close()
                raise ApiError(400, msg.get("detail") or msg.get("message") or str(msg), msg)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, args=(max(timeout / 3, 0.2),),
                                        daemon=True, name="souq-dead-man")
        self._thread.start()

    def _beat(self, every: float) -> None:
        import orjson
        ping = orjson.dumps({"op": "ping"}).decode()
        while not self._stop.wait(every):
            try:
                self.ws.send(ping)
                while True:             # drain the pongs so the socket's buffer stays empty
                    self.ws.recv(timeout=0)
            except TimeoutError:
                continue
            except Exception:           # closed: the server has (or will have) cancelled
                return

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self.ws.close()
