"""Run the gateway under uvicorn until Ctrl+C (SIGINT) or SIGTERM: uvicorn stops
accepting, lets in-flight requests finish, then the app's life cycle closes the committer
(after its last transaction), the feed and the audit log."""
import socket
import sys

import uvicorn

from .app import create_app
from .config import GatewayConfig


def run_server(config: GatewayConfig, host: str, port: int) -> None:
    """Serve on host:port (0: a free port). Prints one line with the URL once listening."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound = sock.getsockname()[1]
    app = create_app(config)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                           timeout_graceful_shutdown=10, ws_max_size=65536))
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
