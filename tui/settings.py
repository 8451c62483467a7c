"""Choices that outlive a session (the theme), kept in the user's config directory."""
import json
import os
from pathlib import Path


def settings_path() -> Path:
    override = os.environ.get("SOUQ_CONFIG")
    if override:
        return Path(override)
    from platformdirs import user_config_dir
    return Path(user_config_dir("souq")) / "settings.json"


def load() -> dict:
    try:
        return json.loads(settings_path().read_text())
    except (OSError, ValueError):
        return {}


def save(**changes) -> None:
    path = settings_path()
    data = {**load(), **changes}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=2))
    except OSError:
        pass   # a read-only home must not stop trading
