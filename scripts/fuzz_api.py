"""Fuzz the API with schemathesis as every role, over a tiny model and a temporary store.

    PYTHONPATH=src python scripts/fuzz_api.py --examples 100 --sequences 50 --steps 8

Each operation alone as every role (bearer tokens, a reviewer's web session cookie with and
without its CSRF token), then --sequences call sequences of up to --steps linked calls per
role along the links schemathesis infers from the OpenAPI.

Loopback only: the app runs in-process (ASGI), nothing listens on a port. Prints the examples
run, the status codes seen and every distinct failure; exits 1 if there was any.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"
sys.path.insert(0, str(TESTS))

from fastapi.testclient import TestClient  # noqa: E402

from conftest import (  # noqa: E402
    ROLES,
    SAMPLE_CATALOGUE_YAML,
    SAMPLE_FRAMEWORK_CSV,
    build_tiny_model,
)
from fuzz_support import FuzzReport, cookie_roles, fuzz, fuzz_stateful  # noqa: E402
from outcome_matcher import services  # noqa: E402
from outcome_matcher.app import create_app  # noqa: E402
from outcome_matcher.config import Settings  # noqa: E402
from outcome_matcher.encoders import SentenceTransformerEncoder  # noqa: E402
from outcome_matcher.store import Store  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=100, help="cases per operation and role")
    parser.add_argument("--sequences", type=int, default=50, help="stateful sequences per role")
    parser.add_argument("--steps", type=int, default=8, help="most calls in one sequence")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        encoder = SentenceTransformerEncoder(build_tiny_model(tmp / "tiny"), name="tiny")
        settings = Settings(data_dir=tmp / "data")
        store = Store.open(settings.db_url, migrate=True)
        (tmp / "fw.csv").write_text(SAMPLE_FRAMEWORK_CSV, encoding="utf-8")
        (tmp / "cat.yaml").write_text(SAMPLE_CATALOGUE_YAML, encoding="utf-8")
        services.add_framework(
            store, encoder, settings, name="demo", path=tmp / "fw.csv", format="csv"
        )
        services.add_catalogue(store, tmp / "cat.yaml", name=None, max_chars=2000)
        matcher = services.load_matcher(settings, store, encoder)
        headers = {
            role: {"Authorization": f"Bearer {store.add_user(f'{role}-user', role)[1]}"}
            for role in ROLES
        }
        cookies = cookie_roles(store, "reviewer-user")
        no_csrf = frozenset(role for role in cookies if "no CSRF" in role)
        with TestClient(create_app(settings, matcher=matcher, store=store)) as client:
            started = time.monotonic()
            single = fuzz(
                client.app,
                headers | {"anonymous": {}} | cookies,
                max_examples=args.examples,
                no_writes=no_csrf,
            )
            _print("single operations", single, time.monotonic() - started)
            # Admin last: its sequences deactivate the users the others act as.
            ordered = dict(sorted(headers.items(), key=lambda item: item[0] == "admin"))
            started = time.monotonic()
            linked = fuzz_stateful(client.app, ordered, args.sequences, args.steps)
            _print("linked sequences", linked, time.monotonic() - started)
        store.close()
    return 1 if single.failures or linked.failures else 0


def _print(phase: str, report: FuzzReport, seconds: float) -> None:
    print(f"{phase}: {report.examples} calls in {seconds:.0f} s")
    print("  statuses:", dict(sorted(report.statuses.items())))
    print(f"  failures: {len(report.failures)}")
    for failure in report.failures:
        print("    " + failure)
    for note in report.notes:
        print("  note: " + note)


if __name__ == "__main__":
    sys.exit(main())
