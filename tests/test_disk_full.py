"""A full disk while writing an index or a report: a clear WriteError, the old file intact.

The disk is a real 1 MB tmpfs (mounted as root; skipped where mounting is not allowed), so
the kernel's own ENOSPC is what the code meets."""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from outcome_matcher import services
from outcome_matcher.config import Settings
from outcome_matcher.encoders import Encoder
from outcome_matcher.errors import WriteError
from outcome_matcher.reports import render
from outcome_matcher.retrieval.index import FrameworkIndex
from outcome_matcher.store import Store
from reports_support import synthetic_report
from test_store_support import competency, framework


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def _fill(disk: Path, leave: int) -> None:
    """Take the disk's free space down to about `leave` bytes."""
    filler = disk / "filler"
    with filler.open("ab") as out:
        try:
            while os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize > leave:
                out.write(b"\0" * 4096)
                out.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC


def _leftovers(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if ".tmp-" in p.name or ".old-" in p.name]


def test_full_disk_while_reindexing_keeps_the_old_index(
    small_disk: Path, tiny_encoder: Encoder
) -> None:
    settings = Settings(data_dir=small_disk / "data", database_url="sqlite:///:memory:")
    with Store.open(settings.db_url, migrate=True) as store:
        store.add_framework(framework(n=5))
        services.reindex_framework(store, tiny_encoder, settings, "demo")
        target = services.index_dir(settings, "demo")
        before = FrameworkIndex.load(target)
        # A bigger framework, whose index cannot fit in what is left.
        bigger = framework(n=5)
        comps = tuple(competency(i, description="x " * 400) for i in range(300))
        store.add_framework(bigger.model_copy(update={"competencies": comps}), replace=True)
        _fill(small_disk, leave=8192)
        with pytest.raises(WriteError, match="No space left on device") as raised:
            services.reindex_framework(store, tiny_encoder, settings, "demo")
        assert raised.value.status == 507 and raised.value.context["path"] == str(target)
        after = FrameworkIndex.load(target)
        assert after.competency_ids == before.competency_ids
        assert after.vectors.shape == before.vectors.shape
        assert after.meta.n_vectors == len(after.vectors)
        assert _leftovers(target.parent) == []


def test_full_disk_while_writing_a_report_keeps_the_old_report(small_disk: Path) -> None:
    path = small_disk / "report.html"
    small = synthetic_report(3, 2)
    old = render(small, "html", path)
    _fill(small_disk, leave=4096)
    with pytest.raises(WriteError, match=r"report\.html.*previous version is unchanged"):
        render(synthetic_report(400, 30), "html", path)
    assert path.read_bytes() == old
    assert _leftovers(small_disk) == []
