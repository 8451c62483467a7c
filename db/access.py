"""Who may read what: one rule for every reader (db.api.Api, db.lite.LiteReader)."""
from engine.model import ADMIN


class AccessDenied(PermissionError):
    """A user asked for what only its owner or an admin may see."""


def visible_user(actor: str, role: str | None, user: str | None) -> str | None:
    """The user filter a read by `actor` (whose role is `role`, None if unknown) may use
    when it asked for `user`'s data: admins see all (None: everybody), others only
    themselves. Raises AccessDenied otherwise."""
    if role is None:
        raise AccessDenied(f"unknown user {actor!r}")
    if role == ADMIN:
        return user
    if user is not None and user != actor:
        raise AccessDenied(f"{actor} may not see {user}'s data")
    return actor
