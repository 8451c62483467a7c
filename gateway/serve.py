"""Run the gateway under uvicorn until Ctrl+C (SIGINT) or SIGTERM: uvicorn stops
accepting, lets in-flight requests finish, then the app's life cycle closes the committer
(after its last transaction), the feed and the audit log."""
import socket
import sys
from importlib.util import find_spec

import uvicorn

from souq.db.collector import prompt_switching

from .app import create_app
from .config import GatewayConfig


def protocols() -> dict:
    """uvicorn's loop, HTTP parser and WebSocket settings: uvloop and httptools (C) when
    installed, as they are with souq's dependencies on Linux and macOS; asyncio and h11
    (pure Python, several times the CPU per request) otherwise. WebSocket messages go
    uncompressed: a feed message is a few hundred bytes on a fast link, and per-message
    deflate cost more CPU per trade than building the message."""
    chosen = {"loop": "asyncio", "http": "h11", "ws": "auto",   # websockets (a dependency)
              "ws_per_message_deflate": False}
    if find_spec("uvloop") is not None:      # Windows: uvloop has no build there
        chosen["loop"] = "uvloop"
    if find_spec("httptools") is not None:
        chosen["http"] = one_write_protocol()
    return chosen


def one_write_protocol():
    """uvicorn's httptools protocol, each response's status line and headers held back and
    sent in one write with the first bytes of its body: uvicorn writes them separately,
    so an order's answer left as two TCP segments and woke its client twice."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class OneWrite(HttpToolsProtocol):
        def on_headers_complete(self) -> None:
            before = self.cycle
            super().on_headers_complete()
            # a new request's cycle (not a WebSocket upgrade), whose ASGI task is only
            # scheduled so far: its writes go through the holder from the first
            if self.cycle is not None and self.cycle is not before:
                self.cycle.transport = HeadHeld(self.cycle.transport)
    return OneWrite


class HeadHeld:
    """A transport for one response: its status line and headers (the first write but a
    `100 Continue`) are held and sent joined with the next write (the body, or its first
    chunk); closing sends what is held first. Everything else is the connection's
    transport's."""

    def __init__(self, real) -> None:
        self._real = real
        self._head: bytes | None = None
        self._joined = False

    def write(self, data: bytes) -> None:
        if self._joined or data.startswith(b"HTTP/1.1 100 "):
            self._real.write(data)
        elif self._head is None:
            self._head = data
        else:
            self._real.write(self._head + data)
            self._head, self._joined = None, True

    def close(self) -> None:
        if self._head is not None:
            self._real.write(self._head)
            self._head, self._joined = None, True
        self._real.close()

    def __getattr__(self, name):
        return getattr(self._real, name)


def run_server(config: GatewayConfig, host: str, port: int) -> None:
    """Serve on host:port (0: a free port). Prints one line with the URL once listening."""
    prompt_switching()      # the committer, the feed and the loop hand work to each other
    # proto IPPROTO_TCP, not the default 0: asyncio turns Nagle off (TCP_NODELAY) only on
    # sockets that say they are TCP, and with Nagle on, a response's body waited for the
    # client's delayed ACK of its headers: 40 ms added to every answer
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM,
                         socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    bound = sock.getsockname()[1]
    app = create_app(config)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                           timeout_graceful_shutdown=10, ws_max_size=65536,
                                           **protocols()))
    url_host = f"[{host}]" if ":" in host else host
    original = server.startup

    async def startup(sockets=None):
        await original(sockets=sockets)
        sys.stdout.write(f"souq gateway on http://{url_host}:{bound} (database {config.url}); "
                         "Ctrl+C stops\n")
        sys.stdout.flush()
    server.startup = startup
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:   # uvicorn re-raises the Ctrl+C it handled: a clean stop
        pass
    sys.stdout.write("souq gateway stopped\n")
