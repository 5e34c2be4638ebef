"""The measured learning curve: crosswalk dev halves played as reviewers' decisions.

The BA and VDAB mapping tables (source concept -> ESCO skills) are split by source concept:
one half is the reviewers' pool, the other is held out. A simulated reviewer takes the pool's
concepts in a seeded random order and decides the top `review_depth` suggestions of each
(accepted when the gold has it, else rejected). After N decisions, (a) the confidence model
is refitted on them and (b) a k-NN memory of the reviewed concepts is fused with the score;
both are measured on the held-out half: MRR of the ranking and the expected calibration
error (ECE) of the confidence on the held-out top `review_depth` candidates.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from outcome_matcher.config import Settings
from outcome_matcher.encoders import Encoder, load_encoder
from outcome_matcher.evaluation.cache import CachingEncoder, cached_index
from outcome_matcher.evaluation.dev_sets import (
    MAPPING_SETS,
    load_esco_framework,
    load_esco_sets,
)
from outcome_matcher.evaluation.metrics import reciprocal_rank
from outcome_matcher.learning.recalibrate import fit_decisions
from outcome_matcher.retrieval.calibration import (
    Calibration,
    Candidate,
    candidates_of,
    expected_calibration_error,
)
from outcome_matcher.retrieval.memory import DecisionMemory, Reviewed, fit_fusion

STEPS = (0, 100, 500, 2000)
CURVE_FIELDS = ("label", "other_lang_label")
# The label languages of each mapping set's concepts (BA German, VDAB French).
SET_LANGS = {"de_ba": "de", "be_vdab_fr": "fr"}


@dataclass(frozen=True)
class Prepared:
    """Every concept of the mapping sets, its query vector and its ranked candidates."""

    ids: list[str]  # "<set>:<concept id>"
    vectors: NDArray[np.float32]
    candidates: list[list[str]]
    scores: list[list[float]]
    gold: list[frozenset[str]]


@dataclass(frozen=True)
class CurvePoint:
    decisions: int
    mrr_model: float
    ece_shipped: float
    ece_recalibrated: float
    mrr_memory: float
    ece_memory: float


def prepare(
    settings: Settings,
    corpora_dir: Path,
    *,
    sets: Sequence[str] = tuple(MAPPING_SETS),
    depth: int = 20,
    max_queries: int | None = None,
    encoder: Encoder | None = None,
) -> Prepared:
    """Rank every concept of `sets` against a small ESCO index: the English labels and those
    in the sets' languages.

    The index and the passage vectors are cached under <data_dir>/evaluation like the
    dev-set run's; the query vectors in learning_curve-<fingerprint>.npz.
    """
    encoder = encoder or load_encoder(settings)
    framework = load_esco_framework(corpora_dir, tuple(SET_LANGS[name] for name in sets))
    gold_sets = load_esco_sets(list(sets), corpora_dir, framework)
    queries = [(f"{s.name}:{q.id}", q) for s in gold_sets for q in s.queries]
    if max_queries is not None:
        rng = random.Random(7)
        queries = rng.sample(queries, min(max_queries, len(queries)))
    caching = CachingEncoder(encoder, settings.data_dir / "evaluation" / "vectors")
    index, _ = cached_index(
        framework, caching, settings.data_dir / "evaluation" / "indexes", fields=CURVE_FIELDS
    )
    vectors = _query_vectors(encoder, [q.text for _, q in queries], settings.data_dir)
    hits = index.search(vectors, depth)
    return Prepared(
        ids=[i for i, _ in queries],
        vectors=vectors,
        candidates=[[h.competency_id for h in row] for row in hits],
        scores=[[h.score for h in row] for row in hits],
        gold=[q.gold for _, q in queries],
    )


def _query_vectors(encoder: Encoder, texts: list[str], data_dir: Path) -> NDArray[np.float32]:
    """Query vectors, cached by text (the concepts do not change between runs)."""
    path = data_dir / "evaluation" / f"learning_curve-{encoder.fingerprint}.npz"
    known: dict[str, NDArray[np.float32]] = {}
    if path.is_file():
        with np.load(path, allow_pickle=False) as data:
            known = dict(zip(data["texts"].tolist(), data["vectors"], strict=True))
    missing = [t for t in dict.fromkeys(texts) if t not in known]
    if missing:
        for start in range(0, len(missing), 256):
            chunk = missing[start : start + 256]
            known.update(zip(chunk, encoder.encode_queries(chunk), strict=True))
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, texts=np.asarray(list(known)), vectors=np.stack(list(known.values())))
    return np.stack([known[t] for t in texts]).astype(np.float32)


def split_by_concept(n: int, seed: int) -> tuple[list[int], list[int]]:
    """Pool and held-out halves of the concepts (a concept's links never straddle them)."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return order[: n // 2], order[n // 2 :]


def _decided(
    data: Prepared, pool: Sequence[int], n: int, review_depth: int
) -> list[tuple[int, int, bool]]:
    """The first `n` simulated decisions: (concept, rank - 1, accepted)."""
    out: list[tuple[int, int, bool]] = []
    for q in pool:
        for r, cid in enumerate(data.candidates[q][:review_depth]):
            if len(out) == n:
                return out
            out.append((q, r, cid in data.gold[q]))
    return out


def _candidate(data: Prepared, q: int, r: int) -> Candidate:
    return candidates_of(data.scores[q])[r]


def simulate(
    data: Prepared,
    shipped: Calibration,
    *,
    steps: Sequence[int] = STEPS,
    review_depth: int = 5,
    seed: int = 13,
) -> list[CurvePoint]:
    """The curve: one point per number of decisions in `steps`."""
    pool, held = split_by_concept(len(data.ids), seed)
    held_gold = [q for q in held if data.gold[q]]
    mrr_model = _mean([reciprocal_rank(data.candidates[q], data.gold[q]) for q in held_gold])
    test = [(q, r) for q in held for r in range(min(review_depth, len(data.candidates[q])))]
    truth = [data.candidates[q][r] in data.gold[q] for q, r in test]
    shipped_conf = [_confidence(shipped, data, q, r) for q, r in test]
    ece_shipped = expected_calibration_error(shipped_conf, truth)
    points = []
    for n in steps:
        decided = _decided(data, pool, n, review_depth)
        ece_recal, mrr_mem, ece_mem = ece_shipped, mrr_model, ece_shipped
        labels = [a for _, _, a in decided]
        if any(labels) and not all(labels):
            refit = fit_decisions(
                [_candidate(data, q, r) for q, r, _ in decided],
                labels,
                shipped.model_name,
                f"simulated {n} decisions",
            )
            ece_recal = expected_calibration_error(
                [_confidence(refit, data, q, r) for q, r in test],
                truth,
            )
            mrr_mem, ece_mem = _memory_point(data, decided, held, held_gold, test, truth)
        points.append(CurvePoint(n, mrr_model, ece_shipped, ece_recal, mrr_mem, ece_mem))
    return points


def _memory_point(
    data: Prepared,
    decided: list[tuple[int, int, bool]],
    held: Sequence[int],
    held_gold: Sequence[int],
    test: Sequence[tuple[int, int]],
    truth: Sequence[bool],
) -> tuple[float, float]:
    verdicts: dict[int, dict[str, int]] = {}
    for q, r, accepted in decided:
        verdicts.setdefault(q, {})[data.candidates[q][r]] = 1 if accepted else -1
    reviewed = list(verdicts)
    memory = DecisionMemory(
        data.vectors[reviewed], [Reviewed(data.ids[q], verdicts[q]) for q in reviewed]
    )
    # Fit on the decisions with leave-one-out signals: a concept never remembers itself.
    fit_signals = memory.signals(
        data.vectors[[q for q, _, _ in decided]],
        [[data.candidates[q][r]] for q, r, _ in decided],
        exclude=[data.ids[q] for q, _, _ in decided],
    )
    fusion = fit_fusion(
        [_candidate(data, q, r) for q, r, _ in decided],
        [s[0] for s in fit_signals],
        [a for _, _, a in decided],
    )
    held_signals = dict(
        zip(
            held,
            memory.signals(data.vectors[list(held)], [data.candidates[q] for q in held]),
            strict=True,
        )
    )
    ranks = []
    for q in held_gold:
        ranked = fusion.rerank(candidates_of(data.scores[q]), data.candidates[q], held_signals[q])
        ranks.append(reciprocal_rank([cid for cid, _ in ranked], data.gold[q]))
    conf = [fusion.probability(_candidate(data, q, r), held_signals[q][r]) for q, r in test]
    return _mean(ranks), expected_calibration_error(conf, truth)


def _confidence(calibration: Calibration, data: Prepared, q: int, r: int) -> float:
    c = _candidate(data, q, r)
    return calibration.confidence(c.score, gap=c.gap, rank=c.rank)


def _mean(values: Sequence[float]) -> float:
    return float(np.mean(values)) if values else 0.0


def format_curve(points: Sequence[CurvePoint]) -> str:
    """A Markdown table of the curve."""
    lines = [
        "| decisions | MRR model | MRR + k-NN memory | ECE shipped | ECE recalibrated | "
        "ECE k-NN fusion |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for p in points:
        lines.append(
            f"| {p.decisions:,} | {p.mrr_model:.3f} | {p.mrr_memory:.3f} | "
            f"{p.ece_shipped:.3f} | {p.ece_recalibrated:.3f} | {p.ece_memory:.3f} |"
        )
    return "\n".join(lines) + "\n"
