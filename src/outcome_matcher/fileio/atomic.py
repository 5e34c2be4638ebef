"""Atomic writes: build beside the target, then rename, so a crash or a full disk leaves the
old file or folder as it was and no half one."""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from outcome_matcher.errors import WriteError

# The errors of a disk that cannot take more: full, over quota, over RLIMIT_FSIZE.
NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def disk_full(exc: OSError, where: Path) -> bool:
    """True when the disk refused the write: an ENOSPC-like errno, or a short write (numpy
    reports one without an errno) on a disk with no block left."""
    if exc.errno in NO_SPACE:
        return True
    if exc.errno is not None:
        return False
    try:
        return os.statvfs(where).f_bavail == 0
    except OSError:
        return False


def write_failed(target: Path, exc: OSError) -> WriteError:
    """The clear error for a write that the disk refused."""
    why = os.strerror(exc.errno or errno.ENOSPC)  # a short write is a full disk too
    return WriteError(
        f"could not write {target}: {why}; the previous version is unchanged",
        path=str(target),
        errno=errno.errorcode[exc.errno or errno.ENOSPC],
    )


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        rc = libc.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    except (AttributeError, OSError):
        return False
    return bool(rc == 0)


def swap_into_place(tmp: Path, target: Path, finished: Callable[[], bool] | None = None) -> None:
    """Rename the finished folder `tmp` to `target`, replacing an older one.

    On Linux the two are exchanged in one step, so `target` is never missing; elsewhere the
    old folder is moved aside first. When another process got there first with a good
    folder (`finished()`), theirs is kept.
    """
    if target.exists() and _exchange(tmp, target):
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the old folder
        return
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    try:
        tmp.rename(target)
    except OSError:
        if finished is None or not finished():
            raise
        shutil.rmtree(tmp)
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def atomic_directory(
    target: Path, *, finished: Callable[[], bool] | None = None, mode: int | None = None
) -> Iterator[Path]:
    """Yield an empty folder beside `target`; on success it replaces `target` in one rename.

    On an error the temporary folder is removed and `target` stays as it was; a full disk
    is a WriteError naming `target`. `mode` opens up the folder (mkdtemp makes it private)
    when it is meant to be shared.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        yield tmp
        if mode is not None:
            tmp.chmod(mode)
        swap_into_place(tmp, target, finished)
    except OSError as exc:
        if disk_full(exc, target.parent):
            raise write_failed(target, exc) from exc
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_file(target: Path, data: bytes) -> None:
    """Write `data` to `target` atomically (a temporary file beside it, fsync, replace)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.tmp-", dir=target.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        tmp.chmod(0o644)
        os.replace(tmp, target)
    except OSError as exc:
        full = disk_full(exc, target.parent)
        with suppress(OSError):
            tmp.unlink()
        if full:
            raise write_failed(target, exc) from exc
        raise
