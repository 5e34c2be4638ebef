"""Framework index: multi-vector search, persistence and the model fingerprint check."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from outcome_matcher.encoders import Encoder
from outcome_matcher.errors import ModelMismatchError, NotFoundError
from outcome_matcher.retrieval.index import FrameworkIndex, competency_texts
from outcome_matcher.schemas import Competency, Framework


def _framework() -> Framework:
    return Framework(
        name="mini",
        version="1",
        format="csv",
        competencies=(
            Competency(
                id="c:db",
                label="design database scheme",
                alt_labels=("database design", "Database design"),
                description="Draft a relational database scheme.",
            ),
            Competency(id="c:weld", label="perform fillet welds", alt_labels=("weld joints",)),
            Competency(
                id="c:teach", label="teach mathematics", labels_by_lang={"fr": ("enseigner",)}
            ),
        ),
    )


def test_competency_texts_dedupes_case_insensitively() -> None:
    comp = _framework().competencies[0]
    kinds = [kind for kind, _ in competency_texts(comp, ("label", "alt_label", "description"))]
    assert kinds == ["label", "alt_label", "description"]


def test_search_returns_each_competency_once_with_evidence(tiny_encoder: Encoder) -> None:
    index = FrameworkIndex.build(_framework(), tiny_encoder)
    assert index.meta.n_competencies == 3
    assert index.meta.n_vectors == 7
    hits = index.search(tiny_encoder.encode_queries(["database design"]), k=3)[0]
    assert [h.competency_id for h in hits].count("c:db") == 1
    assert len({h.competency_id for h in hits}) == 3
    assert hits == sorted(hits, key=lambda h: -h.score)
    exact = index.search(tiny_encoder.encode_passages(["weld joints"]), k=1)[0][0]
    assert exact.competency_id == "c:weld"
    assert exact.evidence == "weld joints"
    assert exact.evidence_kind == "alt_label"
    assert exact.score == pytest.approx(1.0, abs=1e-4)


def test_length_sorted_batches_keep_each_row_its_own_vector(tiny_encoder: Encoder) -> None:
    # Batches of 2 over texts of mixed length: rows must still line up with their texts.
    index = FrameworkIndex.build(_framework(), tiny_encoder, batch_size=2)
    alone = np.vstack([tiny_encoder.encode_passages([t]) for t in index.row_texts])
    np.testing.assert_allclose(index.vectors, alone, atol=1e-5)


def test_vectors_outlive_their_index(tiny_encoder: Encoder) -> None:
    # The vectors are a view on FAISS's storage: keeping only them must keep that alive.
    import gc

    index = FrameworkIndex.build(_framework(), tiny_encoder)
    texts, vectors = index.row_texts, index.vectors
    del index
    gc.collect()
    _ = [np.zeros((64, 384), dtype=np.float32) for _ in range(100)]  # reuse freed memory
    np.testing.assert_allclose(vectors, tiny_encoder.encode_passages(texts), atol=1e-5)


def test_save_load_round_trip(tiny_encoder: Encoder, tmp_path: Path) -> None:
    index = FrameworkIndex.build(_framework(), tiny_encoder)
    index.save(tmp_path / "mini")
    index.save(tmp_path / "mini")  # overwrite in place is atomic and allowed
    loaded = FrameworkIndex.load(tmp_path / "mini")
    assert loaded.meta == index.meta
    query = tiny_encoder.encode_queries(["teach maths at school"])
    assert loaded.search(query, 3) == index.search(query, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mini"]


def test_load_missing_index_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        FrameworkIndex.load(tmp_path / "nothing")


class _OtherModel:
    name = "other"
    fingerprint = "different"
    dim = 32

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        raise AssertionError("never called")

    encode_passages = encode_queries


def test_refuses_other_model(tiny_encoder: Encoder) -> None:
    index = FrameworkIndex.build(_framework(), tiny_encoder)
    index.check_encoder(tiny_encoder)
    with pytest.raises(ModelMismatchError, match="reindex"):
        index.check_encoder(_OtherModel())


def test_score_competencies_matches_search(tiny_encoder: Encoder) -> None:
    index = FrameworkIndex.build(_framework(), tiny_encoder)
    queries = tiny_encoder.encode_queries(["database design", "welding"])
    scores, evidence = index.score_competencies(queries, ["c:db", "c:weld"])
    top = index.search(queries, 3)
    by_id = {h.competency_id: h for h in top[0]}
    assert scores[0, 0] == pytest.approx(by_id["c:db"].score, abs=1e-5)
    assert evidence[0][0] == by_id["c:db"].evidence
    with pytest.raises(NotFoundError):
        index.score_competencies(queries, ["c:unknown"])


def test_empty_framework_builds(tiny_encoder: Encoder) -> None:
    empty = Framework(name="e", format="csv", competencies=())
    index = FrameworkIndex.build(empty, tiny_encoder)
    assert index.search(tiny_encoder.encode_queries(["x"]), 5) == [[]]
