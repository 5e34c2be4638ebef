"""POST /jobs/align runs align in a background thread; GET /jobs/{id} reports its state."""

from __future__ import annotations

import json
import time
from pathlib import Path

from conftest import ApiEnv
from outcome_matcher.batch.output import JSONL


def _wait(env: ApiEnv, job_id: str, timeout: float = 120) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job: dict[str, object] = env.client.get(f"/jobs/{job_id}", headers=env.auth("admin")).json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")


def test_align_job_runs_and_reports_counts(api_env: ApiEnv, tmp_path: Path) -> None:
    api_env.settings.imports_dir.mkdir(parents=True)
    src = api_env.settings.imports_dir / "in.jsonl"
    src.write_text(
        "".join(
            json.dumps({"id": f"o{i}", "text": f"design database scheme {i}"}) + "\n"
            for i in range(12)
        ),
        encoding="utf-8",
    )
    body = {"catalogues": ["in.jsonl"], "framework": "demo", "top_k": 2, "chunk_size": 5}
    started = api_env.client.post("/jobs/align", json=body, headers=api_env.auth("designer"))
    assert started.status_code == 202, started.text
    job = _wait(api_env, started.json()["id"])
    assert job["state"] == "done", job
    assert job["counts"] == {"rows": 12, "suggestions": 24, "chunks": 3}
    assert job["rows_done"] == job["rows_total"] == 12 and job["created_by"] == "designer-user"
    assert (
        len((Path(str(job["output_dir"])) / JSONL).read_text(encoding="utf-8").splitlines()) == 12
    )


def test_align_jobs_are_for_admins_and_designers(api_env: ApiEnv, tmp_path: Path) -> None:
    body = {"catalogues": [str(tmp_path / "missing.csv")], "framework": "demo"}
    assert (
        api_env.client.post("/jobs/align", json=body, headers=api_env.auth("reviewer")).status_code
        == 403
    )
    assert api_env.client.post("/jobs/align", json=body).status_code == 401
    assert (
        api_env.client.post("/jobs/align", json=body, headers=api_env.auth("admin")).status_code
        == 422
    )
    assert api_env.client.get("/jobs/nope", headers=api_env.auth("admin")).status_code == 404
