"""Micro-qualifications over HTTP: propose, roles, 4xx, publish refusals, exports, recognition."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from api_support import force_confidence
from conftest import ApiEnv
from microquals_support import SAMPLE, complete
from outcome_matcher import services
from outcome_matcher.microquals.validate import validate_elm, validate_ob3

CATALOGUE = """name: mq
institution: Test University
programmes:
  - code: BSC-T
    title: BSc Testing
    lang: en
    modules:
      - code: CHEAP
        title: Testing in practice
        credits: 3
        outcomes:
          - execute software tests and report defects
          - use version control with git
      - code: DEAR
        title: Software engineering
        credits: 5
        outcomes:
          - design database scheme for an application
          - execute software tests for a web application
"""
STD = "SD Software developer"


@pytest.fixture()
def env(api_env: ApiEnv, tmp_path: Path) -> ApiEnv:
    (tmp_path / "mq.yaml").write_text(CATALOGUE, encoding="utf-8")
    services.add_catalogue(api_env.store, tmp_path / "mq.yaml", name=None, max_chars=2000)
    return api_env


def _propose(env: ApiEnv, role: str = "designer", **body: Any) -> Any:
    payload = {"framework": "demo", "standard": STD, "catalogues": ["mq"], **body}
    return env.client.post("/micro-qualifications/propose", json=payload, headers=env.auth(role))


def test_propose_picks_the_cheapest_cover_and_swaps(env: ApiEnv) -> None:
    force_confidence(env, high=True)  # every module covers every target: the cost decides
    r = _propose(env, unit="U2 Build", title="Automated testing")
    assert r.status_code == 200, r.text
    body = r.json()
    assert [c["key"] for c in body["chosen"]] == ["mq/BSC-T/CHEAP"]
    assert body["total_credits"] == 3 and body["residual"] == [] and body["coverage"] == 1.0
    mq = body["micro_qualification"]
    assert mq["workload"]["ects"] == 3 and mq["title"] == "Automated testing"
    assert mq["sources"][0]["module"] == "CHEAP" and len(mq["learning_outcomes"]) == 2
    assert {t["competency_id"] for t in body["targets"]} == {"SD-02", "SD-03"}
    swapped = _propose(env, unit="U2 Build", exclude=["mq/BSC-T/CHEAP"]).json()
    assert [c["key"] for c in swapped["chosen"]] == ["mq/BSC-T/DEAR"]
    both = _propose(env, unit="U2 Build", include=["mq/BSC-T/DEAR"]).json()
    assert [c["key"] for c in both["chosen"]] == ["mq/BSC-T/DEAR"] and both["chosen"][0]["forced"]


def test_nothing_adequate_leaves_every_target_residual(env: ApiEnv) -> None:
    force_confidence(env, high=False)
    body = _propose(env, unit="U2 Build").json()
    assert body["chosen"] == [] and sorted(body["residual"]) == ["SD-02", "SD-03"]
    assert body["coverage"] == 0.0 and body["micro_qualification"]["workload"] is None


def test_propose_4xx(env: ApiEnv) -> None:
    r = env.client.post(
        "/micro-qualifications/propose",
        json={"framework": "demo", "catalogues": ["mq"]},
        headers=env.auth("designer"),
    )
    assert r.status_code == 422 and "no requirements" in r.json()["message"]
    other = _propose(env, standard=None, competency_ids=["http://data.europa.eu/esco/skill/x"])
    assert other.status_code == 422 and "not in framework 'demo'" in other.json()["message"]
    assert _propose(env, unit="U9 None").status_code == 422
    assert _propose(env, role="reviewer").status_code == 403
    assert env.client.post("/micro-qualifications/propose", json={}).status_code == 401


def test_store_sign_off_publish_and_roles(env: ApiEnv) -> None:
    draft = {"title": "Draft only", "targets": {"framework": "demo", "standard": STD}}
    assert (
        env.client.post(
            "/micro-qualifications", json=draft, headers=env.auth("reviewer")
        ).status_code
        == 403
    )
    r = env.client.post("/micro-qualifications", json=draft, headers=env.auth("designer"))
    assert r.status_code == 201
    key = r.json()["id"]
    refused = env.client.post(f"/micro-qualifications/{key}/publish", headers=env.auth("designer"))
    assert refused.status_code == 422
    assert refused.json()["missing"] == [
        "awarding_body", "awarding_body.country", "learning_outcomes", "workload", "level",
        "assessment", "participation", "quality_assurance",
    ]  # fmt: skip
    full = complete(id=key, targets=None).model_dump(mode="json")
    put = env.client.put(f"/micro-qualifications/{key}", json=full, headers=env.auth("designer"))
    assert put.status_code == 200 and put.json()["version"] == 2
    sign = env.client.post(
        f"/micro-qualifications/{key}/sign-off", json={}, headers=env.auth("designer")
    )
    assert sign.status_code == 403
    sign = env.client.post(
        f"/micro-qualifications/{key}/sign-off",
        json={"comment": "ok"},
        headers=env.auth("reviewer"),
    )
    assert sign.status_code == 200 and sign.json()["signoffs"][0]["verdict"] == "approved"
    listed = env.client.get("/micro-qualifications", headers=env.auth("auditor")).json()
    assert [(m["id"], m["missing"]) for m in listed] == [(key, [])]
    done = env.client.post(f"/micro-qualifications/{key}/publish", headers=env.auth("designer"))
    assert done.status_code == 200 and done.json()["status"] == "published"
    assert (
        env.client.get("/micro-qualifications/nope", headers=env.auth("auditor")).status_code == 404
    )


def test_exports_validate(env: ApiEnv) -> None:
    r = env.client.post(
        "/micro-qualifications",
        json=complete().model_dump(mode="json"),
        headers=env.auth("designer"),
    )
    key = r.json()["id"]
    elm = env.client.get(
        f"/micro-qualifications/{key}/export?format=elm", headers=env.auth("auditor")
    )
    assert elm.status_code == 200 and elm.headers["content-type"].startswith("application/ld+json")
    assert validate_elm(elm.json()) == []
    ob3 = env.client.get(
        f"/micro-qualifications/{key}/export?format=ob3", headers=env.auth("auditor")
    )
    assert validate_ob3(ob3.json()) == []
    html = env.client.get(
        f"/micro-qualifications/{key}/export?format=html", headers=env.auth("auditor")
    )
    assert "Automated software testing" in html.text
    draft = env.client.post(
        "/micro-qualifications", json={"title": "x"}, headers=env.auth("designer")
    )
    gaps = env.client.get(
        f"/micro-qualifications/{draft.json()['id']}/export?format=elm", headers=env.auth("auditor")
    )
    assert gaps.status_code == 422 and "learning_outcomes" in gaps.json()["missing"]


def test_recognise_the_commission_sample(env: ApiEnv) -> None:
    force_confidence(env, high=True)
    with SAMPLE.open("rb") as f:
        r = env.client.post(
            "/micro-qualifications/recognise?catalogue=mq&framework=demo&standard=" + STD,
            files={"file": ("sample.jsonld", f, "application/ld+json")},
            headers=env.auth("reviewer"),
        )
    assert r.status_code == 200, r.text
    report = r.json()["report"]
    assert report["title"] and report["modules"]
    first = report["modules"][0]
    assert first["evidence"] and first["module"]["catalogue"] == "mq"
    assert r.json()["standard"]["coverage"] == 1.0


def test_recognise_rejects_bad_files(env: ApiEnv) -> None:
    bad = env.client.post(
        "/micro-qualifications/recognise?catalogue=mq",
        files={"file": ("x.json", b"{not json", "application/json")},
        headers=env.auth("reviewer"),
    )
    assert bad.status_code == 422 and "not valid JSON" in bad.json()["message"]
    big = env.client.post(
        "/micro-qualifications/recognise?catalogue=mq",
        files={"file": ("x.json", b" " * 2_000_001, "application/json")},
        headers=env.auth("reviewer"),
    )
    assert big.status_code == 422


def test_outcome_grain_weighs_a_share_of_the_module(env: ApiEnv) -> None:
    force_confidence(env, high=True)
    body = _propose(env, competency_ids=["SD-02"], standard=None, grain="outcome").json()
    (chosen,) = body["chosen"]
    # one of CHEAP's two outcomes: half of its 3 credits, the lightest item covering SD-02
    assert chosen["key"].startswith("mq/BSC-T/CHEAP#") and body["total_credits"] == 1.5
    assert len(body["micro_qualification"]["learning_outcomes"]) == 1


def test_check_a_proposal(env: ApiEnv) -> None:
    mq = complete(targets=None).model_dump(mode="json")
    payload = {
        "micro_qualification": mq,
        "framework": "demo",
        "standard": STD,
        "catalogues": ["mq"],
    }
    force_confidence(env, high=False)
    low = env.client.post("/micro-qualifications/check", json=payload, headers=env.auth("auditor"))
    assert low.status_code == 200 and low.json()["coverage"] == 0.0
    assert low.json()["missing"] == [] and len(low.json()["uncovered"]) == 4
    force_confidence(env, high=True)
    high = env.client.post("/micro-qualifications/check", json=payload, headers=env.auth("auditor"))
    assert high.json()["coverage"] == 1.0
    assert {o["module"] for o in high.json()["overlap"]} == {"mq/BSC-T/CHEAP", "mq/BSC-T/DEAR"}
