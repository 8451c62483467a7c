"""The gateway tests' kit: a real `souq serve` subprocess on 127.0.0.1 (an ephemeral
port) and real httpx clients logged in with keys made by the real CLI."""
import json
import re
import subprocess
import threading

import httpx

from souq_cli import Souq

URL_LINE = re.compile(r"souq gateway on (http://\S+) ")


class Server:
    """One gateway subprocess; `url` once it listens; stop() sends Ctrl+C (SIGINT)."""

    def __init__(self, cli: Souq, *args: str) -> None:
        self.cli = cli
        self.log = cli.db.with_name("gateway-audit.log")
        self.proc = cli.popen("serve", "--port", "0", "--log", self.log, *args,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()      # blocks until it listens (or dies)
        match = URL_LINE.search(line)
        if not match:
            self.proc.kill()
            raise AssertionError(f"serve did not start: {line!r} {self.proc.stderr.read()!r}")
        self.url = match.group(1)
        self.ws_url = self.url.replace("http://", "ws://") + "/ws"
        self._drain = threading.Thread(target=self.proc.stdout.read, daemon=True)
        self._drain.start()

    def stop(self) -> tuple[int, str]:
        import signal
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        code = self.proc.wait(timeout=120)
        return code, self.proc.stderr.read()


class Client:
    """httpx against the server as one API key (after login)."""

    def __init__(self, server: Server, key: dict) -> None:
        self.server = server
        self.key = key
        self.http = httpx.Client(base_url=server.url, timeout=120)
        self.tokens = self.login()

    def login(self) -> dict:
        r = self.http.post("/auth/login", json=self.key)
        assert r.status_code == 200, r.text
        return r.json()

    @property
    def auth(self) -> dict:
        return {"Authorization": "Bearer " + self.tokens["access_token"]}

    def get(self, path, **kw):
        return self.http.get(path, headers=self.auth, **kw)

    def post(self, path, **kw):
        return self.http.post(path, headers=self.auth, **kw)

    def delete(self, path, **kw):
        return self.http.delete(path, headers=self.auth, **kw)


def problem(r: httpx.Response, status: int, match: str) -> dict:
    """Assert an RFC 9457 problem of `status` whose one-line detail contains `match`."""
    assert r.status_code == status, f"{r.status_code} {r.text}"
    assert r.headers["content-type"].startswith("application/problem+json"), r.headers
    body = r.json()
    assert body["status"] == status and "\n" not in body["detail"], body
    assert match in body["detail"], f"{match!r} not in {body['detail']!r}"
    return body


def make_key(cli: Souq, user: str, scope: str = "trade") -> dict:
    return json.loads(cli.ok("key", "create", user, "--scope", scope, "--json"))




def apply(book: dict, delta: dict) -> None:
    """A /ws book delta applied to {"bids": {price: quantity}, "asks": ...}."""
    for side in ("bids", "asks"):
        for level in delta[side]:
            if level["quantity"] == "0":
                book[side].pop(level["price"], None)
            else:
                book[side][level["price"]] = level["quantity"]


def levels(msg: dict) -> dict:
    """A /ws book snapshot (or delta) as {"bids": {price: quantity}, "asks": ...}."""
    return {side: {x["price"]: x["quantity"] for x in msg[side]} for side in ("bids", "asks")}
