"""Schemathesis over the app's own OpenAPI, as each role: no 5xx, documented statuses and
bodies, no stack trace or SQL in any answer. Shared by the test suite and scripts/fuzz_api.py."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

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


@dataclass
class FuzzReport:
    """What one run sent and what it found: failures as 'ROLE METHOD PATH: problem'."""

    examples: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


def fuzz(app: Any, headers: dict[str, dict[str, str]], max_examples: int) -> FuzzReport:
    """Every operation as every role in `headers`, `max_examples` cases each."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    report = FuzzReport()
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        for role, role_headers in headers.items():
            _fuzz_one(operation, role, role_headers, max_examples, report)
    return report


def _fuzz_one(
    operation: Any, role: str, headers: dict[str, str], max_examples: int, report: FuzzReport
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
