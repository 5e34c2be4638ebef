"""HTTP decisions: roles, authorship, versioning, the reason rule, history and flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from api_support import STANDARD, api_env_at, decision, force_confidence, matcher_of
from conftest import SAMPLE_CATALOGUE_YAML, ApiEnv
from outcome_matcher.encoders import Encoder
from outcome_matcher.errors import InputError
from outcome_matcher.review.rules import check_reason, confidence_band
from outcome_matcher.schemas import outcome_id
from outcome_matcher.store import DecisionCreate


def test_reviewer_and_designer_decide_auditor_cannot(api_env: ApiEnv) -> None:
    client = api_env.client
    denied = client.post("/decisions", json=decision(), headers=api_env.auth("auditor"))
    assert denied.status_code == 403 and denied.json()["error"] == "forbidden"
    made = client.post("/decisions", json=decision(), headers=api_env.auth("reviewer"))
    assert made.status_code == 201
    assert (made.json()["reviewer"], made.json()["version"]) == ("reviewer-user", 1)
    other = client.post("/decisions", json=decision(1, "partial"), headers=api_env.auth("designer"))
    assert other.status_code == 201 and other.json()["reviewer"] == "designer-user"
    assert client.post("/decisions", json=decision()).status_code == 401


def test_nobody_writes_as_someone_else(api_env: ApiEnv) -> None:
    body = decision(reviewer="admin-user", created="2020-01-01T00:00:00Z")
    response = api_env.client.post("/decisions", json=body, headers=api_env.auth("reviewer"))
    assert response.status_code == 422  # reviewer and time are not the caller's to give
    made = api_env.client.post("/decisions", json=decision(), headers=api_env.auth("reviewer"))
    assert made.json()["reviewer"] == "reviewer-user"
    [entry] = api_env.store.audit_entries(entity="decision")
    assert entry.actor == "reviewer-user"


def test_stale_version_gets_409_with_current_state(api_env: ApiEnv) -> None:
    headers = api_env.auth("reviewer")
    first = api_env.client.post("/decisions", json=decision(), headers=headers).json()
    stale = api_env.client.post("/decisions", json=decision(0, "rejected"), headers=headers)
    assert stale.status_code == 409
    body = stale.json()
    assert body["current_version"] == 1 and body["current"]["id"] == first["id"]
    assert body["current"]["verdict"] == "accepted"


def test_invalid_values_name_the_field(api_env: ApiEnv) -> None:
    headers = api_env.auth("reviewer")
    bad = api_env.client.post("/decisions", json=decision(verdict="maybe"), headers=headers)
    assert bad.status_code == 422 and "verdict" in str(bad.json())
    no_relation = decision(relation=None)
    assert api_env.client.post("/decisions", json=no_relation, headers=headers).status_code == 422
    unknown = api_env.client.post("/decisions", json=decision(competency="X"), headers=headers)
    assert unknown.status_code == 404
    evidence = decision(evidence_outcome="nope")
    response = api_env.client.post("/decisions", json=evidence, headers=headers)
    assert response.status_code == 422 and response.json()["field"] == "evidence_outcome"


def test_reason_rule(api_env: ApiEnv) -> None:
    headers = api_env.auth("reviewer")
    force_confidence(api_env, high=True)
    reject = decision(verdict="rejected", reason="")
    response = api_env.client.post("/decisions", json=reject, headers=headers)
    assert response.status_code == 422 and response.json()["field"] == "reason"
    assert api_env.client.post("/decisions", json=decision(reason=""), headers=headers).is_success
    force_confidence(api_env, high=False)
    accept = decision(1, reason="", competency="SD-01")
    response = api_env.client.post("/decisions", json=accept, headers=headers)
    assert response.status_code == 422 and response.json()["band"] == "low"
    accept["reason"] = "the module teaches it under another name"
    assert api_env.client.post("/decisions", json=accept, headers=headers).status_code == 201
    low_reject = decision(0, verdict="rejected", reason="", competency="SD-04")
    assert api_env.client.post("/decisions", json=low_reject, headers=headers).status_code == 201


def test_confidence_bands_without_calibration(api_env: ApiEnv) -> None:
    matcher = matcher_of(api_env)
    matcher.calibration = None
    t = matcher.threshold
    assert [confidence_band(matcher, s) for s in (t + 0.06, t + 0.01, t - 0.01)] == [
        "high",
        "medium",
        "low",
    ]
    d = DecisionCreate.model_validate(decision(verdict="partial", reason=" "))
    with pytest.raises(InputError, match="partly accepting"):
        check_reason(d, "low")
    check_reason(d, "medium")


def test_history_keeps_superseded_decisions(api_env: ApiEnv) -> None:
    headers = api_env.auth("reviewer")
    first = api_env.client.post("/decisions", json=decision(), headers=headers).json()
    second = api_env.client.post("/decisions", json=decision(1, "rejected"), headers=headers)
    params = {"programme": "BSC-SD", "module": "DB", "framework": "demo"}
    history = api_env.client.get(
        "/decisions/history", params=params, headers=api_env.auth("auditor")
    ).json()
    assert [d["id"] for d in history] == [first["id"], second.json()["id"]]
    assert history[1]["supersedes"] == first["id"]
    by_standard = api_env.client.get(
        "/decisions/history",
        params={"framework": "demo", "standard": STANDARD, "competency_id": "SD-02"},
        headers=headers,
    )
    assert by_standard.json() == []
    orphan = api_env.client.get("/decisions/history", params={"module": "DB"}, headers=headers)
    assert orphan.status_code == 422 and orphan.json()["field"] == "programme"


def test_catalogue_reimport_keeps_decisions_and_flags_changed_outcomes(api_env: ApiEnv) -> None:
    headers = api_env.auth("designer")
    evidence = outcome_id("BSC-SD", "DB", "design database scheme for an application")
    body = decision(evidence_outcome=evidence)
    made = api_env.client.post("/decisions", json=body, headers=headers).json()
    kept = api_env.client.post("/decisions", json=decision(module="QA"), headers=headers).json()
    changed = SAMPLE_CATALOGUE_YAML.replace(
        "design database scheme for an application", "design a normalised relational schema"
    )
    files = {"file": ("cat.yaml", changed.encode(), "application/yaml")}
    result = api_env.client.post("/catalogues", files=files, headers=headers)
    assert result.status_code == 201 and result.json()["flagged_decisions"] == 1
    flagged = api_env.client.get("/decisions/flagged", headers=api_env.auth("auditor")).json()
    assert [d["id"] for d in flagged] == [made["id"]]
    assert flagged[0]["review_reason"]
    history = api_env.client.get("/decisions/history", headers=headers).json()
    assert {d["id"] for d in history} == {made["id"], kept["id"]}  # nothing dropped
    redo = decision(1, reason="re-checked against the new text")
    assert api_env.client.post("/decisions", json=redo, headers=headers).status_code == 201
    assert api_env.client.get("/decisions/flagged", headers=headers).json() == []


def test_database_down_is_503(api_env: ApiEnv, tiny_encoder: Encoder, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from outcome_matcher.app import create_app
    from outcome_matcher.store import Store
    from outcome_matcher.store.engine import make_engine

    # Store() does not connect: the first request finds the closed port.
    dead = Store(make_engine("postgresql+psycopg://nobody:secret@127.0.0.1:1/none"))
    app = create_app(api_env.settings, matcher=matcher_of(api_env), store=dead)
    with TestClient(app) as client:
        for response in (
            client.get("/programmes", headers=api_env.auth("reviewer")),
            client.post("/decisions", json=decision(), headers=api_env.auth("reviewer")),
        ):
            assert response.status_code == 503
            body = response.json()
            assert body["error"] == "store_unavailable"
            assert "database unavailable" in body["message"] and "secret" not in body["message"]
    dead.close()


@pytest.mark.postgres
def test_concurrent_decisions_on_postgresql(tiny_encoder: Encoder, tmp_path: Path) -> None:
    import threading

    from test_store_support import backend_url

    with backend_url("postgresql", tmp_path) as url, api_env_at(tiny_encoder, tmp_path, url) as env:
        n = 6
        barrier = threading.Barrier(n)
        statuses: list[int] = []
        lock = threading.Lock()

        def post(i: int) -> None:
            role = ("reviewer", "designer", "admin")[i % 3]
            body = decision(0, reason=f"thread {i}")
            barrier.wait()
            response = env.client.post("/decisions", json=body, headers=env.auth(role))
            with lock:
                statuses.append(response.status_code)

        threads = [threading.Thread(target=post, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(statuses) == [201] + [409] * (n - 1)
        [stored] = env.store.decision_history(programme="BSC-SD", framework="demo")
        assert stored.version == 1
