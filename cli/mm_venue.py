"""`souq mm run --venue URL --key ID [--hedge-venue URL --hedge-key ID]`: the remote venues a
run quotes and hedges on, each a gateway client behind mm.venue.remote.RemoteVenue,
each with its dead-man's switch armed (the server cancels the run's orders if this process
dies).

A venue written `ccxt:EXCHANGE[@HOST]` is reached through ccxt instead
(mm.venue.ccxt.CcxtVenue): `ccxt:souq@http://host:8700` is a souq gateway through
souq's own ccxt class (gateway/ccxt_souq.py), any other name one of ccxt's exchanges, with
the key as ccxt's apiKey and the secret as its secret. ccxt has no dead-man's switch."""
import os
import sys
from dataclasses import dataclass, field

import typer

from .context import fail


@dataclass
class Remote:
    venue: object                               # the Venue the runner uses
    switches: list = field(default_factory=list)

    def close(self) -> None:
        for s in self.switches:
            s.close()


def _secret(env: str, what: str) -> str:
    secret = os.environ.get(env)
    if secret:
        return secret
    if not sys.stdin.isatty():
        fail(f"set {env} to the client secret of {what} (no terminal to prompt on)")
    return typer.prompt(f"client secret for {what}", hide_input=True)


def _connect(url: str, key: str | None, env: str, user: str, dead_man: int, remote: Remote,
             option: str):
    from souq.gateway.client import ApiError, SouqClient
    from souq.mm.venue.remote import RemoteVenue
    if not key:
        fail(f"{option} needs its key: {option.replace('venue', 'key')} CLIENT_ID")
    if url.startswith(CCXT):
        return _connect_ccxt(url, key, env, user)
    client = SouqClient(url, key, _secret(env, f"key {key}"))
    try:
        venue = RemoteVenue(client, ApiError, user)
        if not 1 <= dead_man <= 3600:
            fail("--dead-man must be 1 to 3600 seconds")
        remote.switches.append(client.dead_man(dead_man))
    except ApiError as exc:
        client.close()
        fail(f"{url}: {exc.detail}")
    except ConnectionError as exc:
        client.close()
        fail(str(exc))
    return venue


CCXT = "ccxt:"


def _connect_ccxt(venue: str, key: str, env: str, user: str):
    """A CcxtVenue for `ccxt:EXCHANGE[@HOST]`, its markets and balances read once."""
    try:
        import ccxt
    except ImportError:
        fail(f"{venue}: ccxt is not installed (pip install ccxt)")
    from souq.mm.venue.ccxt import CcxtVenue
    name, _, host = venue[len(CCXT):].partition("@")
    config = {"apiKey": key, "secret": _secret(env, f"key {key}")}
    if name == "souq":
        from souq.gateway.ccxt_souq import souq
        if not host:
            fail(f"{venue}: a souq venue through ccxt needs its address: ccxt:souq@http://HOST:PORT")
        cls = souq
        config["hostname"] = host.rstrip("/")
    else:
        cls = getattr(ccxt, name, None)
        if cls is None or not isinstance(cls, type):
            fail(f"{venue}: ccxt has no exchange {name!r}")
        if host:
            config["hostname"] = host
    venue_obj = CcxtVenue(cls(config), user)
    try:                         # a wrong key or address shows now, not at the first quote
        venue_obj.ex.load_markets()
        venue_obj.ex.fetch_balance()
    except ccxt.NetworkError as exc:
        fail(f"{venue}: cannot reach the exchange ({type(exc).__name__})")
    except ccxt.BaseError as exc:
        fail(f"{venue}: {str(exc).splitlines()[0]}")
    if not venue_obj.refresh():
        fail(f"{venue}: cannot reach the exchange")
    return venue_obj


def open_venues(api, name: str, venue: str | None, key: str | None, hedge_venue: str | None,
                hedge_key: str | None, dead_man: int) -> Remote:
    """Log in to the venues named and arm their switches; the runner's venue (a RoutedVenue
    when there is a hedge venue: the run's own symbol on --venue, the rest on the other)."""
    from souq.db import desk
    from souq.mm.venue.routed import RoutedVenue
    if hedge_venue and not venue:
        fail("--hedge-venue needs --venue (where the strategy quotes)")
    cfg = api.read(desk.config, name)
    if cfg is None:
        fail(f"no strategy configuration {name!r}")
    remote = Remote(None)
    try:
        main = _connect(venue, key, "SOUQ_SECRET", cfg["user"], dead_man, remote, "--venue")
        remote.venue = main
        if hedge_venue:
            other = _connect(hedge_venue, hedge_key, "SOUQ_HEDGE_SECRET", cfg["user"], dead_man,
                             remote, "--hedge-venue")
            remote.venue = RoutedVenue(other, {cfg["symbol"]: main})
    except BaseException:
        remote.close()
        raise
    return remote
