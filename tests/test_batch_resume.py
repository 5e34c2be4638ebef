"""A run killed with SIGKILL mid-way resumes to exactly the rows of an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from batch_support import FRAMEWORK, make_env, write_jsonl
from outcome_matcher.batch import AlignOptions, align
from outcome_matcher.batch.output import JOURNAL, JSONL, PARQUET, PARTS, TIMINGS

CHILD = """
import sys
from pathlib import Path
from outcome_matcher.batch import AlignOptions, align
from outcome_matcher.config import Settings
from outcome_matcher.encoders import EmbeddingCache, SentenceTransformerEncoder
data, model, src, out = map(Path, sys.argv[1:5])
encoder = SentenceTransformerEncoder(
    model, name="tiny", batch_size=1, cache=EmbeddingCache(0)
)
options = AlignOptions(framework="demo", chunk_size=int(sys.argv[5]), workers=int(sys.argv[6]))
align([src], options, out, settings=Settings(data_dir=data, threads=1), encoder=encoder)
"""
ROWS, CHUNK = 1200, 20


def _kill_after_parts(cmd: list[str], parts: Path, wanted: int, log: Path) -> None:
    with log.open("wb") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if parts.is_dir() and len(list(parts.glob("chunk-*.jsonl"))) >= wanted:
                os.kill(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.02)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL, log.read_text(encoding="utf-8", errors="replace")


@pytest.mark.parametrize("workers", [1, 2], ids=["in-process", "worker-processes"])
def test_kill_9_then_rerun_gives_the_rows_of_an_uninterrupted_run(
    tmp_path: Path, tiny_model_dir: Path, workers: int
) -> None:
    """The killed run and its resumption use `workers`; the uninterrupted one runs in-process."""
    env = make_env(tmp_path, tiny_model_dir)
    src = write_jsonl(tmp_path / "in.jsonl", ROWS)
    killed = tmp_path / "killed"
    cmd = [sys.executable, "-c", CHILD, str(env.settings.data_dir), str(tiny_model_dir)]
    cmd += [str(src), str(killed), str(CHUNK), str(workers)]
    _kill_after_parts(cmd, killed / PARTS, wanted=3, log=tmp_path / "child.log")
    assert not (killed / JSONL).exists()  # it really died mid-run
    n_before = len(list((killed / PARTS).glob("chunk-*.jsonl")))
    assert 3 <= n_before < ROWS // CHUNK

    opts = AlignOptions(framework=FRAMEWORK, chunk_size=CHUNK, workers=workers)
    kw = {"settings": env.settings, "store": env.store, "encoder": env.encoder}
    resumed = align([src], opts, killed, **kw)  # type: ignore[arg-type]
    whole = AlignOptions(framework=FRAMEWORK, chunk_size=CHUNK, workers=1)
    align([src], whole, tmp_path / "whole", **kw)  # type: ignore[arg-type]

    assert resumed.timings["chunks_resumed"] >= n_before
    for name in (JSONL, PARQUET):
        assert (killed / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name
    ids = [json.loads(x)["id"] for x in (killed / JSONL).read_text(encoding="utf-8").splitlines()]
    assert ids == [f"o{i}" for i in range(ROWS)]  # none missing, no duplicates, in order
    journal = (killed / JOURNAL).read_text(encoding="utf-8").splitlines()
    assert len({json.loads(line)["chunk"] for line in journal}) == ROWS // CHUNK
    assert json.loads((killed / TIMINGS).read_text(encoding="utf-8"))["engine"] == "local"
    env.store.close()
