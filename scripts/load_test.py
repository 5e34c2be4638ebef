"""Load test on loopback: N reviewers deciding and M designers searching against a real server.

Starts uvicorn on 127.0.0.1 over a fresh store (SQLite file, or a fresh PostgreSQL database
made from --postgres and dropped afterwards) with the test suite's sample programme and
framework and a model (the tiny random test model unless --model-path), then runs reviewer
threads (fetch the queue and the matrix, post decisions with expected_version, some
deliberately stale) and designer threads (ad-hoc POST /suggestions) for --seconds. Prints
JSON: decisions/s, latency percentiles per endpoint, status counts, and an audit that every
accepted decision is in the store and the audit log exactly once and every stale post got 409.

A reviewer reads the queue and the matrix, then thinks for a random 0.5x-1.5x of --think
seconds before posting (as locust's `wait_time`): people take seconds to judge a link, and a
closed loop with no pause measures the server's saturation, not a reviewer's wait. `--think 0`
is that saturation run (the decision then queues behind the other reviewers' matrix reads).

    PYTHONPATH=src python scripts/load_test.py --reviewers 20 --designers 2 --seconds 60
    PYTHONPATH=src python scripts/load_test.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the sample data and the tiny model of the suite

PROGRAMME, FRAMEWORK, STANDARD = "BSC-SD", "demo", "SD Software developer"
STALE_SHARE = 0.1


@contextmanager
def fresh_postgres(admin_url: str) -> Iterator[str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"test_load_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare(url: str, data: Path, model: Path, reviewers: int, designers: int) -> dict[str, str]:
    """Sample framework and programme, users; returns user name -> token."""
    from conftest import SAMPLE_CATALOGUE_YAML, SAMPLE_FRAMEWORK_CSV
    from outcome_matcher import services
    from outcome_matcher.config import Settings
    from outcome_matcher.encoders import load_encoder
    from outcome_matcher.store import Store

    settings = Settings(data_dir=data, database_url=url, model_path=model, threads=1)
    (data / "fw.csv").write_text(SAMPLE_FRAMEWORK_CSV, encoding="utf-8")
    (data / "cat.yaml").write_text(SAMPLE_CATALOGUE_YAML, encoding="utf-8")
    with Store.open(url, migrate=True) as store:
        encoder = load_encoder(settings)
        services.add_framework(
            store, encoder, settings, name=FRAMEWORK, path=data / "fw.csv", format="csv"
        )
        services.add_catalogue(store, data / "cat.yaml", name=None, max_chars=2000)
        tokens = {f"r{i}": store.add_user(f"r{i}", "reviewer")[1] for i in range(reviewers)}
        tokens |= {f"d{i}": store.add_user(f"d{i}", "designer")[1] for i in range(designers)}
    return tokens


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(url: str, data: Path, model: Path, port: int, threads: int) -> Iterator[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "OUTCOME_MATCHER_DATA_DIR": str(data),
        "OUTCOME_MATCHER_DATABASE_URL": url,
        "OUTCOME_MATCHER_MODEL_PATH": str(model),
        "OUTCOME_MATCHER_THREADS": str(threads),
    }
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "outcome_matcher.app:create_app"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    proc = subprocess.Popen(cmd, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        else:
            raise RuntimeError("the server did not come up")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, Counter[int]] = defaultdict(Counter)
        self.accepted: list[dict[str, Any]] = []
        self.stale_statuses: Counter[int] = Counter()

    def call(self, client: httpx.Client, name: str, method: str, path: str, **kw: Any) -> Any:
        start = time.perf_counter()
        try:
            response = client.request(method, path, **kw)
            code = response.status_code
        except httpx.HTTPError:
            response, code = None, 0
        with self.lock:
            self.latency[name].append(time.perf_counter() - start)
            self.status[name][code] += 1
        return response


def _cells(matrix: Any) -> list[dict[str, Any]]:
    """Every cell of the matrix JSON (dicts with a module code and a version)."""
    found: list[dict[str, Any]] = []
    stack = [matrix]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "module_code" in item and "version" in item and "competency_id" in item:
                found.append(item)
            else:
                stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def reviewer(base: str, token: str, rec: Recorder, until: float, seed: int, think: float) -> None:
    rng = random.Random(seed)
    query = {"framework": FRAMEWORK, "standard": STANDARD}
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as client:
        while time.monotonic() < until:
            rec.call(client, "GET review-queue", "GET", f"/programmes/{PROGRAMME}/review-queue",
                     params={**query, "limit": 20})  # fmt: skip
            matrix = rec.call(client, "GET matrix", "GET", f"/programmes/{PROGRAMME}/matrix",
                              params=query)  # fmt: skip
            if matrix is None or matrix.status_code != 200:
                continue
            cell = rng.choice(_cells(matrix.json()))
            if think > 0:
                time.sleep(think * rng.uniform(0.5, 1.5))
            stale = cell["version"] >= 1 and rng.random() < STALE_SHARE
            verdict = rng.choice(["accepted", "rejected", "partial"])
            body = {
                "programme": PROGRAMME, "module": cell["module_code"], "framework": FRAMEWORK,
                "competency_id": cell["competency_id"], "verdict": verdict,
                "relation": None if verdict == "rejected" else "close",
                "reason": f"load test {seed}", "expected_version": cell["version"] - stale,
            }  # fmt: skip
            response = rec.call(client, "POST decisions", "POST", "/decisions", json=body)
            if response is None:
                continue
            with rec.lock:
                if stale:
                    rec.stale_statuses[response.status_code] += 1
                elif response.status_code == 201:
                    rec.accepted.append(response.json())


def designer(base: str, token: str, rec: Recorder, until: float, seed: int) -> None:
    texts = ["designs relational databases", "writes unit tests", "analyses requirements"]
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as client:
        i = seed
        while time.monotonic() < until:
            body = {"framework": FRAMEWORK, "texts": [{"id": "t", "text": texts[i % 3]}]}
            rec.call(client, "POST suggestions", "POST", "/suggestions", json=body, timeout=60)
            i += 1


def audit(url: str, rec: Recorder) -> dict[str, Any]:
    """Every accepted decision in the store and in the audit log exactly once."""
    from outcome_matcher.store import Store

    with Store.open(url, migrate=True) as store:
        history = store.decision_history()
        entries = store.audit_entries(entity="decision", limit=10**7)
    stored = Counter(d.id for d in history)
    accepted_ids = [d["id"] for d in rec.accepted]
    logged = Counter(
        (e.entity_key, e.detail.get("version")) for e in entries if e.action == "decision.add"
    )
    keys = {
        d.id: (f"{d.catalogue}/{d.programme}/{d.module}|{d.framework}|{d.competency_id}", d.version)
        for d in history
    }
    versions: dict[tuple[str, str], list[int]] = defaultdict(list)
    for d in history:
        versions[(d.module, d.competency_id)].append(d.version)
    return {
        "accepted": len(accepted_ids),
        "accepted_ids_unique": len(set(accepted_ids)) == len(accepted_ids),
        "stored_decisions": len(history),
        "every_accepted_stored_once": all(stored[i] == 1 for i in accepted_ids),
        "nothing_stored_that_was_not_accepted": set(stored) == set(accepted_ids),
        "audit_rows_exactly_once": all(logged[keys[i]] == 1 for i in accepted_ids),
        "audit_rows": sum(logged.values()),
        "versions_contiguous": all(
            sorted(v) == list(range(1, len(v) + 1)) for v in versions.values()
        ),
        "stale_posts": sum(rec.stale_statuses.values()),
        "stale_statuses": dict(rec.stale_statuses),
        "every_stale_got_409": set(rec.stale_statuses) <= {409},
    }


def summary(rec: Recorder, seconds: float) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, values in sorted(rec.latency.items()):
        ordered = sorted(values)

        def pct(p: float, ordered: list[float] = ordered) -> float:
            return round(1000 * ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)

        out[name] = {"n": len(values), "p50_ms": pct(0.5), "p95_ms": pct(0.95),
                     "p99_ms": pct(0.99), "statuses": dict(rec.status[name])}  # fmt: skip
    out["decisions_per_second"] = round(len(rec.accepted) / seconds, 2)
    return out


def run(args: argparse.Namespace, url: str, work: Path) -> dict[str, Any]:
    data = work / "data"
    data.mkdir()
    model = args.model_path
    if model is None:
        from conftest import build_tiny_model

        model = build_tiny_model(work / "tiny-model")
    tokens = prepare(url, data, model, args.reviewers, args.designers)
    rec = Recorder()
    with server(url, data, model, args.port or free_port(), args.threads) as base:
        until = time.monotonic() + args.seconds
        threads = [
            threading.Thread(
                target=reviewer, args=(base, tokens[f"r{i}"], rec, until, i, args.think)
            )
            for i in range(args.reviewers)
        ] + [
            threading.Thread(target=designer, args=(base, tokens[f"d{i}"], rec, until, i))
            for i in range(args.designers)
        ]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=args.seconds + 120)
        elapsed = time.monotonic() - started
    return {
        "database": url.split(":", 1)[0],
        "reviewers": args.reviewers,
        "designers": args.designers,
        "seconds": round(elapsed, 1),
        "model": str(args.model_path or "tiny random test model (2 layers, 32 dims)"),
        "server_threads": args.threads,
        "think_seconds": args.think,
        **summary(rec, elapsed),
        "audit": audit(url, rec),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--designers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--postgres", help="admin URL; a fresh database is made and dropped")
    parser.add_argument("--model-path", type=Path)
    parser.add_argument("--threads", type=int, default=1, help="the server's model threads")
    parser.add_argument("--port", type=int)
    parser.add_argument(
        "--think", type=float, default=2.0, help="a reviewer's mean pause before deciding (s)"
    )
    args = parser.parse_args()
    if args.reviewers > 100 or args.seconds > 600:
        parser.error("bounded: at most 100 reviewers and 600 seconds")
    with tempfile.TemporaryDirectory(prefix="om-load-") as tmp:
        work = Path(tmp)
        if args.postgres:
            with fresh_postgres(args.postgres) as url:
                result = run(args, url, work)
        else:
            result = run(args, f"sqlite:///{work / 'store.sqlite3'}", work)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
