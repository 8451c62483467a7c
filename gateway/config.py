"""What one gateway process is configured with."""
from dataclasses import dataclass
from pathlib import Path


@dataclass
class GatewayConfig:
    """url: the SQLAlchemy database URL; rate: requests per second per key (0: none) with a
    bucket of `burst`; max_body: bytes; lifetimes in seconds; lockout after
    `login_failures` failed logins for `lockout_s` seconds; log_path: the rotating audit file."""
    url: str
    rate: float = 50.0
    burst: int = 100
    max_body: int = 65536
    access_ttl: int = 15 * 60
    refresh_ttl: int = 7 * 24 * 3600
    login_failures: int = 5
    lockout_s: float = 300.0
    log_path: Path | None = None
    poll_s: float = 0.05          # how often the feed looks for other processes' writes

    def audit_file(self) -> Path:
        if self.log_path is not None:
            return Path(self.log_path)
        if self.url.startswith("sqlite:///") and self.url != "sqlite:///:memory:":
            db = Path(self.url[len("sqlite:///"):])
            return db.with_name(db.name + ".gateway.log")
        from platformdirs import user_log_dir
        return Path(user_log_dir("souq")) / "gateway.log"
