"""Files apidrift shares between runs: written whole (temp file + `os.replace`), updated under a lock,
never through a symlink, and private (0600, created exclusively) when they hold run state.

Locks are `fcntl.flock`s, released by the kernel when a process dies, so a killed run never leaves a
stale lock behind. A read-modify-write locks the folder holding the file (no stray lock file in a
contracts tree); a lock held for a whole run is a file of its own in the state folder.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import secrets
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from apidrift.errors import UnsafeFileError

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
PRIVATE = 0o600


def state_dir() -> Path:
    """apidrift's private state folder (`$APIDRIFT_STATE_DIR`, else `$XDG_STATE_HOME/apidrift`, else
    `~/.local/state/apidrift`), created 0700; refused when it is a symlink or not the user's."""
    base = os.environ.get("APIDRIFT_STATE_DIR") or os.path.join(
        os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state"), "apidrift"
    )
    folder = Path(base)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = os.lstat(folder)
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise UnsafeFileError("the state folder is a symlink or not a folder", file=folder)
    if info.st_uid != os.geteuid() or info.st_mode & 0o077:
        raise UnsafeFileError("the state folder must be the user's own and private (0700)", file=folder)
    return folder


def refuse_symlink(path: Path) -> None:
    """UnsafeFileError when `path` or the folder holding it is a symlink (neither is followed)."""
    for candidate, what in ((path, "is a symlink"), (path.parent, "is in a folder that is a symlink")):
        with contextlib.suppress(FileNotFoundError):
            if stat.S_ISLNK(os.lstat(candidate).st_mode):
                raise UnsafeFileError(f"refused: {what}", file=path)


def _check_private(descriptor: int, path: Path) -> None:
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode):
        raise UnsafeFileError("refused: not a regular file", file=path)
    if info.st_uid != os.geteuid() or info.st_mode & 0o077:
        raise UnsafeFileError("refused: must be the user's own and private (mode 0600)", file=path)


def _open(path: Path, flags: int, mode: int = PRIVATE) -> int:
    refuse_symlink(path)
    try:
        return os.open(path, flags | _NOFOLLOW | os.O_CLOEXEC, mode)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # the last component became a symlink after the check
            raise UnsafeFileError("refused: is a symlink", file=path) from None
        raise


def read_private(path: Path) -> bytes | None:
    """A private file's bytes (None when there is none); refused when it is a symlink or not private."""
    try:
        descriptor = _open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        _check_private(handle.fileno(), path)
        return handle.read()


def append_private(path: Path, data: bytes) -> None:
    """Append and fsync; the file is created exclusively (0600) when it does not exist yet, and an
    existing one must be private."""
    try:
        descriptor = _open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
        created = True
    except FileExistsError:
        descriptor, created = _open(path, os.O_WRONLY | os.O_APPEND), False
    with os.fdopen(descriptor, "ab") as handle:
        _check_private(handle.fileno(), path)
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    if created:
        fsync_dir(path.parent)


def atomic_write(path: Path, data: bytes | str, *, private: bool = False, durable: bool = True) -> None:
    """Replace `path` whole: a reader sees the old content or the new, never a mix. The temp file is
    unique (created exclusively, 0600) so concurrent writers never share one. `durable=False` skips
    the fsyncs, for a cache whose entry, lost in a crash, is only rebuilt."""
    refuse_symlink(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(payload)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
            if not private:
                os.fchmod(handle.fileno(), _public_mode(path))
        os.replace(temporary, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, OSError) and exc.filename is None:
            exc.filename = str(path)  # a failed write names no file: say which one (a full disk, say)
        raise
    if durable:
        fsync_dir(path.parent)


def _public_mode(path: Path) -> int:
    # An existing file keeps its mode; a new one gets what the umask allows of 0644.
    with contextlib.suppress(FileNotFoundError):
        return stat.S_IMODE(os.lstat(path).st_mode)
    # The umask is read from /proc rather than set and reset, which would race other threads.
    with contextlib.suppress(OSError, ValueError, StopIteration):
        status = Path("/proc/self/status").read_text(encoding="ascii").splitlines()
        return 0o644 & ~int(next(line for line in status if line.startswith("Umask:")).split()[1], 8)
    return 0o644


def publish_private(path: Path, data: bytes) -> bool:
    """Create `path` (0600) with `data` only if it does not exist, atomically: False when another
    process published it first. Readers never see it empty or half written (link, not open+write)."""
    refuse_symlink(path)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        fsync_dir(path.parent)
        return True
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform lets a directory be opened
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive flock on `folder` itself (blocking) for a read-modify-write of a file in it."""
    folder.mkdir(parents=True, exist_ok=True)
    if folder.is_symlink():
        raise UnsafeFileError("refused: the folder is a symlink", file=folder)
    descriptor = os.open(folder, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | os.O_CLOEXEC)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def try_lock_file(path: Path) -> int | None:
    """An exclusive, non-blocking flock on a private lock file: its descriptor (close it to release),
    or None when another process (or another open in this one) holds it."""
    descriptor = _open(path, os.O_RDWR | os.O_CREAT)
    try:
        _check_private(descriptor, path)
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        return None
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def update_file(path: Path, change: Callable[[bytes | None], bytes | None], *, private: bool = False) -> None:
    """Read-modify-write `path` under its folder's lock: `change(old or None)` returns the new bytes,
    or None to remove the file. Concurrent updates are serialised, so none is lost."""
    with folder_lock(path.parent):
        refuse_symlink(path)
        if private:
            old = read_private(path)
        else:
            try:
                old = path.read_bytes()
            except FileNotFoundError:
                old = None
        new = change(old)
        if new is None:
            if old is not None:
                path.unlink(missing_ok=True)
                fsync_dir(path.parent)
        elif new != old:
            atomic_write(path, new, private=private)


def private_key(path: Path, size: int = 32) -> bytes:
    """The secret in `path`, made (random, 0600, published atomically) the first time it is asked for."""
    existing = read_private(path)
    if existing is None:
        publish_private(path, secrets.token_hex(size).encode("ascii"))
        existing = read_private(path)
    if not existing:
        raise UnsafeFileError("refused: the key file is empty", file=path)
    return existing.strip()
