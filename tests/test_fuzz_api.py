"""Schemathesis against the app's own OpenAPI, bounded: every operation as every role."""

from __future__ import annotations

from conftest import ROLES, ApiEnv
from fuzz_support import fuzz

EXAMPLES = 8  # per operation and role; scripts/fuzz_api.py --examples N runs longer


def test_fuzzed_api_has_no_server_error_and_keeps_its_schema(api_env: ApiEnv) -> None:
    headers = {role: api_env.auth(role) for role in ROLES} | {"anonymous": {}}
    report = fuzz(api_env.client.app, headers, max_examples=EXAMPLES)
    assert report.examples > 500
    assert report.failures == [], "\n".join(report.failures)
    assert not [s for s in report.statuses if s >= 500]
