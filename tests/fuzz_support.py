"""Schemathesis over the app's own OpenAPI, as each role: no 5xx, documented statuses and
bodies, no stack trace or SQL in any answer. Shared by the test suite and scripts/fuzz_api.py.

Two phases: each operation alone (`fuzz`), and call sequences (`fuzz_stateful`) along the links
schemathesis infers from the schema (POST /users -> POST /users/{name}/tokens, POST
/micro-qualifications -> PUT .../{key} -> sign-off -> publish, POST /jobs/align -> GET
/jobs/{id} ...), so that operations on resources that exist get tested, not only 404s. A role
may be a bearer token or the web UI's session cookie (with or without its CSRF token).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import FlakyStrategyDefinition
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from outcome_matcher.api.cookie_auth import CSRF_HEADER, SESSION_COOKIE, csrf_for
from outcome_matcher.store import Store

SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
# The caller's own token would be revoked mid-run; tests/test_security_sessions.py covers it.
SKIPPED = {("POST", "/tokens/rotate")}
LEAK = re.compile(
    r"Traceback \(most recent call last\)|File \"/|sqlalchemy|sqlite3\.|psycopg|"
    r"\bSELECT\b.+\bFROM\b|\bINSERT INTO\b|\bUPDATE\b.+\bSET\b",
    re.IGNORECASE | re.DOTALL,
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def cookie_roles(store: Store, user: str) -> dict[str, dict[str, str]]:
    """`user`'s web session as two fuzzing roles: with its CSRF token, and without it."""
    session = store.create_session(user, lifetime=timedelta(hours=1))
    cookie = {"Cookie": f"{SESSION_COOKIE}={session}"}
    return {
        f"{user} (cookie)": cookie | {CSRF_HEADER: csrf_for(session)},
        f"{user} (cookie, no CSRF)": cookie,
    }


@dataclass
class FuzzReport:
    """What one run sent and what it found: failures as 'ROLE METHOD PATH: problem'."""

    examples: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    # Sequences cut short by the fuzzer itself, not by the app (see fuzz_stateful).
    notes: list[str] = field(default_factory=list)


def fuzz(
    app: Any,
    headers: dict[str, dict[str, str]],
    max_examples: int,
    *,
    no_writes: frozenset[str] = frozenset(),
) -> FuzzReport:
    """Every operation as every role in `headers`, `max_examples` cases each. Roles named in
    `no_writes` (a session cookie without its CSRF token) must never get a 2xx on a write."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    report = FuzzReport()
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        for role, role_headers in headers.items():
            _fuzz_one(operation, role, role_headers, max_examples, report, role in no_writes)
    return report


def fuzz_stateful(
    app: Any, headers: dict[str, dict[str, str]], max_examples: int, steps: int
) -> FuzzReport:
    """Sequences of up to `steps` linked calls as each role, `max_examples` sequences each."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    report = FuzzReport()
    for role, role_headers in headers.items():
        machine = _machine(schema.as_state_machine(), role, role_headers, report)
        try:
            machine.run(
                settings=settings(
                    max_examples=max_examples,
                    stateful_step_count=steps,
                    deadline=None,
                    database=None,
                    derandomize=True,
                    suppress_health_check=list(HealthCheck),
                )
            )
        except FlakyStrategyDefinition as error:
            # The links feed later calls with earlier responses, and the store (and a job's
            # state) changes between sequences, so a replayed prefix can draw differently: a
            # limit of the fuzzer with a stateful app, not a finding; that role stops there.
            report.notes.append(f"{role} (sequence): stopped early: {type(error).__name__}")
        except Exception as error:  # the app raised (a 500 in a server): report, go on
            first = str(error).strip().splitlines()[0] if str(error).strip() else ""
            report.failures.append(f"{role} (sequence): {type(error).__name__}: {first}")
    return report


def _machine(base: Any, role: str, headers: dict[str, str], report: FuzzReport) -> Any:
    """The inferred state machine, calling as `role` and recording (not raising) failures."""
    seen: set[str] = set()

    class Machine(base):  # type: ignore[misc,valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": headers}

        def call(self, case: Any, **kwargs: Any) -> Any:
            if (case.method.upper(), case.operation.path) in SKIPPED:
                kwargs = {**kwargs, "headers": {}}  # anonymous: 401, the token stays valid
            return super().call(case, **kwargs)

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            report.examples += 1
            report.statuses[response.status_code] += 1
            label = f"{role} (stateful) {case.method.upper()} {case.operation.path}"
            try:
                case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)
            except (Exception, FailureGroup) as error:
                _record(report, seen, label, _summary(error))
            if LEAK.search(response.text):
                _record(report, seen, label, ["stack trace or SQL in the body"])

    return Machine


def _fuzz_one(
    operation: Any,
    role: str,
    headers: dict[str, str],
    max_examples: int,
    report: FuzzReport,
    no_writes: bool,
) -> None:
    label = f"{role} {operation.method.upper()} {operation.path}"
    seen: set[str] = set()

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=True,  # the same cases every run: a failure in CI reproduces locally
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        report.examples += 1
        try:
            response = case.call_and_validate(headers=headers, checks=CHECKS)
        except (Exception, FailureGroup) as error:  # FailureGroup is a BaseExceptionGroup
            _record(report, seen, label, _summary(error))
            return
        report.statuses[response.status_code] += 1
        if LEAK.search(response.text):
            _record(report, seen, label, ["stack trace or SQL in the body", response.text[:200]])
        if no_writes and operation.method.upper() not in SAFE and response.status_code < 300:
            _record(report, seen, label, [f"a write without CSRF got {response.status_code}"])

    run()


def _record(report: FuzzReport, seen: set[str], label: str, lines: list[str]) -> None:
    problem = " | ".join(line.strip() for line in lines if line.strip())
    if problem not in seen:  # one line per distinct problem and operation
        seen.add(problem)
        report.failures.append(f"{label}: {problem}")


def _summary(error: BaseException) -> list[str]:
    """The first lines of each failure in a (possibly grouped) schemathesis error."""
    parts = getattr(error, "exceptions", None) or [error]
    lines = [f"{type(e).__name__}: " + " ".join(str(e).split("\n")[0:3]) for e in parts]
    curl = re.search(r"curl .+", str(error))
    return [*lines, curl.group(0)[:300] if curl else ""]
