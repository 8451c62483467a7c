"""API keys, login sessions and the request audit log of the network gateway.

The db layer owns these tables (db/schema.py). Secrets are stored only as argon2 hashes
(argon2-cffi, RFC 9106 defaults); a client secret is shown once, when its key is made.
"""
import secrets
import time

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import desc, select, update

from souq.engine.model import ADMIN
from souq.engine.permissions import ADMIN_SCOPE, SCOPES

from . import queries as Q
from . import schema as S
from .authgen import bump_auth_generation
from .sql import Bulk

K, SS, AU = S.ApiKey, S.ApiSession, S.AuditRow
_hasher = PasswordHasher()
JWT_SECRET_KEY = "gateway_jwt_secret"


class KeyRefused(ValueError):
    """A key request that cannot be met (unknown user, bad scope, unknown key)."""


def create_key(engine, user: str, scope: str, ts: int | None = None) -> tuple[str, str]:
    """Make an API key for `user`; returns (client_id, client_secret). The secret is not
    stored, only its argon2 hash. Raises KeyRefused for an unknown user or a bad scope."""
    if scope not in SCOPES:
        raise KeyRefused(f"scope {scope!r} is not one of {', '.join(SCOPES)}")
    with engine.connect() as conn:
        row = Q.user(conn, user)
    if row is None:
        raise KeyRefused(f"unknown user {user!r}")
    if scope == ADMIN_SCOPE and row["role"] != ADMIN:
        raise KeyRefused(f"scope 'admin' needs an admin user; {user} is a {row['role']}")
    client_id = "sk_" + secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(K.__table__.insert().values(
            client_id=client_id, user=user, scope=scope, secret_hash=_hasher.hash(secret),
            created_ts=ts or time.time_ns()))
    return client_id, secret


def keys(conn, user: str | None = None) -> list[dict]:
    """Every key (or one user's), oldest first, without the hash."""
    q = select(K.client_id, K.user, K.scope, K.created_ts, K.revoked_ts).order_by(K.created_ts)
    if user is not None:
        q = q.where(K.user == user)
    return [dict(r) for r in conn.execute(q).mappings()]


def key(conn, client_id: str) -> dict | None:
    r = conn.execute(select(K).where(K.client_id == client_id)).mappings().first()
    return dict(r) if r else None


def revoke_key(engine, client_id: str, ts: int | None = None) -> None:
    """Revoke a key and every session it opened. Raises KeyRefused for an unknown key."""
    now = ts or time.time_ns()
    with engine.begin() as conn:
        done = conn.execute(update(K).where(K.client_id == client_id, K.revoked_ts.is_(None))
                            .values(revoked_ts=now)).rowcount
        if not done:
            found = conn.execute(select(K.client_id).where(K.client_id == client_id)).first()
            raise KeyRefused(f"API key {client_id!r} is already revoked" if found
                            else f"unknown API key {client_id!r}")
        conn.execute(update(SS).where(SS.client_id == client_id, SS.revoked_ts.is_(None))
                     .values(revoked_ts=now))
        bump_generation(conn)


def verify_secret(row: dict | None, secret: str) -> bool:
    """True when `secret` matches the key row's hash (constant-time, argon2)."""
    if row is None:
        _hasher.hash(secret)    # the same work for an unknown id: no timing oracle
        return False
    try:
        return _hasher.verify(row["secret_hash"], secret)
    except (VerificationError, InvalidHashError):
        return False


def jwt_secret(engine) -> str:
    """The database's own token-signing secret, made on first use."""
    with engine.begin() as conn:
        row = conn.execute(select(S.Meta.value).where(S.Meta.key == JWT_SECRET_KEY)).first()
        if row:
            return row[0]
        value = secrets.token_hex(32)
        conn.execute(S.Meta.__table__.insert().values(key=JWT_SECRET_KEY, value=value))
        return value


# ---------------------------------------------------------------- auth generation
_BULK: dict = {}      # dialect -> Bulk, for the generation's statements


def bump_generation(conn) -> None:
    """db.authgen.bump_auth_generation in a SQLAlchemy connection's transaction."""
    bulk = _BULK.get(conn.dialect) or _BULK.setdefault(conn.dialect, Bulk(conn.dialect))
    bump_auth_generation(conn.connection.dbapi_connection.cursor(), bulk)


# ---------------------------------------------------------------- login sessions
def open_session(engine, client_id: str, refresh_jti: str, ts: int, expires_ts: int) -> str:
    sid = secrets.token_hex(12)
    with engine.begin() as conn:
        conn.execute(SS.__table__.insert().values(id=sid, client_id=client_id,
                                                  refresh_jti=refresh_jti, created_ts=ts,
                                                  expires_ts=expires_ts))
    return sid


#: refresh_jti of a session ended because a refresh token was presented twice
REUSED = "reused"


def rotate_session(engine, sid: str, used_jti: str, new_jti: str, expires_ts: int,
                   ts: int) -> bool:
    """Move the session's refresh token on, only if `used_jti` is its current one.
    A refresh token presented twice fails here (and the session is revoked: whoever
    holds a copy is not its owner; its refresh_jti becomes REUSED, so its tokens say why)."""
    with engine.begin() as conn:
        done = conn.execute(update(SS).where(
            SS.id == sid, SS.refresh_jti == used_jti, SS.revoked_ts.is_(None),
            SS.expires_ts > ts).values(refresh_jti=new_jti, expires_ts=expires_ts)).rowcount
        if not done:
            conn.execute(update(SS).where(SS.id == sid, SS.revoked_ts.is_(None))
                         .values(revoked_ts=ts, refresh_jti=REUSED))
            bump_generation(conn)
    return bool(done)


def revoke_session(engine, sid: str, ts: int) -> None:
    with engine.begin() as conn:
        conn.execute(update(SS).where(SS.id == sid, SS.revoked_ts.is_(None)).values(revoked_ts=ts))
        bump_generation(conn)


def principal(conn, sid: str, client_id: str) -> dict | None:
    """What a token's session stands for right now: key, user, role, status, and whether
    key or session were revoked. None when either is unknown."""
    r = conn.execute(select(K.client_id, K.user, K.scope, K.revoked_ts.label("key_revoked"),
                            SS.revoked_ts.label("session_revoked"),
                            SS.refresh_jti.label("session_jti"), S.UserRow.role,
                            S.UserRow.status)
                     .join(SS, SS.client_id == K.client_id)
                     .join(S.UserRow, S.UserRow.name == K.user, isouter=True)
                     .where(SS.id == sid, K.client_id == client_id)).mappings().first()
    return dict(r) if r else None


# ---------------------------------------------------------------- audit log
AUDIT_COLS = ("ts", "request_id", "client_id", "user", "method", "route", "status",
              "latency_us", "peer")


def add_audit(engine, rows: list) -> None:
    """Append audit rows (tuples in AUDIT_COLS order, or dicts with those keys) in one
    transaction."""
    if rows:
        with engine.begin() as conn:
            conn.execute(AU.__table__.insert(), [r if type(r) is dict else dict(zip(AUDIT_COLS, r))
                                                 for r in rows])


def audit(conn, *, user: str | None = None, client_id: str | None = None,
          status: int | None = None, limit: int | None = 100) -> list[dict]:
    """Audit rows, newest `limit`, oldest first."""
    q = select(AU)
    if user is not None:
        q = q.where(AU.user == user)
    if client_id is not None:
        q = q.where(AU.client_id == client_id)
    if status is not None:
        q = q.where(AU.status == status)
    q = q.order_by(desc(AU.id))
    if limit:
        q = q.limit(limit)
    rows = [dict(r) for r in conn.execute(q).mappings()]
    rows.reverse()
    return rows
