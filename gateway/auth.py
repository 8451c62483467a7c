"""Logins and tokens: API key secrets checked against their argon2 hash, JWTs (HS256,
RFC 7519) signed with the database's own secret, refresh tokens that rotate.

A token names its login session (`sid`) and key (`cid`), looked up with the user, so
revoking a key, logging out or suspending the user stops its tokens at once. A token once
checked is remembered with the database's auth generation (db.apikeys), which every such
change moves on, in any process: a request reads only that one value, and a token is
checked again in full whenever it changed.
"""
import asyncio
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import jwt

from souq.db import apikeys as access
from souq.db.authgen import read_auth_generation
from souq.db.sql import Bulk
from souq.engine.model import SUSPENDED
from souq.engine.permissions import refusal

from .config import GatewayConfig
from .problems import Problem

ALGORITHM = "HS256"
ISSUER = "souq"
CACHE_MAX = 10_000     # tokens remembered; past that the memory starts again


@dataclass(frozen=True)
class Principal:
    """Who a request acts as: the key, its scope, the user and the user's role."""
    client_id: str
    scope: str
    user: str
    role: str
    sid: str

    def refuse(self, action: str) -> str | None:
        """Why this key and user may not take `action` (None: they may)."""
        return refusal(action, self.user, self.role, self.scope)

    def require(self, action: str) -> None:
        """Raise a 403 problem unless this key and user may take `action`."""
        reason = self.refuse(action)
        if reason:
            raise Problem(403, reason)


class Lockout:
    """Failed logins per client id: `limit` failures inside `window` seconds lock the id
    for `window` seconds. `on_lock(client_id)` is told once per lock."""

    def __init__(self, limit: int, window: float, on_lock, clock=time.monotonic) -> None:
        self.limit, self.window, self.on_lock, self.clock = limit, window, on_lock, clock
        self._fails: dict[str, list[float]] = {}
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()

    def locked_for(self, client_id: str) -> float:
        """Seconds the id stays locked (0: not locked)."""
        with self._lock:
            left = self._until.get(client_id, 0) - self.clock()
            return left if left > 0 else 0.0

    def failed(self, client_id: str) -> None:
        now = self.clock()
        with self._lock:
            fails = [t for t in self._fails.get(client_id, []) if now - t < self.window]
            fails.append(now)
            self._fails[client_id] = fails
            locked = len(fails) >= self.limit
            if locked:
                self._until[client_id] = now + self.window
                self._fails[client_id] = []
        if locked:
            self.on_lock(client_id, len(fails))

    def succeeded(self, client_id: str) -> None:
        with self._lock:
            self._fails.pop(client_id, None)


class GroupedReads:
    """A blocking read (`read()`, of the database) for coroutines of one event loop: off
    the loop, on a thread of its own, and shared. Each caller gets a read that began after
    it asked; callers asking while a read runs share the next one, so a burst of requests
    costs one read and no thread of its own each."""

    def __init__(self, read) -> None:
        self._read = read
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="souq-auth-read")
        self._next: asyncio.Future | None = None      # the read not begun yet
        self._running = False

    async def value(self):
        fut = self._next
        if fut is None:
            fut = self._next = asyncio.get_running_loop().create_future()
            if not self._running:
                self._begin()
        return await asyncio.shield(fut)    # a caller cancelled leaves the others theirs

    def _begin(self) -> None:
        fut, self._next = self._next, None
        self._running = True
        loop = fut.get_loop()
        self._pool.submit(self._read).add_done_callback(
            lambda done: loop.call_soon_threadsafe(self._ended, fut, done))

    def _ended(self, fut: asyncio.Future, done) -> None:
        self._running = False
        if not fut.done():
            exc = done.exception()
            if exc is None:
                fut.set_result(done.result())
            else:
                fut.set_exception(exc)
        if self._next is not None:
            self._begin()

    def close(self) -> None:
        self._pool.shutdown(wait=True)


class Tokens:
    def __init__(self, engine, config: GatewayConfig, on_lock) -> None:
        self.engine = engine
        self.config = config
        self.secret = access.jwt_secret(engine)
        self.lockout = Lockout(config.login_failures, config.lockout_s, on_lock)
        # token -> (principal, its exp in s since the epoch, the auth generation it was
        # checked at); read and written under the GIL, each a single dict operation
        self._checked: dict[str, tuple[Principal, int, str | None]] = {}
        self._bulk = Bulk(engine.dialect)
        self._gen_lock = threading.Lock()
        self._gen_raw = None
        self._reads = GroupedReads(self.generation)
        with engine.begin() as conn:
            if self._read_generation(conn.connection.dbapi_connection.cursor()) is None:
                access.bump_generation(conn)

    # ---------------------------------------------------------------- issuing
    def login(self, client_id: str, client_secret: str) -> dict:
        """Trade a key's id and secret for tokens. Raises 401/403/429 problems. The access
        token is remembered as checked (as `authenticate` would remember it at its first
        use), so the first request with it may take the fast path too."""
        generation = self.generation()       # read before the checks, as authenticate
        left = self.lockout.locked_for(client_id)
        if left:
            raise Problem(429, f"client id {client_id} is locked after repeated failed logins; "
                               f"try again in {int(left) + 1} s",
                          headers={"Retry-After": str(int(left) + 1)})
        with self.engine.connect() as conn:
            row = access.key(conn, client_id)
        if not access.verify_secret(row, client_secret) or row["revoked_ts"] is not None:
            self.lockout.failed(client_id)
            raise Problem(401, "unknown client id or wrong client secret")
        self.lockout.succeeded(client_id)
        self._user_ok(row["user"])
        now = time.time_ns()
        jti = secrets.token_hex(12)
        sid = access.open_session(self.engine, client_id, jti, now,
                                  now + self.config.refresh_ttl * 10**9)
        pair = self._pair(sid, row, jti)
        pair["user_id"] = row["user"]
        self._remember(pair["access_token"], generation)
        return pair

    def refresh(self, token: str) -> dict:
        """Rotate: the refresh token is spent and a new pair issued. Raises 401."""
        claims = self._decode(token, "refresh")
        new_jti = secrets.token_hex(12)
        now = time.time_ns()
        if not access.rotate_session(self.engine, claims["sid"], claims["jti"], new_jti,
                                     now + self.config.refresh_ttl * 10**9, now):
            raise Problem(401, "the refresh token was already used or its session ended; "
                               "log in again")
        p = self.principal_of(claims)
        return self._pair(p.sid, {"client_id": p.client_id, "user": p.user, "scope": p.scope},
                          new_jti)

    def logout(self, p: Principal) -> None:
        access.revoke_session(self.engine, p.sid, time.time_ns())

    def _pair(self, sid: str, key: dict, refresh_jti: str) -> dict:
        now = int(time.time())
        base = {"iss": ISSUER, "sub": key["user"], "cid": key["client_id"], "scope": key["scope"],
                "sid": sid, "iat": now}
        access_token = jwt.encode({**base, "typ": "access", "jti": secrets.token_hex(12),
                                   "exp": now + self.config.access_ttl}, self.secret, ALGORITHM)
        refresh_token = jwt.encode({**base, "typ": "refresh", "jti": refresh_jti,
                                    "exp": now + self.config.refresh_ttl}, self.secret, ALGORITHM)
        return {"access_token": access_token, "refresh_token": refresh_token,
                "token_type": "Bearer", "expires_in": self.config.access_ttl,
                "scope": key["scope"]}

    # ---------------------------------------------------------------- checking
    def generation(self) -> str | None:
        """The database's auth generation now (one indexed read on a connection kept for
        it). Raises the driver's error when the database fails."""
        with self._gen_lock:
            if self._gen_raw is None:
                self._gen_raw = self.engine.raw_connection()
            raw = self._gen_raw
            try:
                value = self._read_generation(raw.cursor())
                raw.rollback()          # no transaction left open (PostgreSQL)
            except BaseException:
                self._gen_raw = None
                raw.invalidate()
                raise
            return value

    def _read_generation(self, cur) -> str | None:
        return read_auth_generation(cur, self._bulk)

    def remembered(self, header: str | None) -> Principal | None:
        """The principal of a header whose token was checked before, while nothing about
        keys, sessions or users changed since and it has not expired; None otherwise
        (then `authenticate` checks it in full). Blocks on a database read: on an event
        loop, await `recall` instead."""
        hit = self.unexpired(header)
        return hit[0] if hit is not None and hit[2] == self.generation() else None

    async def recall(self, header: str | None) -> Principal | None:
        """`remembered` for a coroutine: the generation is read off the event loop, one
        read shared by the requests that asked meanwhile (GroupedReads)."""
        hit = self.unexpired(header)
        if hit is None or hit[2] != await self._reads.value():
            return None
        return hit[0]

    def unexpired(self, header: str | None) -> tuple[Principal, int, str | None] | None:
        """(principal, expiry in s since the epoch, the auth generation it was checked at)
        of a header whose token was checked before and has not expired, read from memory
        alone; None otherwise. Whether that generation is still the database's is the
        caller's to check (recall, or Committer.enqueue_async's `generation`)."""
        token = _bearer_token(header)
        hit = self._checked.get(token) if token else None
        return None if hit is None or hit[1] <= time.time() else hit

    def authenticate(self, header: str | None) -> Principal:
        """The principal of an `Authorization: Bearer` header, checked in full (signature,
        expiry, key, session, user) and remembered. Raises a 401/403 problem."""
        if not header:
            raise Problem(401, "missing Authorization header; send 'Authorization: Bearer "
                               "ACCESS_TOKEN' (POST /auth/login gives one)",
                          headers={"WWW-Authenticate": "Bearer"})
        token = _bearer_token(header)
        if token is None:
            raise Problem(401, "the Authorization header must be 'Bearer ACCESS_TOKEN'",
                          headers={"WWW-Authenticate": "Bearer"})
        generation = self.generation()   # read before the checks: a change made while
        return self._remember(token, generation)   # they run is seen by the next request

    def _remember(self, token: str, generation) -> Principal:
        """Check an access token in full (signature, expiry, key, session, user) and
        remember it as checked at `generation`; its principal. Raises 401/403 problems."""
        claims = self._decode(token, "access")
        p = self.principal_of(claims)
        if len(self._checked) >= CACHE_MAX:
            self._checked.clear()
        self._checked[token] = (p, claims["exp"], generation)
        return p

    def close(self) -> None:
        self._reads.close()
        with self._gen_lock:
            if self._gen_raw is not None:
                self._gen_raw.close()
                self._gen_raw = None

    def _decode(self, token: str, typ: str) -> dict:
        try:
            claims = jwt.decode(token, self.secret, algorithms=[ALGORITHM], issuer=ISSUER,
                                options={"require": ["exp", "sub", "sid", "cid", "typ", "jti"]})
        except jwt.ExpiredSignatureError:
            raise Problem(401, f"the {typ} token has expired", headers=_bearer("expired")) from None
        except jwt.InvalidTokenError:
            raise Problem(401, f"the {typ} token is not valid (bad signature or malformed)",
                          headers=_bearer("invalid")) from None
        if claims.get("typ") != typ:
            raise Problem(401, f"{_a(claims.get('typ'))} token was sent where {_a(typ)} token "
                               "belongs", headers=_bearer("wrong type"))
        return claims

    def principal_of(self, claims: dict) -> Principal:
        with self.engine.connect() as conn:
            row = access.principal(conn, claims["sid"], claims["cid"])
        if row is None or row["key_revoked"] is not None:
            raise Problem(401, "the token's API key was revoked", headers=_bearer("revoked"))
        if row["session_revoked"] is not None:
            why = ("its session ended when a refresh token was used a second time; log in "
                   "again" if row["session_jti"] == access.REUSED else "logged out")
            raise Problem(401, f"the token was revoked ({why})", headers=_bearer("revoked"))
        if row["status"] == SUSPENDED:
            raise Problem(403, f"user {row['user']} is suspended")
        if row["role"] is None:
            raise Problem(401, f"the token's user {row['user']!r} no longer exists")
        return Principal(row["client_id"], row["scope"], row["user"], row["role"], claims["sid"])

    def _user_ok(self, user: str) -> None:
        from souq.db import queries as Q
        with self.engine.connect() as conn:
            u = Q.user(conn, user)
        if u is None:
            raise Problem(401, f"the key's user {user!r} does not exist")
        if u["status"] == SUSPENDED:
            raise Problem(403, f"user {user} is suspended")


def _bearer_token(header: str | None) -> str | None:
    """The token of an 'Authorization: Bearer TOKEN' header; None for any other header."""
    if not header:
        return None
    kind, _, token = header.partition(" ")
    token = token.strip()
    return token if kind.lower() == "bearer" and token else None


def _a(word) -> str:
    """The word with its indefinite article: "an access", "a refresh"."""
    word = str(word)
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def _bearer(error: str) -> dict:
    return {"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{error}"'}
