"""kill -9 mid-import, mid-decision and mid-index-build: the store and the index are as
before or as after, never half. Each case runs the real work in a child process and
SIGKILLs it at a random point, several times."""

from __future__ import annotations

import csv
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text

from outcome_matcher.config import Settings
from outcome_matcher.retrieval.index import FrameworkIndex
from outcome_matcher.store import Store
from test_store_support import framework

SRC = Path(__file__).resolve().parents[1] / "src"
TESTS = Path(__file__).resolve().parent
KILLS = 3
PROGRAMMES, MODULES, OUTCOMES = 20, 15, 10  # 3,000 outcomes


def _child(script: str, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{TESTS}"}
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _kill_when(proc: subprocess.Popen[bytes], ready: Path, delay: float) -> None:
    """SIGKILL `delay` seconds after the child wrote `ready` (its work has begun)."""
    deadline = time.monotonic() + 120
    while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(delay)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def _big_catalogue(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["programme_code", "programme_title", "module_code", "module_title",
                         "outcomes"])  # fmt: skip
        for p in range(PROGRAMMES):
            for m in range(MODULES):
                texts = "\n".join(
                    f"Designs database {p}-{m}-{o} for a service" for o in range(OUTCOMES)
                )
                writer.writerow([f"P{p}", f"Programme {p}", f"M{m}", f"Module {m}", texts])
    return path


IMPORT = """
import sys
from pathlib import Path
from outcome_matcher import services
from outcome_matcher.store import Store
store = Store.open(sys.argv[1], migrate=True)
Path(sys.argv[3]).touch()
services.add_catalogue(store, Path(sys.argv[2]), name="big", max_chars=2000)
Path(sys.argv[3] + ".done").touch()
"""


def _full_import_seconds(tmp_path: Path, src: Path) -> float:
    """How long an uninterrupted import takes here, from the ready mark to the done mark."""
    url = f"sqlite:///{tmp_path / 'whole.sqlite3'}"
    Store.open(url, migrate=True).close()
    ready = tmp_path / "ready-whole"
    proc = _child(IMPORT, url, str(src), str(ready))
    assert proc.wait(timeout=300) == 0
    return (Path(f"{ready}.done").stat().st_mtime - ready.stat().st_mtime) or 0.1


def test_kill_mid_import_leaves_no_half_catalogue(tmp_path: Path) -> None:
    src = _big_catalogue(tmp_path / "big.csv")
    whole = _full_import_seconds(tmp_path, src)
    rng = random.Random(17)
    outcomes: list[int] = []
    for attempt in range(KILLS):
        url = f"sqlite:///{tmp_path / f'store{attempt}.sqlite3'}"
        Store.open(url, migrate=True).close()
        ready = tmp_path / f"ready{attempt}"
        # Kill points spread over the whole import, the commit included.
        delay = whole * rng.uniform(0.05, 1.0)
        _kill_when(_child(IMPORT, url, str(src), str(ready)), ready, delay)
        with Store.open(url, migrate=True) as store, store.engine.connect() as conn:
            n = conn.execute(text("SELECT COUNT(*) FROM outcomes")).scalar_one()
            cats = [c.name for c in store.list_catalogues()]
        assert (cats, n) in (([], 0), (["big"], PROGRAMMES * MODULES * OUTCOMES)), (cats, n)
        outcomes.append(n)
    print(f"import {whole:.1f} s; outcomes after each kill: {outcomes}")


DECIDE = """
import sys
from pathlib import Path
from outcome_matcher.store import DecisionCreate, Store
from test_store_support import catalogue, framework
store = Store.open(sys.argv[1], migrate=True)
store.add_framework(framework())
store.add_catalogue(catalogue())
rita = store.add_user("rita", "reviewer")[0]
Path(sys.argv[2]).touch()
for version in range(100000):
    store.decide(DecisionCreate(programme="P1", module="M1", framework="demo",
        competency_id="http://example.org/skill/0", verdict="accepted", relation="exact",
        reason=f"round {version}", expected_version=version), rita)
"""


def test_kill_mid_decisions_keeps_versions_contiguous(tmp_path: Path) -> None:
    rng = random.Random(18)
    for attempt in range(KILLS):
        url = f"sqlite:///{tmp_path / f'd{attempt}.sqlite3'}"
        ready = tmp_path / f"ready{attempt}"
        _kill_when(_child(DECIDE, url, str(ready)), ready, rng.uniform(0.2, 2.0))
        with Store.open(url, migrate=True) as store:
            versions = [d.version for d in store.decision_history()]
            audited = store.audit_entries(entity="decision", limit=10**6)
        assert versions and versions == list(range(1, len(versions) + 1))
        assert sorted(e.detail["version"] for e in audited) == versions  # one audit row each


REINDEX = """
import sys
from pathlib import Path
from outcome_matcher import services
from outcome_matcher.config import Settings
from outcome_matcher.store import Store
from batch_support import tiny_batch_encoder
settings = Settings(data_dir=Path(sys.argv[1]), threads=1)
store = Store.open(settings.db_url, migrate=True)
encoder = tiny_batch_encoder(Path(sys.argv[2]))
Path(sys.argv[3]).touch()
while True:
    services.reindex_framework(store, encoder, settings, "demo")
"""


def test_kill_mid_index_build_leaves_a_whole_index(tmp_path: Path, tiny_model_dir: Path) -> None:
    from batch_support import tiny_batch_encoder
    from outcome_matcher import services

    settings = Settings(data_dir=tmp_path / "data", threads=1)
    with Store.open(settings.db_url, migrate=True) as store:
        store.add_framework(framework(n=400))
        services.reindex_framework(store, tiny_batch_encoder(tiny_model_dir), settings, "demo")
    target = services.index_dir(settings, "demo")
    first = FrameworkIndex.load(target)
    rng = random.Random(19)
    for attempt in range(KILLS):
        ready = tmp_path / f"ready{attempt}"
        args = (str(settings.data_dir), str(tiny_model_dir), str(ready))
        _kill_when(_child(REINDEX, *args), ready, rng.uniform(0.5, 4.0))
        index = FrameworkIndex.load(target)
        assert index.meta.n_vectors == len(index.vectors) == len(first.vectors)
        assert index.competency_ids == first.competency_ids
