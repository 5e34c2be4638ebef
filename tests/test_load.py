"""The load script, bounded: 5 reviewers and 1 designer for 15 s against a real server on
loopback (SQLite), then the lost-update audit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bounded_load_loses_no_update() -> None:
    cmd = [sys.executable, str(ROOT / "scripts" / "load_test.py")]
    # No pause before deciding, and 15 s: the server's first review-queue reads do one-time
    # set-up (about 1 s alone, 4.5 s when six clients arrive at once), and the rest must hold
    # decisions and stale posts to audit.
    cmd += ["--reviewers", "5", "--designers", "1", "--seconds", "15", "--think", "0"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    audit = result["audit"]
    assert audit["accepted"] > 0 and audit["stale_posts"] > 0
    for check in (
        "accepted_ids_unique",
        "every_accepted_stored_once",
        "nothing_stored_that_was_not_accepted",
        "audit_rows_exactly_once",
        "versions_contiguous",
        "every_stale_got_409",
    ):
        assert audit[check], (check, audit)
    posts = result["POST decisions"]["statuses"]
    assert set(posts) <= {"201", "409"}, posts  # no 5xx, no 422 under load
    assert set(result["POST suggestions"]["statuses"]) == {"200"}
