"""Atomic folder writes: build beside the target, then rename, so a crash leaves no half folder."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def swap_into_place(tmp: Path, target: Path, finished: Callable[[], bool] | None = None) -> None:
    """Rename the finished folder `tmp` to `target`, replacing an older one.

    When another process got there first with a good folder (`finished()`), theirs is kept.
    """
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

    On an error the temporary folder is removed and `target` stays as it was. `mode` opens
    up the folder (mkdtemp makes it private) when it is meant to be shared.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        yield tmp
        if mode is not None:
            tmp.chmod(mode)
        swap_into_place(tmp, target, finished)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
