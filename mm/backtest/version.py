"""Which code produced a stored run: results are only comparable between equal versions."""
import subprocess
from pathlib import Path


def code_version() -> str:
    """The package version, plus `git describe` of the source tree when git can tell."""
    from importlib.metadata import PackageNotFoundError, version
    try:
        v = version("souq")
    except PackageNotFoundError:
        v = "unknown"
    try:
        here = Path(__file__).resolve().parent
        r = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=here,
                           capture_output=True, text=True, timeout=5)
        if r.returncode == 0 and r.stdout.strip():
            return f"{v}+{r.stdout.strip()}"
    except (OSError, subprocess.SubprocessError):
        pass
    return v
