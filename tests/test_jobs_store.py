"""Jobs are rows in the store: paged lists, and a restarted server resumes or fails them."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import update

from conftest import ApiEnv
from outcome_matcher.app import create_app
from outcome_matcher.batch.output import JSONL
from outcome_matcher.store.tables import utcnow
from outcome_matcher.store.tables_jobs import JobRow


def _age(env: ApiEnv, job_id: str, seconds: int = 3600) -> None:
    """The job's server died `seconds` ago: its heartbeat stopped then."""
    with env.store.engine.begin() as conn:
        old = utcnow() - timedelta(seconds=seconds)
        conn.execute(update(JobRow).where(JobRow.id == job_id).values(heartbeat=old))


def _restart(env: ApiEnv, job_id: str, until: tuple[str, ...]) -> dict[str, object]:
    """A second server over the same store; the job's state once it reaches `until`."""
    matcher = env.client.app.state.matcher  # type: ignore[attr-defined]
    app = create_app(env.settings, matcher=matcher, store=env.store)
    with TestClient(app) as client:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            job: dict[str, object] = client.get(f"/jobs/{job_id}", headers=env.auth("admin")).json()
            if job["state"] in until:
                return job
            time.sleep(0.1)
    raise AssertionError(f"job {job_id} never reached {until}")


def test_the_job_list_is_paged_and_bounded(api_env: ApiEnv) -> None:
    ids = [api_env.store.create_job("design", "admin-user", {"n": i}).id for i in range(5)]
    headers = api_env.auth("designer")
    page = api_env.client.get("/jobs", params={"limit": 2, "offset": 2}, headers=headers).json()
    assert page["total"] == 5 and page["limit"] == 2
    assert [j["id"] for j in page["items"]] == list(reversed(ids))[2:4]
    assert api_env.client.get("/jobs", params={"limit": 10_000}, headers=headers).status_code == 422
    assert api_env.client.get("/jobs", headers=api_env.auth("reviewer")).status_code == 403


def test_a_restart_fails_a_job_nobody_runs(api_env: ApiEnv) -> None:
    job = api_env.store.create_job("design", "admin-user", {})  # a kind nobody resumes
    api_env.store.update_job(job.id, state="running")
    _age(api_env, job.id)
    found = _restart(api_env, job.id, until=("failed",))
    assert found["error"] == "server restarted"


def test_a_restart_resumes_an_align_job_in_its_folder(api_env: ApiEnv, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": f"o{i}", "text": f"design database scheme {i}"}) for i in range(9)]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "align-out"
    params = {"catalogues": [str(src)], "framework": "demo", "standard": None, "top_k": 2,
              "chunk_size": 4, "store": False, "output_dir": str(out), "attempts": 1}  # fmt: skip
    job = api_env.store.create_job("align", "designer-user", params)
    api_env.store.update_job(job.id, state="running")  # as a server killed mid-run leaves it
    _age(api_env, job.id)
    done = _restart(api_env, job.id, until=("done", "failed"))
    assert done["state"] == "done", done
    assert done["counts"] == {"rows": 9, "suggestions": 18, "chunks": 3}
    assert len((out / JSONL).read_text(encoding="utf-8").splitlines()) == 9
    assert api_env.store.get_job(job.id).params["attempts"] == 2
