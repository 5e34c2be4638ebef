"""A framework indexed first for one standard, then fully by a background job: the job's row
and progress, the not-ready error (matcher, API, web search), the ready state, restarts."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from outcome_matcher import services
from outcome_matcher.api import index_runner, job_runner
from outcome_matcher.api.job_progress import Interrupted, JobProgress
from outcome_matcher.app import create_app
from outcome_matcher.config import Settings
from outcome_matcher.encoders import Encoder
from outcome_matcher.errors import IndexNotReadyError
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.store import JobInfo, Store

STANDARD = "SD Software developer"
FRAMEWORK_CSV = "\n".join(
    [
        "id,label,alt_labels,description,type,unit,standard,essential",
        f"SD-01,design database scheme,database design,Draft the scheme.,skill,,{STANDARD},true",
        f"SD-02,execute software tests,unit testing,Perform tests.,skill,,{STANDARD},false",
        "X-01,perform fillet welds,welding,Weld joints.,skill,,,",
        "X-02,bake bread,baking,Bake loaves of bread.,skill,,,",
        "X-03,use version control,git|source control,Manage versions.,skill,,,",
        "",
    ]
)


@dataclass
class Staged:
    """A store with framework `fw` indexed for STANDARD only, and its full build queued."""

    settings: Settings
    store: Store
    matcher: Matcher
    job: JobInfo


@pytest.fixture()
def staged(tiny_encoder: Encoder, tmp_path: Path) -> Iterator[Staged]:
    settings = Settings(data_dir=tmp_path / "data")
    (tmp_path / "fw.csv").write_text(FRAMEWORK_CSV, encoding="utf-8")
    with Store.open(settings.db_url, migrate=True) as store:
        services.add_framework(
            store,
            tiny_encoder,
            settings,
            name="fw",
            path=tmp_path / "fw.csv",
            format="csv",
            first_standards=[STANDARD],
        )
        job = services.queue_full_index(store, "fw", "tester")
        matcher = services.load_matcher(settings, store, tiny_encoder)
        yield Staged(settings, store, matcher, job)


def test_the_first_index_serves_its_standard_and_the_job_completes_it(staged: Staged) -> None:
    index = staged.matcher.index("fw")
    assert index.meta.partial and index.competency_ids == ["SD-01", "SD-02"]
    assert services.index_status(staged.store, staged.settings, "fw").label() == "queued"
    assert services.queue_full_index(staged.store, "fw").id == staged.job.id  # one at a time
    among = staged.matcher.suggest("fw", ["write unit tests"], 2, among=["SD-01", "SD-02"])
    assert {s.competency_id for s in among[0]} == {"SD-01", "SD-02"}
    with pytest.raises(IndexNotReadyError) as caught:
        staged.matcher.suggest("fw", ["write unit tests"], 2)
    assert caught.value.context["framework"] == "fw"
    assert caught.value.context["state"] == "queued" and caught.value.context["progress"] == 0
    assert "not ready yet (0% built)" in caught.value.message
    with pytest.raises(IndexNotReadyError):  # a competency the first index lacks
        staged.matcher.suggest("fw", ["bake"], 2, among=["X-02"])

    index_runner.run_index(
        staged.job, staged.settings, staged.store, staged.matcher, threading.Event()
    )
    done = staged.store.get_job(staged.job.id)
    assert done.state == "done" and done.progress == 1.0
    assert done.counts["rows_done"] == done.counts["rows_total"] > index.meta.n_vectors
    assert done.counts["eta_seconds"] == 0
    assert not staged.matcher.index("fw").meta.partial  # swapped in without a restart
    found = staged.matcher.suggest("fw", ["bake bread"], 5)[0]
    assert {s.competency_id for s in found} >= {"X-01", "X-02", "X-03"}
    assert services.index_status(staged.store, staged.settings, "fw").label() == "ready"


def test_a_stop_queues_the_job_again_and_a_restart_builds_it(
    staged: Staged, monkeypatch: pytest.MonkeyPatch
) -> None:
    stop = threading.Event()
    stop.set()  # the server is shutting down before the first progress report
    index_runner.run_index(staged.job, staged.settings, staged.store, staged.matcher, stop)
    assert staged.store.get_job(staged.job.id).state == "queued"
    assert staged.matcher.index("fw").meta.partial
    with pytest.raises(Interrupted):
        JobProgress(staged.store, staged.job.id, stop)(1, 10)

    # The server died while building: the row says running, its heartbeat goes stale.
    assert staged.store.claim_queued_job(staged.job.id)
    assert not staged.store.claim_queued_job(staged.job.id)  # one runner per job
    monkeypatch.setattr(job_runner, "STALE_AFTER", timedelta(0))
    (recovered,) = job_runner.recover(staged.settings, staged.store, staged.matcher)
    assert recovered.state == "queued" and recovered.params["attempts"] == 2
    threads = index_runner.claim_queued(
        staged.settings, staged.store, staged.matcher, threading.Event()
    )
    for thread in threads:
        thread.join(timeout=60)
    assert len(threads) == 1 and staged.store.get_job(staged.job.id).state == "done"
    assert not staged.matcher.index("fw").meta.partial


def test_a_build_failing_too_often_is_failed(
    staged: Staged, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(job_runner, "STALE_AFTER", timedelta(0))
    for _ in range(index_runner.MAX_ATTEMPTS):
        assert staged.store.claim_queued_job(staged.job.id)
        job_runner.recover(staged.settings, staged.store, staged.matcher)
    failed = staged.store.get_job(staged.job.id)
    assert failed.state == "failed" and failed.error == job_runner.RESTARTED
    status = services.index_status(staged.store, staged.settings, "fw")
    assert status.label() == "failed"
    with pytest.raises(IndexNotReadyError, match="could not be built"):
        staged.matcher.suggest("fw", ["bake bread"], 5)
    # Queuing again (what a second `demo` does) starts a new job.
    assert services.queue_full_index(staged.store, "fw").id != staged.job.id


def test_the_api_says_not_ready_with_progress_then_answers(staged: Staged) -> None:
    _, token = staged.store.add_user("rita", "reviewer")
    headers = {"Authorization": f"Bearer {token}"}
    # Another server runs the build and is at 40%: this one leaves the job alone.
    assert staged.store.claim_queued_job(staged.job.id)
    JobProgress(staged.store, staged.job.id)(40, 100)
    app = create_app(staged.settings, matcher=staged.matcher, store=staged.store)
    body = {"framework": "fw", "texts": [{"id": "1", "text": "bake bread"}]}
    with TestClient(app) as client:
        refused = client.post("/suggestions", json=body, headers=headers)
        assert refused.status_code == 503
        error = refused.json()
        assert error["error"] == "index_not_ready" and error["framework"] == "fw"
        assert error["state"] == "building" and error["progress"] == 40
        assert "framework fw" in error["message"] and "40% built" in error["message"]
        assert int(refused.headers["Retry-After"]) >= 5
        status = client.get("/frameworks/fw/index", headers=headers).json()
        assert status["state"] == "building" and status["progress"] == 40
        assert status["rows_done"] == 40 and status["rows_total"] == 100
        among = client.post("/suggestions", json=body | {"standard": STANDARD}, headers=headers)
        assert among.status_code == 200  # the standard's requirements are indexed
        client.post("/login", data={"token": token, "next": "/"})  # the web UI's session
        page = client.get("/search", params={"text": "bake bread"})
        assert page.status_code == 200 and "40% built" in page.text
        home = client.get("/")
        assert 'data-state="building"' in home.text and "40% done" in home.text
        _, designer = staged.store.add_user("dora", "designer")
        staged.settings.imports_dir.mkdir(parents=True, exist_ok=True)
        (staged.settings.imports_dir / "in.jsonl").write_text('{"id": "o1", "text": "bake"}\n')
        align = {"catalogues": ["in.jsonl"], "framework": "fw"}
        by_designer = {"Authorization": f"Bearer {designer}"}
        started = client.post("/jobs/align", json=align, headers=by_designer)
        assert started.status_code == 503  # refused now, not a job failing later
        ru = client.post(
            "/suggestions", json=body, headers=headers | {"Accept-Language": "ru"}
        ).json()
        assert ru["message"] != error["message"] and "fw" in ru["message"]

        index_runner.run_index(
            staged.store.get_job(staged.job.id),
            staged.settings,
            staged.store,
            staged.matcher,
            threading.Event(),
        )
        answered = client.post("/suggestions", json=body, headers=headers)
        assert answered.status_code == 200
        assert answered.json()[0]["suggestions"][0]["competency_id"] == "X-02"
        assert client.get("/frameworks/fw/index", headers=headers).json()["state"] == "ready"
        assert "data-state" not in client.get("/index-status").text


def test_the_server_runs_a_queued_build_at_start(staged: Staged) -> None:
    _, token = staged.store.add_user("rita", "reviewer")
    app = create_app(staged.settings, matcher=staged.matcher, store=staged.store)
    with TestClient(app) as client:
        deadline = time.monotonic() + 60
        while staged.store.get_job(staged.job.id).state != "done":
            assert time.monotonic() < deadline, "the queued build did not finish"
            time.sleep(0.1)
        status = client.get("/frameworks/fw/index", headers={"Authorization": f"Bearer {token}"})
        assert status.json()["state"] == "ready"
    assert not staged.matcher.index("fw").meta.partial


def test_frameworks_list_shows_each_index_status(
    staged: Staged, tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from outcome_matcher.cli import app as cli

    monkeypatch.setenv("OUTCOME_MATCHER_DATA_DIR", str(staged.settings.data_dir))
    monkeypatch.setenv("OUTCOME_MATCHER_MODEL_PATH", str(tiny_model_dir))
    monkeypatch.setenv("COLUMNS", "200")  # one table row per framework

    def status_column() -> str:
        result = CliRunner().invoke(cli, ["frameworks", "list"])
        assert result.exit_code == 0, result.output
        (row,) = [line for line in result.stdout.splitlines() if line.startswith("│ fw ")]
        return [cell.strip() for cell in row.split("│")][6]

    assert status_column() == "queued"
    assert staged.store.claim_queued_job(staged.job.id)
    JobProgress(staged.store, staged.job.id)(42, 100)
    assert status_column() == "building 42%"
    staged.store.update_job(staged.job.id, state="failed", error="disk full")
    assert status_column() == "failed"
    assert "fw: disk full" in CliRunner().invoke(cli, ["frameworks", "list"]).stdout
    job = services.queue_full_index(staged.store, "fw")
    index_runner.run_index(job, staged.settings, staged.store, staged.matcher, threading.Event())
    assert status_column() == "ready"
