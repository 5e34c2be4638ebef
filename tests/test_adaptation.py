"""Domain adaptation: pairs from the frameworks, LoRA training, and merging into a model folder."""

from __future__ import annotations

import csv
import gzip
import io
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from outcome_matcher.adaptation.pairs import (
    ESCO_DIR,
    LABELS_FILE,
    Pair,
    batches,
    esco_pairs,
    mix,
)
from outcome_matcher.adaptation.train import TrainConfig, train_adapter
from outcome_matcher.encoders import SentenceTransformerEncoder
from outcome_matcher.encoders.adapter import build_adapted_model

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
def mini_corpora(tmp_path: Path) -> Path:
    """ESCO-shaped files: two skills, one occupation, labels in other languages."""
    skill = {"preferredLabel": "", "altLabels": "", "description": ""}
    _write_gz_csv(
        tmp_path / ESCO_DIR / "skills_en.csv.gz",
        [
            {
                **skill,
                "conceptUri": SKILL + "s1",
                "preferredLabel": "manage staff",
                "altLabels": "supervise staff\nlead employees\nmanage staff",
                "description": "Manage employees and subordinates. " + "Plan their work. " * 40,
            },
            {**skill, "conceptUri": SKILL + "s2", "preferredLabel": "weld metal"},
        ],
    )
    _write_gz_csv(
        tmp_path / ESCO_DIR / "occupations_en.csv.gz",
        [
            {
                **skill,
                "conceptUri": OCC + "o1",
                "preferredLabel": "welder",
                "altLabels": "welding operator",
            }
        ],
    )
    label = {"conceptType": "skill", "labelType": "preferred", "source": "test"}
    _write_gz_csv(
        tmp_path / LABELS_FILE,
        [
            {**label, "conceptUri": SKILL + "s1", "lang": "de", "label": "Personal leiten"},
            {**label, "conceptUri": SKILL + "s1", "lang": "en", "label": "manage staff"},
            {**label, "conceptUri": SKILL + "gone", "lang": "de", "label": "Entfernt"},
            {**label, "conceptUri": OCC + "o1", "lang": "et", "label": "keevitaja"}
            | {"conceptType": "occupation"},
        ],
    )
    return tmp_path


def test_pairs_come_from_framework_fields(mini_corpora: Path) -> None:
    pairs = esco_pairs(mini_corpora)
    kinds = Counter(p.kind for p in pairs)
    assert kinds == {"skill_alt": 2, "skill_desc": 1, "skill_lang": 1, "occ_alt": 1, "occ_lang": 1}
    by_kind = {p.kind: p for p in pairs}
    assert (by_kind["skill_lang"].anchor, by_kind["skill_lang"].positive) == (
        "Personal leiten",
        "manage staff",
    )
    assert (by_kind["occ_lang"].anchor, by_kind["occ_lang"].positive) == ("keevitaja", "welder")
    # The preferred label is never its own alternative; long descriptions end at a sentence.
    assert all(p.anchor != p.positive for p in pairs)
    description = by_kind["skill_desc"].anchor
    assert len(description) <= 300 and description.endswith(".")
    # A label whose concept is not in the English framework has nothing to pair with.
    assert "Entfernt" not in {p.anchor for p in pairs}
    assert esco_pairs(mini_corpora) == pairs  # reproducible


def test_batches_never_repeat_a_concept_and_keep_one_kind() -> None:
    pairs = [Pair(f"a{i}", f"p{i % 7}", f"c{i % 7}", "skill_alt") for i in range(50)]
    pairs += [Pair(f"d{i}", f"p{i}", f"c{i}", "skill_desc") for i in range(30)]
    out = batches(pairs, 8, seed=1)
    for batch in out:
        assert len({p.concept for p in batch}) == len(batch) <= 8
        assert len({p.kind for p in batch}) == 1
    placed = Counter(p for batch in out for p in batch)
    assert all(n == 1 for n in placed.values())
    # Only singletons left at the end of a kind may be dropped.
    assert len(pairs) - sum(placed.values()) <= 7
    assert out == batches(pairs, 8, seed=1)


def test_mix_takes_quotas_per_kind() -> None:
    pairs = [Pair(str(i), "x", str(i), "skill_alt") for i in range(10)]
    pairs += [Pair(str(i), "y", str(i), "occ_lang") for i in range(3)]
    chosen = mix(pairs, {"skill_alt": 4, "occ_lang": 5})
    assert Counter(p.kind for p in chosen) == {"skill_alt": 4, "occ_lang": 3}


def test_adapter_trains_saves_small_and_merges_exactly(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    from peft import PeftModel
    from sentence_transformers import SentenceTransformer

    pairs = [Pair(f"use statistics {i}", f"statistics {i}", f"c{i}", "skill_alt") for i in range(8)]
    config = TrainConfig(
        rank=2, alpha=4, batch_size=4, learning_rate=5e-2, quotas=(("skill_alt", 8),)
    )
    report = train_adapter(tiny_model_dir, pairs, tmp_path / "adapter", config)
    assert report["steps"] == 2 and report["pairs"] == {"skill_alt": 8}
    adapter = tmp_path / "adapter"
    assert (adapter / "adapter_model.safetensors").stat().st_size < 100_000
    assert (adapter / "training.json").is_file()

    merged_dir = build_adapted_model(tiny_model_dir, adapter, tmp_path / "merged")
    texts = ["use statistics 3", "statistics 5"]
    merged = SentenceTransformerEncoder(merged_dir).encode_queries(texts)
    base = SentenceTransformerEncoder(tiny_model_dir).encode_queries(texts)
    assert not np.allclose(merged, base, atol=1e-4)
    # The merged weights give what the base model with the adapter attached gives.
    with_adapter = SentenceTransformer(str(tiny_model_dir), device="cpu")
    with_adapter[0].auto_model = PeftModel.from_pretrained(with_adapter[0].auto_model, adapter)
    expected = with_adapter.encode(
        ["query: " + t for t in texts], normalize_embeddings=True, convert_to_numpy=True
    )
    np.testing.assert_allclose(merged, expected, atol=1e-5)
    # Idempotent: an up-to-date merge is left alone.
    mtime = (merged_dir / "model.safetensors").stat().st_mtime_ns
    build_adapted_model(tiny_model_dir, adapter, merged_dir)
    assert (merged_dir / "model.safetensors").stat().st_mtime_ns == mtime


@pytest.mark.real_model
def test_default_model_is_e5_with_the_shipped_adapter(
    e5_model_dir: Path, e5_esco_model_dir: Path, tmp_path: Path
) -> None:
    from outcome_matcher.artifacts import adapter_dir
    from outcome_matcher.config import Settings
    from outcome_matcher.encoders import E5_ESCO_NAME, ensure_model, model_fingerprint

    settings = Settings(data_dir=tmp_path)
    assert settings.model == E5_ESCO_NAME
    # The shipped adapter is small; big weights are rebuilt by the set-up step.
    weights = adapter_dir(E5_ESCO_NAME) / "adapter_model.safetensors"
    assert weights.stat().st_size < 20_000_000
    # ensure_model builds e5 (here: the already built one) and merges the adapter beside it.
    settings.models_dir.mkdir(parents=True)
    (settings.models_dir / e5_model_dir.name).symlink_to(e5_model_dir, target_is_directory=True)
    built = ensure_model(settings)
    assert built == settings.models_dir / E5_ESCO_NAME
    assert model_fingerprint(built) == model_fingerprint(e5_esco_model_dir)
    assert model_fingerprint(built) != model_fingerprint(e5_model_dir)


def test_missing_file_or_column_names_it(mini_corpora: Path, tmp_path: Path) -> None:
    from outcome_matcher.errors import InputError

    with pytest.raises(InputError, match="not found") as info:
        esco_pairs(tmp_path / "nowhere")
    assert "skills_en.csv.gz" in str(info.value)
    _write_gz_csv(mini_corpora / ESCO_DIR / "occupations_en.csv.gz", [{"conceptUri": OCC + "o1"}])
    with pytest.raises(InputError, match="preferredLabel") as info:
        esco_pairs(mini_corpora)
    assert "occupations_en.csv.gz" in str(info.value)
