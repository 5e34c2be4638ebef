"""Schemathesis against the app's own OpenAPI, bounded: every operation as every role (bearer
tokens and a web session cookie), then linked call sequences."""

from __future__ import annotations

from conftest import ROLES, ApiEnv
from fuzz_support import cookie_roles, fuzz, fuzz_stateful

EXAMPLES = 8  # per operation and role; scripts/fuzz_api.py --examples N runs longer
SEQUENCES, STEPS = 8, 4  # per role in the stateful phase


def test_fuzzed_api_has_no_server_error_and_keeps_its_schema(api_env: ApiEnv) -> None:
    cookies = cookie_roles(api_env.store, "reviewer-user")
    headers = {role: api_env.auth(role) for role in ROLES} | {"anonymous": {}} | cookies
    no_csrf = frozenset(role for role in cookies if "no CSRF" in role)
    report = fuzz(api_env.client.app, headers, max_examples=EXAMPLES, no_writes=no_csrf)
    assert report.examples > 500
    assert report.failures == [], "\n".join(report.failures)
    assert not [s for s in report.statuses if s >= 500]


def test_linked_call_sequences_have_no_server_error(api_env: ApiEnv) -> None:
    # Admin last: its sequences deactivate users that the other roles' sequences act as.
    headers = {role: api_env.auth(role) for role in sorted(ROLES, key=lambda r: r == "admin")}
    report = fuzz_stateful(api_env.client.app, headers, max_examples=SEQUENCES, steps=STEPS)
    assert report.examples >= SEQUENCES * len(ROLES)
    assert report.failures == [], "\n".join(report.failures)
    # Sequences reach resources that exist: some calls along links succeed.
    assert sum(n for status, n in report.statuses.items() if status < 300) > SEQUENCES
