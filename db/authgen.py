"""The auth generation: one value in `meta` that every change to who may act moves on (a
key revoked, a login session ended, a user added, suspended or reinstated), inside the
transaction making the change, from any process. A gateway remembers each token it
checked with the generation it saw, and checks it again whenever the value moved
(gateway.auth). Written and read here only, through a raw DBAPI cursor."""
import secrets

from sqlalchemy import bindparam, select

from . import schema as S
from .sql import Bulk

AUTH_GENERATION_KEY = S.AUTH_GENERATION_KEY
_META = S.Meta.__table__


def bump_auth_generation(cur, bulk: Bulk) -> None:
    """Move the generation on in the transaction `cur` (a DBAPI cursor) is in."""
    value = secrets.token_hex(8)
    if not Bulk.run(cur, bulk.update(_META, ("key",), ("value",)), [(value, AUTH_GENERATION_KEY)]):
        Bulk.run(cur, bulk.insert(_META, ("key", "value")), [(AUTH_GENERATION_KEY, value)])


def read_auth_generation(cur, bulk: Bulk) -> str | None:
    """The generation now (one primary-key read); None when it was never set."""
    Bulk.run(cur, bulk.statement("auth_generation", lambda: select(S.Meta.value).where(
        S.Meta.key == bindparam("key")), ("key",)), [(AUTH_GENERATION_KEY,)])
    row = cur.fetchone()
    return None if row is None else row[0]
