"""GET /calibration and the home page say which calibration is in force, and since when."""

from __future__ import annotations

from dataclasses import replace

from api_support import matcher_of
from conftest import ApiEnv
from outcome_matcher import services
from outcome_matcher.retrieval.calibration import load_calibration
from outcome_matcher.retrieval.deployment_calibration import CalibrationRecord, save_record


def test_calibration_status_follows_an_activated_refit(api_env: ApiEnv) -> None:
    headers = api_env.auth("auditor")
    before = api_env.client.get("/calibration", params={"framework": "demo"}, headers=headers)
    assert before.status_code == 200
    assert before.json()["source"] == "shipped" and before.json()["n_decisions"] is None
    shipped = load_calibration(api_env.settings.model)
    assert shipped is not None
    own = replace(shipped, threshold=0.77, fitted_on="120 decisions on demo, 2026-12-01")
    record = CalibrationRecord(
        "demo", own, 120, 40, "2026-12-01T15:00:00+00:00", 0.12, 0.05, 0.5, 0.4
    )
    save_record(api_env.settings.data_dir, record)
    fresh = services.load_matcher(api_env.settings, api_env.store, matcher_of(api_env).encoder)
    api_env.client.app.state.matcher = fresh  # type: ignore[attr-defined]
    after = api_env.client.get("/calibration", params={"framework": "demo"}, headers=headers)
    body = after.json()
    assert (body["source"], body["n_decisions"], body["threshold"]) == ("deployment", 120, 0.77)
    assert body["fitted"].startswith("2026-12-01") and body["ece_after"] == 0.05
    missing = api_env.client.get("/calibration", params={"framework": "nope"}, headers=headers)
    assert missing.status_code == 404
    assert api_env.client.get("/calibration", params={"framework": "demo"}).status_code == 401
    login = api_env.client.post("/login", data={"token": api_env.tokens["auditor"], "next": "/"})
    assert "Calibration refitted on 2026-12-01 from 120 decisions" in login.text
