"""Synthetic-sentence and ru/kk/uz label pairs with hard negatives; continuing an adapter."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections import Counter
from pathlib import Path

import pytest

from outcome_matcher.adaptation.pairs import ESCO_DIR, Pair
from outcome_matcher.adaptation.synthetic import (
    SYNTHETIC_FILE,
    USER_LABELS_FILE,
    model_neighbours,
    synthetic_pairs,
)
from outcome_matcher.adaptation.train import TrainConfig, train_adapter
from outcome_matcher.encoders import SentenceTransformerEncoder

SKILL = "http://data.europa.eu/esco/skill/"
OCC = "http://data.europa.eu/esco/occupation/"


def _write_gz_csv(path: Path, rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(gzip.compress(buf.getvalue().encode("utf-8")))


@pytest.fixture()
def synthetic_corpora(tmp_path: Path) -> Path:
    """Three skills (two siblings under one broader skill), an occupation, sentences, labels."""
    skill = {"altLabels": "", "description": ""}
    _write_gz_csv(
        tmp_path / ESCO_DIR / "skills_en.csv.gz",
        [
            {**skill, "conceptUri": SKILL + "db", "preferredLabel": "design databases"}
            | {"description": "Design the schema of a relational database."},
            {**skill, "conceptUri": SKILL + "sql", "preferredLabel": "use SQL"}
            | {"description": "Query relational databases with SQL."},
            {**skill, "conceptUri": SKILL + "ict", "preferredLabel": "ICT skills"},
        ],
    )
    _write_gz_csv(
        tmp_path / ESCO_DIR / "occupations_en.csv.gz",
        [{**skill, "conceptUri": OCC + "dev", "preferredLabel": "software developer"}],
    )
    _write_gz_csv(
        tmp_path / ESCO_DIR / "broaderRelationsSkillPillar.csv.gz",
        [
            {"conceptUri": SKILL + "db", "broaderUri": SKILL + "ict"},
            {"conceptUri": SKILL + "sql", "broaderUri": SKILL + "ict"},
        ],
    )
    sentence = {"preferredLabel": "", "skillType": "skill", "kind": "outcome_ru", "lang": "ru"}
    _write_gz_csv(
        tmp_path / SYNTHETIC_FILE,
        [
            {**sentence, "conceptUri": SKILL + "db", "text": "Студент проектирует схемы БД."},
            {**sentence, "conceptUri": SKILL + "sql", "text": "Уметь писать запросы SQL."},
            {**sentence, "conceptUri": SKILL + "gone", "text": "Нет такого навыка."},
        ],
    )
    label = {"labelType": "preferred", "source": "test"}
    _write_gz_csv(
        tmp_path / USER_LABELS_FILE,
        [
            {**label, "conceptType": "skill", "conceptUri": SKILL + "db", "lang": "kk"}
            | {"label": "дерекқорларды жобалау"},
            {**label, "conceptType": "skill", "conceptUri": SKILL + "db", "lang": "de"}
            | {"label": "Datenbanken entwerfen"},
            {**label, "conceptType": "occupation", "conceptUri": OCC + "dev", "lang": "uz"}
            | {"label": "dasturchi"},
        ],
    )
    return tmp_path


def test_sentence_and_label_pairs_carry_a_sibling_as_hard_negative(
    synthetic_corpora: Path,
) -> None:
    pairs = synthetic_pairs(synthetic_corpora)
    assert Counter(p.kind for p in pairs) == {"syn_sentence": 2, "skill_tr": 1, "occ_tr": 1}
    by_anchor = {p.anchor: p for p in pairs}
    db = by_anchor["Студент проектирует схемы БД."]
    # The positive is one of the two texts the index embeds for the skill, the negative the
    # same kind of text of a neighbour (a sibling or the broader skill itself).
    assert db.positive in ("design databases", "Design the schema of a relational database.")
    assert db.negative_of in (SKILL + "sql", SKILL + "ict") and db.negative
    assert by_anchor["дерекқорларды жобалау"].concept == SKILL + "db"
    assert (
        by_anchor["dasturchi"].positive == "software developer"
        and not by_anchor["dasturchi"].negative
    )
    assert "Datenbanken entwerfen" not in by_anchor  # only the users' languages
    assert "Нет такого навыка." not in by_anchor  # a skill not in ESCO has nothing to pair with
    assert synthetic_pairs(synthetic_corpora) == pairs  # reproducible


def test_model_neighbours_are_other_skills(
    synthetic_corpora: Path, tiny_encoder: SentenceTransformerEncoder
) -> None:
    near = model_neighbours(synthetic_corpora, tiny_encoder, k=1)
    assert set(near) == {SKILL + "db", SKILL + "sql", SKILL + "ict"}
    assert all(len(v) == 1 and v[0] != k for k, v in near.items())


def test_training_with_hard_negatives_continues_from_an_adapter(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    # Pair i's negative is pair i+1's own concept: masked for that anchor, used for pair i.
    pairs = [
        Pair(f"query {i}", f"passage {i}", f"c{i}", "syn_sentence", f"passage {i + 1}", f"c{i + 1}")
        for i in range(8)
    ]
    config = TrainConfig(
        rank=2, alpha=4, batch_size=4, learning_rate=5e-2, quotas=(("syn_sentence", 8),)
    )
    first = train_adapter(tiny_model_dir, pairs, tmp_path / "a", config)
    assert first["hard_negatives"] == 8 and first["start"] is None
    assert all(loss == loss for loss in (first["first_loss"], first["last_loss"]))  # not NaN
    second = train_adapter(tiny_model_dir, pairs, tmp_path / "b", config, start=tmp_path / "a")
    # The report keeps the recipe of the adapter it started from.
    assert second["start"]["training"]["steps"] == first["steps"]
    saved = json.loads((tmp_path / "b" / "training.json").read_text(encoding="utf-8"))
    assert saved["start"]["adapter_sha256"] == second["start"]["adapter_sha256"]
    weights_a = (tmp_path / "a" / "adapter_model.safetensors").read_bytes()
    assert (tmp_path / "b" / "adapter_model.safetensors").read_bytes() != weights_a
