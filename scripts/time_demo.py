"""Time `outcome-matcher demo` from an empty data dir: to a usable review queue (the first
sample programme's queue answers with suggestions), to ESCO's full index, and a second start.

    flock /tmp/heavy.lock python scripts/time_demo.py --data-dir /tmp/demo18-fresh \\
        --models ~/.local/share/outcome-matcher/models

`--models` links (with `--copy-models`, copies; not timed) an already built model folder
into the fresh data dir; without it the demo builds the model first, which is timed too.
The demo runs as a child process that gets SIGTERM if this script dies; it is stopped with
SIGINT (as Ctrl-C) between the runs.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

PROGRAMME, STANDARD_LABEL = "BSC-SD", "software developer"
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child: SIGTERM when this script ends, however it ends (Linux)."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _get(url: str, token: str | None = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, None


class Demo:
    """One `outcome-matcher demo` process over `data_dir`, with its log in the data dir."""

    def __init__(self, data_dir: Path, port: int, run: int) -> None:
        env = {**os.environ, "OUTCOME_MATCHER_DATA_DIR": str(data_dir)}
        env["OUTCOME_MATCHER_PORT"] = str(port)
        self.base = f"http://127.0.0.1:{port}"
        self.log = (data_dir / f"demo-run{run}.log").open("w")
        exe = Path(sys.executable).with_name("outcome-matcher")
        self.started = time.monotonic()
        self.process = subprocess.Popen(  # our own entry point
            [str(exe), "demo"],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,  # the child must not outlive us
        )

    def since(self) -> float:
        return round(time.monotonic() - self.started, 1)

    def wait_for(self, what: str, check: Any, timeout: float) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"demo exited ({self.process.returncode}) waiting for {what}")
            if check():
                return self.since()
            time.sleep(0.25)
        raise SystemExit(f"timed out waiting for {what}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def _queue_answers(demo: Demo, token: str) -> bool:
    status, found = _get(f"{demo.base}/frameworks/esco/standards?q=software", token)
    keys = [s["key"] for s in found or [] if s["label"].casefold() == STANDARD_LABEL]
    if status != 200 or not keys:
        return False
    query = urllib.parse.urlencode({"framework": "esco", "standard": keys[0]})
    status, items = _get(f"{demo.base}/programmes/{PROGRAMME}/review-queue?{query}", token)
    scored = [i for i in items or [] if i["cell"].get("score") is not None]
    return status == 200 and bool(scored)


def _full_index(demo: Demo, token: str, seen: list[int]) -> bool:
    status, body = _get(f"{demo.base}/frameworks/esco/index", token)
    if status == 200 and body["progress"] // 10 > (seen[-1] if seen else -1):
        seen.append(body["progress"] // 10)
        state = f"{body['state']} {body['progress']}%"
        print(f"  {demo.since():7.1f} s  ESCO index {state}", flush=True)
    return status == 200 and body["state"] == "ready"


def _run(data_dir: Path, port: int, run: int, full: bool) -> dict[str, float]:
    demo = Demo(data_dir, port, run)
    token_file = data_dir / "admin-token.txt"
    try:
        health = demo.base + "/healthz"
        times = {"serving": demo.wait_for("/healthz", lambda: _get(health)[0] == 200, 900)}
        print(f"run {run}: {times['serving']:7.1f} s  serving", flush=True)
        token = token_file.read_text(encoding="utf-8").strip()
        times["first_review"] = demo.wait_for(
            "the review queue", lambda: _queue_answers(demo, token), 900
        )
        print(f"run {run}: {times['first_review']:7.1f} s  review queue answers", flush=True)
        if full:
            seen: list[int] = []
            times["full_esco"] = demo.wait_for(
                "ESCO's full index", lambda: _full_index(demo, token, seen), 3600
            )
    finally:
        demo.stop()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="emptied first")
    parser.add_argument("--models", type=Path, help="a built models/ folder to link in")
    parser.add_argument(
        "--copy-models",
        action="store_true",
        help="copy --models instead of linking it "
        "(when the demo may build into it, e.g. the int8 ONNX model)",
    )
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if args.data_dir.exists():
        shutil.rmtree(args.data_dir)
    args.data_dir.mkdir(parents=True)
    if args.models and args.copy_models:
        shutil.copytree(args.models.expanduser(), args.data_dir / "models", symlinks=True)
    elif args.models:
        (args.data_dir / "models").symlink_to(args.models.expanduser().resolve())
    threads = os.environ.get("OUTCOME_MATCHER_THREADS", "2 (default)")
    print(f"data dir {args.data_dir}, models {args.models or 'built by the demo'}, "
          f"threads {threads}, cores {os.cpu_count()}", flush=True)  # fmt: skip
    first = _run(args.data_dir, args.port, 1, full=True)
    second = _run(args.data_dir, args.port, 2, full=False)
    print(json.dumps({"first_run_seconds": first, "second_run_seconds": second}, indent=2))


if __name__ == "__main__":
    main()
