"""kill -9 of an align parent leaves no worker process (nor resource tracker) behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

from batch_support import make_env, write_jsonl
from test_batch_resume import CHILD


def _alive(procs: list[psutil.Process]) -> list[psutil.Process]:
    alive = []
    for p in procs:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                alive.append(p)
        except psutil.NoSuchProcess:
            continue
    return alive


def test_workers_die_with_a_killed_parent(tmp_path: Path, tiny_model_dir: Path) -> None:
    env = make_env(tmp_path, tiny_model_dir)
    src = write_jsonl(tmp_path / "in.jsonl", 3000)
    out = tmp_path / "out"
    cmd = [sys.executable, "-c", CHILD, str(env.settings.data_dir), str(tiny_model_dir)]
    cmd += [str(src), str(out), "20", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None:
            if list((out / "parts").glob("chunk-*.jsonl")) if (out / "parts").is_dir() else []:
                break  # the workers are loaded and aligning
            time.sleep(0.05)
        children = psutil.Process(proc.pid).children(recursive=True)
        assert len(children) >= 2, children  # two workers (and the resource tracker)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 5
        while _alive(children) and time.monotonic() < deadline:
            time.sleep(0.1)
        survivors = _alive(children)
        assert survivors == [], [(p.pid, p.name(), p.cmdline()[-2:]) for p in survivors]
    finally:
        if proc.poll() is None:
            proc.kill()
        for p in _alive(children):
            p.kill()
