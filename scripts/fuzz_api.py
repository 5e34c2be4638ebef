"""Fuzz the API with schemathesis as every role, over a tiny model and a temporary store.

    PYTHONPATH=src python scripts/fuzz_api.py --examples 100

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
from fuzz_support import fuzz  # noqa: E402
from outcome_matcher import services  # noqa: E402
from outcome_matcher.app import create_app  # noqa: E402
from outcome_matcher.config import Settings  # noqa: E402
from outcome_matcher.encoders import SentenceTransformerEncoder  # noqa: E402
from outcome_matcher.store import Store  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=100, help="cases per operation and role")
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
        } | {"anonymous": {}}
        started = time.monotonic()
        with TestClient(create_app(settings, matcher=matcher, store=store)) as client:
            report = fuzz(client.app, headers, max_examples=args.examples)
        store.close()
    elapsed = time.monotonic() - started
    print(
        f"examples: {report.examples} in {elapsed:.0f} s ({args.examples} per operation and role)"
    )
    print("statuses:", dict(sorted(report.statuses.items())))
    print(f"failures: {len(report.failures)}")
    for failure in report.failures:
        print("  " + failure)
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
