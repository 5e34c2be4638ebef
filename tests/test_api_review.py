"""HTTP review: coverage, matrix, review queue, four-eyes sign-off and disagreements."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api_support import STANDARD, decision, force_confidence
from conftest import SAMPLE_CATALOGUE_YAML, SAMPLE_FRAMEWORK_CSV, ApiEnv
from outcome_matcher import services
from outcome_matcher.app import create_app
from outcome_matcher.config import Settings
from outcome_matcher.encoders.base import EmbeddingCache
from outcome_matcher.encoders.torch import SentenceTransformerEncoder
from outcome_matcher.store import Store

PARAMS = {"framework": "demo", "standard": STANDARD}
IDS = {"SD-01", "SD-02", "SD-03", "SD-04"}


def _get(env: ApiEnv, path: str, role: str = "auditor", **params: Any) -> Any:
    response = env.client.get(path, params={**PARAMS, **params}, headers=env.auth(role))
    assert response.status_code == 200, response.text
    return response.json()


def _cell(coverage: dict[str, Any], competency: str, module: str) -> dict[str, Any] | None:
    [row] = [r for r in coverage["requirements"] if r["competency_id"] == competency]
    return next((c for c in row["covering"] if c["module_code"] == module), None)


def _status(coverage: dict[str, Any], competency: str, module: str) -> str:
    cell = _cell(coverage, competency, module)
    assert cell is not None, f"{module}/{competency} does not cover"
    return str(cell["status"])


def test_coverage_puts_decisions_over_suggestions(api_env: ApiEnv) -> None:
    before = _get(api_env, "/programmes/BSC-SD/coverage")
    assert {r["competency_id"] for r in before["requirements"]} == IDS
    assert before["summary"]["essential"] == 3 and before["four_eyes"] is False
    headers = api_env.auth("reviewer")
    api_env.client.post("/decisions", json=decision(competency="SD-04"), headers=headers)
    after = _get(api_env, "/programmes/BSC-SD/coverage")
    cell = _cell(after, "SD-04", "DB")
    assert cell is not None and cell["status"] == "confirmed" and cell["version"] == 1
    [row] = [r for r in after["requirements"] if r["competency_id"] == "SD-04"]
    assert row["status"] == "confirmed"


def test_matrix_is_requirements_by_modules(api_env: ApiEnv) -> None:
    matrix = _get(api_env, "/programmes/BSC-SD/matrix", role="reviewer")
    assert [m["code"] for m in matrix["modules"]] == ["DB", "QA"]
    assert len(matrix["cells"]) == len(matrix["requirements"]) == 4
    for req, row in zip(matrix["requirements"], matrix["cells"], strict=True):
        assert [c["module_code"] for c in row] == ["DB", "QA"]
        assert {c["competency_id"] for c in row} == {req["competency_id"]}
        assert all(c["score"] is not None and c["outcome_text"] for c in row)


def test_unknown_programme_or_standard_is_404(api_env: ApiEnv) -> None:
    headers = api_env.auth("auditor")
    for path, params in (
        ("/programmes/NOPE/coverage", PARAMS),
        ("/programmes/BSC-SD/matrix", {**PARAMS, "standard": "nope"}),
        ("/programmes/BSC-SD/review-queue", {**PARAMS, "framework": "nope"}),
    ):
        assert api_env.client.get(path, params=params, headers=headers).status_code == 404


def test_review_queue_order_and_filters(api_env: ApiEnv) -> None:
    force_confidence(api_env, high=True)  # every link above the threshold: all in the queue
    queue = _get(api_env, "/programmes/BSC-SD/review-queue")
    assert len(queue) == 8 and {i["reason"] for i in queue} == {"unreviewed"}
    keys = [(not i["settles"], not i["essential"], -i["cell"]["score"]) for i in queue]
    assert keys == sorted(keys)
    assert _get(api_env, "/programmes/BSC-SD/review-queue", filter="low_confidence") == []
    only_db = _get(api_env, "/programmes/BSC-SD/review-queue", module="DB", limit=2)
    assert len(only_db) == 2 and {i["cell"]["module_code"] for i in only_db} == {"DB"}
    unit = _get(api_env, "/programmes/BSC-SD/review-queue", unit="U3 Other")
    assert {i["cell"]["competency_id"] for i in unit} == {"SD-04"}
    api_env.client.post("/decisions", json=decision(), headers=api_env.auth("reviewer"))
    after = _get(api_env, "/programmes/BSC-SD/review-queue")
    assert ("DB", "SD-01") not in {
        (i["cell"]["module_code"], i["cell"]["competency_id"]) for i in after
    }
    # A decided link settles its requirement: the other module's SD-01 link sinks.
    [qa] = [i for i in after if i["cell"]["competency_id"] == "SD-01"]
    assert qa["settles"] is False and after[-1] == qa


def test_four_eyes_needs_two_reviewers(api_env: ApiEnv) -> None:
    settings = {"framework": "demo", "standard": STANDARD, "four_eyes": True}
    denied = api_env.client.put(
        "/standard-settings", json=settings, headers=api_env.auth("reviewer")
    )
    assert denied.status_code == 403
    put = api_env.client.put("/standard-settings", json=settings, headers=api_env.auth("admin"))
    assert put.status_code == 200 and put.json()["four_eyes"] is True
    force_confidence(api_env, high=False)  # nothing suggested: only decisions cover
    api_env.client.post("/decisions", json=decision(), headers=api_env.auth("reviewer"))
    coverage = _get(api_env, "/programmes/BSC-SD/coverage")
    assert coverage["four_eyes"] is True
    assert _status(coverage, "SD-01", "DB") == "pending"
    [row] = [r for r in coverage["requirements"] if r["competency_id"] == "SD-01"]
    assert row["status"] == "suggested"
    queue = _get(api_env, "/programmes/BSC-SD/review-queue")
    assert [(i["reason"], i["cell"]["competency_id"]) for i in queue] == [
        ("second_review", "SD-01")
    ]
    # The same reviewer again does not count as a second pair of eyes.
    again = api_env.client.post("/decisions", json=decision(1), headers=api_env.auth("reviewer"))
    assert again.status_code == 201
    assert _status(_get(api_env, "/programmes/BSC-SD/coverage"), "SD-01", "DB") == "pending"
    second = api_env.client.post("/decisions", json=decision(2), headers=api_env.auth("designer"))
    assert second.status_code == 201
    coverage = _get(api_env, "/programmes/BSC-SD/coverage")
    assert _status(coverage, "SD-01", "DB") == "confirmed"
    assert coverage["summary"]["essential_confirmed"] == 1


def test_disagreements_list_links_reviewers_differ_on(api_env: ApiEnv) -> None:
    api_env.client.post("/decisions", json=decision(), headers=api_env.auth("reviewer"))
    api_env.client.post(
        "/decisions",
        json=decision(1, "rejected", reason="too shallow"),
        headers=api_env.auth("designer"),
    )
    api_env.client.post(
        "/decisions", json=decision(competency="SD-02"), headers=api_env.auth("reviewer")
    )
    found = _get(api_env, "/programmes/BSC-SD/disagreements")
    assert [(d["module"], d["competency_id"]) for d in found] == [("DB", "SD-01")]
    assert {d["reviewer"] for d in found[0]["decisions"]} == {"reviewer-user", "designer-user"}
    # The first reviewer comes round: no disagreement left.
    api_env.client.post(
        "/decisions",
        json=decision(2, "rejected", reason="agreed"),
        headers=api_env.auth("reviewer"),
    )
    assert _get(api_env, "/programmes/BSC-SD/disagreements") == []


def test_standard_settings_unknown_standard_is_404(api_env: ApiEnv) -> None:
    params = {"framework": "demo", "standard": "nope"}
    response = api_env.client.get(
        "/standard-settings", params=params, headers=api_env.auth("auditor")
    )
    assert response.status_code == 404
    body = {"framework": "demo", "standard": STANDARD, "four_eyes": "sometimes"}
    assert (
        api_env.client.put(
            "/standard-settings", json=body, headers=api_env.auth("admin")
        ).status_code
        == 422
    )


def test_the_service_reads_one_review_at_start(tiny_model_dir: Path, tmp_path: Path) -> None:
    """The lifespan's warm-up scores a programme before the first request, so twenty reviewers
    arriving at once do not each pay the one-time set-up (their first reads took 4 s)."""
    encoder = SentenceTransformerEncoder(tiny_model_dir, name="tiny", cache=EmbeddingCache())
    settings = Settings(data_dir=tmp_path / "data")
    store = Store.open(settings.db_url, migrate=True)
    (tmp_path / "fw.csv").write_text(SAMPLE_FRAMEWORK_CSV, encoding="utf-8")
    (tmp_path / "cat.yaml").write_text(SAMPLE_CATALOGUE_YAML, encoding="utf-8")
    services.add_framework(
        store, encoder, settings, name="demo", path=tmp_path / "fw.csv", format="csv"
    )
    services.add_catalogue(store, tmp_path / "cat.yaml", name=None, max_chars=2000)
    outcomes = [o.text for o in store.get_programme_outcomes("BSC-SD", None)]
    matcher = services.load_matcher(settings, store, encoder)
    queries = [EmbeddingCache.key(encoder.fingerprint, "query", t) for t in outcomes]
    assert all(encoder.cache.get(k) is None for k in queries)
    try:
        with TestClient(create_app(settings, matcher=matcher, store=store)):
            assert all(encoder.cache.get(k) is not None for k in queries)
    finally:
        store.close()
