"""Files souq writes for a person (runner logs, reports, exports, replay outputs), opened
so that another local user cannot aim them elsewhere.

- Never through a symbolic link (O_NOFOLLOW), never a file with other hard links, never
  a file or folder another user owns: a planted `souq-mm-NAME.log -> ~victim/.bashrc`
  is refused, not truncated. A file is truncated only after it is known to be ours.
- Never into a folder that does not exist (no silent mkdir -p of a mistyped path), and
  never to an empty path.
- New files are created 0600 and new export folders 0700: their figures are money.
Each refusal is a ValueError naming the path and why.
"""
import errno
import os
import stat
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def _nonempty(path, what: str) -> Path:
    if path is None or not str(path).strip():
        raise ValueError(f"{what}: the path is empty")
    return Path(path)


def _parent_exists(path: Path, what: str) -> None:
    parent = path.parent
    if not parent.is_dir():
        raise ValueError(f"{what} {path}: folder {parent} does not exist")


def open_output(path, what: str, mode: int = FILE_MODE):
    """A binary file object writing `path` from its start: created `mode` when new,
    truncated only when it is a regular file of ours with no other links."""
    p = _nonempty(path, what)
    _parent_exists(p, what)
    try:
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ValueError(f"{what} {p} is a symbolic link; souq does not write through "
                             "one") from None
        if exc.errno == errno.EISDIR:
            raise ValueError(f"{what} {p}: is a directory") from None
        raise ValueError(f"{what} {p}: {exc.strerror}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ValueError(f"{what} {p} is not a regular file")
        if st.st_uid != os.geteuid():
            raise ValueError(f"{what} {p} belongs to another user; not overwriting it")
        if st.st_nlink > 1:
            raise ValueError(f"{what} {p} has other hard links; not overwriting it")
        os.ftruncate(fd, 0)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "wb")


def write_output(path, what: str, text: str) -> None:
    """`text` (UTF-8) into `path` through open_output."""
    with open_output(path, what) as f:
        f.write(text.encode())


def output_dir(path, what: str) -> Path:
    """An export folder: an existing real folder of ours, or a new one (0700) in an
    existing parent."""
    p = _nonempty(path, what)
    try:
        st = os.lstat(p)
    except FileNotFoundError:
        _parent_exists(p, what)
        os.mkdir(p, DIR_MODE)
        return p
    if stat.S_ISLNK(st.st_mode):
        raise ValueError(f"{what} {p} is a symbolic link; souq does not write through one")
    if not stat.S_ISDIR(st.st_mode):
        raise ValueError(f"{what} {p} is not a folder")
    if st.st_uid != os.geteuid():
        raise ValueError(f"{what} {p} belongs to another user")
    return p
