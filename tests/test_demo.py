"""The demo set-up on a small ESCO cut: imports once, creates one admin, is idempotent."""

from __future__ import annotations

import csv
import gzip
import shutil
import stat
from pathlib import Path

from outcome_matcher.cli.demo import prepare_demo
from outcome_matcher.config import Settings
from outcome_matcher.encoders import Encoder, SentenceTransformerEncoder
from outcome_matcher.microquals.demo import demo_targets
from outcome_matcher.retrieval.index import FrameworkIndex
from outcome_matcher.store import Store

CORPORA = Path(__file__).resolve().parents[1] / "corpora"


def _esco_cut(target: Path, n_skills: int = 60) -> None:
    """The first skills, the occupations and only the relations between those skills."""
    source = CORPORA / "esco_v1.1.1_en"
    target.mkdir(parents=True)
    with gzip.open(source / "skills_en.csv.gz", "rt", encoding="utf-8") as f:
        rows = list(csv.reader(f))[: n_skills + 1]
    kept = {row[1] for row in rows[1:]}
    _write(target / "skills_en.csv.gz", rows)
    with gzip.open(source / "occupationSkillRelations.csv.gz", "rt", encoding="utf-8") as f:
        relations = [r for i, r in enumerate(csv.reader(f)) if i == 0 or r[3] in kept]
    _write(target / "occupationSkillRelations.csv.gz", relations)
    shutil.copy(source / "occupations_en.csv.gz", target)


def _write(path: Path, rows: list[list[str]]) -> None:
    with gzip.open(path, "wt", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


def test_prepare_demo_imports_once(tiny_encoder: Encoder, tmp_path: Path) -> None:
    corpora = tmp_path / "corpora"
    _esco_cut(corpora / "esco_v1.1.1_en")
    shutil.copytree(CORPORA / "samples", corpora / "samples")
    settings = Settings(data_dir=tmp_path / "data")
    with Store.open(settings.db_url, migrate=True) as store:
        first = prepare_demo(settings, store, tiny_encoder, corpora)
        assert first.imported[0].startswith("ESCO v1.1.1")
        assert len(first.imported) == 1 + len(list((corpora / "samples").glob("*.yaml")))
        assert first.token and first.token_file is not None
        assert first.token_file.read_text(encoding="utf-8").strip() == first.token
        assert stat.S_IMODE(first.token_file.stat().st_mode) == 0o600
        assert store.authenticate(first.token).role == "admin"
        again = prepare_demo(settings, store, tiny_encoder, corpora)
        assert again.token is None and not any(i.startswith("ESCO") for i in again.imported)
        assert [u.name for u in store.list_users()] == ["admin"]
        assert "+0 ~0" in again.imported[0]
        assert (settings.indexes_dir / "esco" / "meta.json").is_file()


def test_prepare_demo_reindexes_after_a_model_switch(
    tiny_model_dir: Path, tiny_encoder: Encoder, tmp_path: Path
) -> None:
    corpora = tmp_path / "corpora"
    _esco_cut(corpora / "esco_v1.1.1_en", n_skills=10)
    (corpora / "samples").mkdir()
    settings = Settings(data_dir=tmp_path / "data")
    # Another model: here the tiny one under another fingerprint, as after a default change.
    switched = SentenceTransformerEncoder(tiny_model_dir, name="switched")
    switched.fingerprint = "0123456789abcdef"
    with Store.open(settings.db_url, migrate=True) as store:
        prepare_demo(settings, store, tiny_encoder, corpora)
        state = prepare_demo(settings, store, switched, corpora)
        assert state.imported == ["esco reindexed for model switched"]
        assert store.get_framework_info("esco").index_fingerprint == switched.fingerprint
        assert FrameworkIndex.load_meta(settings.indexes_dir / "esco").fingerprint == (
            switched.fingerprint
        )


def _developer_cut(target: Path) -> None:
    """The skills the ESCO occupation "software developer" requires, and its relations."""
    source = CORPORA / "esco_v1.1.1_en"
    target.mkdir(parents=True)
    occupation = "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"
    with gzip.open(source / "occupationSkillRelations.csv.gz", "rt", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    relations = [rows[0], *(r for r in rows[1:] if r[0] == occupation)]
    kept = {r[3] for r in relations[1:]}
    with gzip.open(source / "skills_en.csv.gz", "rt", encoding="utf-8") as f:
        skills = [r for i, r in enumerate(csv.reader(f)) if i == 0 or r[1] in kept]
    _write(target / "skills_en.csv.gz", skills)
    _write(target / "occupationSkillRelations.csv.gz", relations)
    shutil.copy(source / "occupations_en.csv.gz", target)


def test_demo_designs_one_micro_qualification(tiny_encoder: Encoder, tmp_path: Path) -> None:
    corpora = tmp_path / "corpora"
    _developer_cut(corpora / "esco_v1.1.1_en")
    (corpora / "samples").mkdir()
    shutil.copy(CORPORA / "samples" / "software_developer_en.yaml", corpora / "samples")
    settings = Settings(data_dir=tmp_path / "data")
    with Store.open(settings.db_url, migrate=True) as store:
        first = prepare_demo(settings, store, tiny_encoder, corpora)
        assert first.imported[-1].startswith("micro-qualification 'Software testing and debugging'")
        again = prepare_demo(settings, store, tiny_encoder, corpora)
        assert not any(i.startswith("micro-qualification") for i in again.imported)
        (record,) = store.list_micro_qualifications()
        mq = record.micro_qualification
        assert record.owner == "admin" and mq.title == "Software testing and debugging"
        targets = demo_targets(store, "esco")
        labels = [c.label for c in store.get_competencies("esco", targets)]
        assert sorted(labels) == ["ICT debugging tools", "debug software", "software anomalies"]
        assert mq.targets is not None and mq.targets.competency_ids == targets
        assert mq.awarding_body is not None and mq.awarding_body.name == "Demo University"
        # What the demo cannot fill depends on the model's matches: at most outcomes, workload.
        assert set(mq.missing_mandatory()) <= {"learning_outcomes", "workload"}
