"""`souq key create|list|revoke`, `souq audit` and `souq serve`: the network gateway's
credentials, its request log, and the server itself."""
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

import typer

from souq.db import apikeys as access
from souq.engine.permissions import SCOPES

from .context import admin_api, State, fail, guarded, out, print_json
from .views import known

key_app = typer.Typer(help="API keys for the network gateway (souq serve).", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(key_app, name="key")
    app.command("audit")(audit)
    app.command("serve")(serve)


def _when(ns: int | None) -> str:
    if ns is None:
        return ""
    return datetime.fromtimestamp(ns / 1e9, timezone.utc).isoformat(timespec="seconds")


@key_app.command("create")
def key_create(user: str,
               scope: str = typer.Option("trade", "--scope", help=" | ".join(SCOPES)),
               json: bool = typer.Option(False, "--json")) -> None:
    """Issue an API key for USER; the secret is shown once and never stored (admin)."""
    with guarded():
        api = admin_api("manage API keys")
        try:
            client_id, secret = access.create_key(api.db, user, scope)
        except access.KeyRefused as exc:
            fail(str(exc))
        if json:
            print_json({"client_id": client_id, "client_secret": secret})
            return
        out.print(f"client_id:     {client_id}\nclient_secret: {secret}\n"
                  f"scope {scope} for {user}; the secret is shown only now", markup=False)


@key_app.command("list")
def key_list(user: Optional[str] = typer.Option(None, "--user"),
             json: bool = typer.Option(False, "--json")) -> None:
    """List API keys (never their secrets) (admin)."""
    with guarded():
        api = admin_api("manage API keys")
        known(api, user=user)
        rows = api.read(access.keys, user)
        if json:
            print_json(rows)
            return
        from .views import _table
        _table("API keys", ("client_id", "user", "scope", "created", "revoked"),
               ([r["client_id"], r["user"], r["scope"], _when(r["created_ts"]),
                 _when(r["revoked_ts"])] for r in rows))


@key_app.command("revoke")
def key_revoke(client_id: str) -> None:
    """Revoke an API key; its tokens stop working at once (admin)."""
    with guarded():
        api = admin_api("manage API keys")
        try:
            access.revoke_key(api.db, client_id)
        except access.KeyRefused as exc:
            fail(str(exc))
        out.print(f"API key {client_id} revoked")


def audit(user: Optional[str] = typer.Option(None, "--user"),
          client_id: Optional[str] = typer.Option(None, "--key", help="One API key's requests."),
          status: Optional[int] = typer.Option(None, "--status", min=100, max=599),
          limit: int = typer.Option(100, "--limit", min=1, help="Newest N only."),
          json: bool = typer.Option(False, "--json")) -> None:
    """The gateway's request log: who called which route, its status and latency (admin)."""
    with guarded():
        api = admin_api("read the audit log")
        known(api, user=user)
        rows = api.read(access.audit, user=user, client_id=client_id, status=status, limit=limit)
        if json:
            print_json(rows)
            return
        from souq.mm.display import number
        from .views import _table
        _table("audit", ("time", "request", "key", "user", "method", "route", "status", "µs"),
               ([_when(r["ts"]), r["request_id"], r["client_id"], r["user"], r["method"],
                 r["route"], r["status"], number(r["latency_us"], 0)] for r in rows),
               right=("status", "µs"))


def serve(host: str = typer.Option("127.0.0.1", "--host"),
          port: int = typer.Option(8700, "--port", min=0, max=65535,
                                   help="0 picks a free port (printed on start)."),
          rate: float = typer.Option(50.0, "--rate", min=0,
                                     help="Requests per second per key (0: no limit)."),
          burst: int = typer.Option(100, "--burst", min=1, help="Requests a key may burst."),
          max_body: int = typer.Option(65536, "--max-body", min=256,
                                       help="Largest request body in bytes."),
          log: Optional[Path] = typer.Option(None, "--log",
                                             help="Audit log file (rotating; default beside "
                                                  "the database or in the data directory)."),
          ) -> None:
    """Run the REST and WebSocket gateway on the database until Ctrl+C."""
    with guarded():
        from souq.gateway.config import GatewayConfig
        from souq.gateway.serve import run_server
        api = State.api()
        _ = api.db          # a foreign or broken database fails here, as one line
        config = GatewayConfig(url=api.url, rate=rate, burst=burst, max_body=max_body,
                               log_path=log)
        run_server(config, host, port)
