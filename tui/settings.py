"""Choices that outlive a session (the theme), kept in the user's config directory."""
import json
import os
from pathlib import Path

from souq.db.outfiles import write_output


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
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)   # souq's own folder
        write_output(path, "settings", json.dumps(data, indent=2))
    except (OSError, ValueError):
        pass   # a read-only home must not stop trading
