"""Helpers for API tests: an app over any database URL, decision bodies, rule control."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from conftest import ROLES, SAMPLE_CATALOGUE_YAML, SAMPLE_FRAMEWORK_CSV, ApiEnv
from outcome_matcher import services
from outcome_matcher.app import create_app
from outcome_matcher.config import Settings
from outcome_matcher.encoders import Encoder
from outcome_matcher.retrieval.calibration import Calibration
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.store import Store

STANDARD = "SD Software developer"


@contextmanager
def api_env_at(encoder: Encoder, tmp_path: Path, url: str) -> Iterator[ApiEnv]:
    """Like the `api_env` fixture, over the database at `url`."""
    settings = Settings(data_dir=tmp_path / "data", database_url=url)
    store = Store.open(url, migrate=True)
    (tmp_path / "fw.csv").write_text(SAMPLE_FRAMEWORK_CSV, encoding="utf-8")
    (tmp_path / "cat.yaml").write_text(SAMPLE_CATALOGUE_YAML, encoding="utf-8")
    services.add_framework(
        store, encoder, settings, name="demo", path=tmp_path / "fw.csv", format="csv"
    )
    services.add_catalogue(store, tmp_path / "cat.yaml", name=None, max_chars=2000)
    matcher = services.load_matcher(settings, store, encoder)
    tokens = {role: store.add_user(f"{role}-user", role)[1] for role in ROLES}
    try:
        with TestClient(create_app(settings, matcher=matcher, store=store)) as client:
            yield ApiEnv(client, store, settings, tokens)
    finally:
        store.close()


def decision(
    version: int = 0,
    verdict: str = "accepted",
    competency: str = "SD-01",
    module: str = "DB",
    reason: str = "covered by the module",
    **extra: Any,
) -> dict[str, Any]:
    """A POST /decisions body for a BSC-SD module and a demo competency."""
    return {
        "programme": "BSC-SD",
        "module": module,
        "framework": "demo",
        "competency_id": competency,
        "verdict": verdict,
        "relation": None if verdict == "rejected" else "exact",
        "reason": reason,
        "expected_version": version,
        **extra,
    }


def matcher_of(env: ApiEnv) -> Matcher:
    matcher: Matcher = env.client.app.state.matcher  # type: ignore[attr-defined]
    return matcher


def force_confidence(env: ApiEnv, high: bool) -> None:
    """Make every link high- (or low-) confidence, whatever the tiny random model scores."""
    # weight 0: confidence is sigmoid(intercept); the threshold puts every score above or below.
    matcher_of(env).calibration = Calibration(
        model_name="test",
        weights=(0.0,),
        intercept=10.0 if high else -10.0,
        threshold=-10.0 if high else 10.0,
    )
