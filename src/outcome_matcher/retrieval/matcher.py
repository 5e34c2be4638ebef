"""Retrieve -> rank -> calibrate: suggestions for statements, modules and requirements, and the
exact module x competency scores of a coverage matrix. Pure: no I/O, no store, no HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from outcome_matcher.config import Settings
from outcome_matcher.encoders.base import Encoder
from outcome_matcher.errors import InputError, NotFoundError, OutcomeMatcherError
from outcome_matcher.retrieval.calibration import Calibration, candidates_of
from outcome_matcher.retrieval.hybrid import HybridRanker
from outcome_matcher.retrieval.index import FrameworkIndex, Hit
from outcome_matcher.retrieval.lexical import parse_analyzers
from outcome_matcher.retrieval.memory import DecisionMemory, Fusion
from outcome_matcher.retrieval.readiness import IndexStatus
from outcome_matcher.schemas import ModuleMatch, ModuleSuggestion, Suggestion
from outcome_matcher.text import detect_language

# How deep the memory re-ranks (as deep as the decided candidates' ranks: learning.decided).
MEMORY_DEPTH = 50


@dataclass(frozen=True)
class OutcomeText:
    """An outcome as matching sees it: an id and a statement."""

    id: str
    text: str
    kind: str | None = None  # knowledge (знать), skill (уметь), mastery (владеть), or unknown


@dataclass(frozen=True)
class ModuleOutcomes:
    """A module and its outcomes, the unit that covers a requirement."""

    code: str
    title: str
    outcomes: tuple[OutcomeText, ...] = field(default_factory=tuple)


class OutcomeOfModule(Protocol):
    """A stored outcome with its module (the store's OutcomeRef has these fields)."""

    @property
    def outcome_id(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def module_code(self) -> str: ...
    @property
    def module_title(self) -> str: ...
    @property
    def kind(self) -> str | None: ...


def group_by_module(refs: Iterable[OutcomeOfModule]) -> list[ModuleOutcomes]:
    """Stored outcomes grouped by module, keeping their order."""
    grouped: dict[str, tuple[str, list[OutcomeText]]] = {}
    for ref in refs:
        grouped.setdefault(ref.module_code, (ref.module_title, []))[1].append(
            OutcomeText(id=ref.outcome_id, text=ref.text, kind=ref.kind)
        )
    return [
        ModuleOutcomes(code=code, title=title, outcomes=tuple(outcomes))
        for code, (title, outcomes) in grouped.items()
    ]


class Matcher:
    """Suggests competencies with one encoder over one or more framework indexes."""

    def __init__(
        self,
        encoder: Encoder,
        indexes: Mapping[str, FrameworkIndex] | None = None,
        *,
        calibration: Calibration | None = None,
        default_threshold: float = 0.0,
        lexical: bool = False,
        kind_penalty: float = 0.0,
        label_fusion: bool = False,
        analyzers: Mapping[str, str] | None = None,
        lexical_other_languages: bool = False,
        lexical_sentences_only: bool = True,
    ):
        self.encoder = encoder
        # Coverage scores: evidence of the other kind than an outcome's (знать vs уметь) loses
        # this much similarity (index.OTHER_KIND); 0 leaves kinds out (docs/evaluation.md).
        self.kind_penalty = kind_penalty
        self.calibration = calibration
        self._default_threshold = default_threshold
        # Fuse BM25 over the labels into `suggest` rankings (see outcome_matcher.retrieval.lexical).
        self.lexical = lexical
        # Rank by the statement's language (outcome_matcher.retrieval.label_fusion).
        self.label_fusion = label_fusion
        # BM25 per language (outcome_matcher.retrieval.hybrid): analyzers, other-language labels.
        self.analyzers = dict(analyzers or {})
        self.lexical_other_languages = lexical_other_languages
        self.lexical_sentences_only = lexical_sentences_only
        # A deployment's own refit per framework (services.calibration_for), over `calibration`.
        self.framework_calibrations: dict[str, Calibration] = {}
        # Ranking that remembers (retrieval.memory), per framework where one was fitted and
        # activated (learning.remember, with OUTCOME_MATCHER_MEMORY on).
        self.memories: dict[str, tuple[DecisionMemory, Fusion]] = {}
        self.indexes: dict[str, FrameworkIndex] = {}
        self._hybrid: dict[str, HybridRanker] = {}
        # Frameworks whose index could not be used, with the reason to report when asked for.
        self.unavailable: dict[str, OutcomeMatcherError] = {}
        # How far a framework's full build is, for the error a partial index answers with
        # (services.load_matcher reads it from the jobs table).
        self.index_status: Callable[[str], IndexStatus] | None = None
        for name, index in (indexes or {}).items():
            self.add_index(name, index)

    def add_index(self, name: str, index: FrameworkIndex) -> None:
        index.check_encoder(self.encoder)
        self.indexes[name] = index
        self._hybrid.pop(name, None)
        self.unavailable.pop(name, None)

    def remove_index(self, name: str) -> None:
        self.indexes.pop(name, None)
        self._hybrid.pop(name, None)

    def calibration_of(self, framework: str | None = None) -> Calibration | None:
        """The framework's own refit when the deployment has one, else the model's."""
        if framework is not None and framework in self.framework_calibrations:
            return self.framework_calibrations[framework]
        return self.calibration

    @property
    def threshold(self) -> float:
        """Operating threshold on the raw score: calibrated when a calibration is loaded."""
        return self.threshold_of(None)

    def threshold_of(self, framework: str | None) -> float:
        calibration = self.calibration_of(framework)
        return calibration.threshold if calibration else self._default_threshold

    def confidence(
        self, score: float, *, gap: float = 0.0, rank: int = 1, framework: str | None = None
    ) -> float | None:
        """Calibrated acceptance probability; without rank and gap, as a best candidate."""
        calibration = self.calibration_of(framework)
        if calibration is None:
            return None
        return calibration.confidence(score, gap=gap, rank=rank)

    def adequate(self, suggestion: Suggestion, framework: str | None = None) -> bool:
        """At or above the operating point: on confidence when calibrated, else on the score."""
        calibration = self.calibration_of(framework)
        if calibration is not None and suggestion.confidence is not None:
            return suggestion.confidence >= calibration.min_confidence
        return suggestion.score >= self._default_threshold

    def full_index(self, framework: str, among: Iterable[str] | None = None) -> FrameworkIndex:
        """The framework's index if it holds every competency asked for (all when `among` is
        None); a partial index that does not raises IndexNotReadyError with the build's
        progress."""
        index = self.index(framework)
        if index.meta.partial and (among is None or not all(map(index.has, among))):
            status = self.index_status(framework) if self.index_status else None
            raise (status or IndexStatus(framework, "partial", progress=0.0)).not_ready()
        return index

    def index(self, framework: str) -> FrameworkIndex:
        if framework in self.unavailable:
            raise self.unavailable[framework]
        try:
            return self.indexes[framework]
        except KeyError:
            known = ", ".join(sorted(self.indexes)) or "none"
            raise NotFoundError(
                f"no index for framework {framework!r} (indexed: {known})", framework=framework
            ) from None

    def suggest(
        self,
        framework: str,
        texts: Sequence[str],
        top_k: int,
        *,
        abstain: bool = False,
        among: Sequence[str] | None = None,
    ) -> list[list[Suggestion]]:
        """Best competencies for each statement, best first.

        With `lexical` on, sentences in the framework's language are ranked by the fusion of
        embeddings and BM25, so the order can differ from the order of `score` (the cosine).
        With `among` (a standard's requirements, say), only those competencies are ranked,
        by exact cosine. With `abstain`, suggestions under the operating point are dropped,
        so an empty list means "no adequate match" rather than a forced one.
        """
        index = self.full_index(framework, among)
        _check_texts(texts)
        if not texts:
            return []
        queries = self.encoder.encode_queries(texts)
        langs = [detect_language(t) for t in texts] if self.lexical or self.label_fusion else None
        remembered = self.memories.get(framework) if among is None else None
        # The memory re-ranks a deeper list, so that it can lift a competency from below top_k.
        k = max(top_k, MEMORY_DEPTH) if remembered else top_k
        if among is not None:
            hits = index.search_among(queries, among, top_k)
        elif self.lexical:
            hits = self._hybrid_ranker(framework).rank(
                queries, texts, k, langs=langs, by_language=self.label_fusion
            )
        elif self.label_fusion and langs is not None:
            hits = index.search_languages(queries, langs, k)
        else:
            hits = index.search(queries, k)
        rows = [self._suggestions(row, framework) for row in hits]
        if remembered is not None:
            rows = [row[:top_k] for row in _remembered(rows, queries, *remembered)]
        if abstain:
            rows = [[s for s in row if self.adequate(s, framework)] for row in rows]
        return rows

    def _hybrid_ranker(self, framework: str) -> HybridRanker:
        if framework not in self._hybrid:
            self._hybrid[framework] = HybridRanker(
                self.indexes[framework],
                analyzers=self.analyzers,
                other_languages=self.lexical_other_languages,
                sentences_only=self.lexical_sentences_only,
            )
        return self._hybrid[framework]

    def _suggestions(self, hits: Sequence[Hit], framework: str | None = None) -> list[Suggestion]:
        # The features come from candidates_of, as in the calibration fit: one definition.
        return [
            Suggestion(
                competency_id=h.competency_id,
                label=h.label,
                score=h.score,
                confidence=self.confidence(c.score, gap=c.gap, rank=c.rank, framework=framework),
                evidence=h.evidence,
            )
            for h, c in zip(hits, candidates_of([h.score for h in hits]), strict=True)
        ]

    def suggest_for_module(
        self, framework: str, module: ModuleOutcomes, top_k: int
    ) -> list[ModuleSuggestion]:
        """Competencies for a module: each scored by its best outcome, which is the evidence."""
        per_outcome = self.suggest(framework, [o.text for o in module.outcomes], top_k)
        best: dict[str, ModuleSuggestion] = {}
        support: dict[str, int] = {}
        for outcome, suggestions in zip(module.outcomes, per_outcome, strict=True):
            for s in suggestions:
                support[s.competency_id] = support.get(s.competency_id, 0) + 1
                current = best.get(s.competency_id)
                if current is None or s.score > current.score:
                    best[s.competency_id] = ModuleSuggestion(
                        competency_id=s.competency_id,
                        label=s.label,
                        score=s.score,
                        confidence=s.confidence,
                        evidence=s.evidence,
                        outcome_id=outcome.id,
                        outcome_text=outcome.text,
                        n_outcomes=0,
                    )
        ranked = sorted(best.values(), key=lambda m: (-m.score, m.competency_id))[:top_k]
        return [m.model_copy(update={"n_outcomes": support[m.competency_id]}) for m in ranked]

    def score_programme(
        self, framework: str, modules: Sequence[ModuleOutcomes], competency_ids: Sequence[str]
    ) -> dict[tuple[str, str], CellScore]:
        """Exact module x competency scores for a coverage matrix (no top-k cut-off).

        Keyed by (module code, competency id); a module's score is that of its best outcome.
        Competencies that left the framework's index are skipped (nothing to compare); a
        partial index must hold them all.
        """
        index = self.full_index(framework, competency_ids)
        ids = [cid for cid in competency_ids if index.has(cid)]
        outcomes = [(m, o) for m in modules for o in m.outcomes]
        if not outcomes or not ids:
            return {}
        queries = self.encoder.encode_queries([o.text for _, o in outcomes])
        kinds = [o.kind for _, o in outcomes]
        scores, evidence = index.score_competencies(queries, ids, kinds, self.kind_penalty)
        return _best_cells(outcomes, ids, scores, evidence)

    def modules_for_requirement(
        self,
        framework: str,
        competency_id: str,
        modules: Sequence[ModuleOutcomes],
        top_k: int,
    ) -> list[ModuleMatch]:
        """The reverse direction: which modules best cover one required competency."""
        index = self.full_index(framework, [competency_id])
        outcomes = [(m, o) for m in modules for o in m.outcomes]
        if not outcomes:
            return []
        queries = self.encoder.encode_queries([o.text for _, o in outcomes])
        scores, evidence = index.score_competencies(queries, [competency_id])
        ranked = _best_per_module(outcomes, scores[:, 0], evidence[0], top_k)
        return [m.model_copy(update={"confidence": self.confidence(m.score)}) for m in ranked]


def _best_per_module(
    outcomes: list[tuple[ModuleOutcomes, OutcomeText]],
    scores: np.ndarray,
    evidence: list[str],
    top_k: int,
) -> list[ModuleMatch]:
    best: dict[str, ModuleMatch] = {}
    for (module, outcome), score, ev in zip(outcomes, scores.tolist(), evidence, strict=True):
        current = best.get(module.code)
        if current is None or score > current.score:
            best[module.code] = ModuleMatch(
                module_code=module.code,
                module_title=module.title,
                score=round(float(score), 6),
                outcome_id=outcome.id,
                outcome_text=outcome.text,
                evidence=ev,
            )
    return sorted(best.values(), key=lambda m: (-m.score, m.module_code))[:top_k]


def _remembered(
    rows: list[list[Suggestion]],
    queries: np.ndarray,
    memory: DecisionMemory,
    fusion: Fusion,
) -> list[list[Suggestion]]:
    """Rows re-ordered by the fused probability of the model's features and the memory's
    votes, which becomes the confidence (it is fitted on decisions, as a calibration is)."""
    signals = memory.signals(queries, [[s.competency_id for s in row] for row in rows])
    out = []
    for row, row_signals in zip(rows, signals, strict=True):
        features = candidates_of([s.score for s in row])
        fused = [fusion.probability(c, sig) for c, sig in zip(features, row_signals, strict=True)]
        order = sorted(range(len(row)), key=lambda i: (-fused[i], i))
        out.append([row[i].model_copy(update={"confidence": round(fused[i], 6)}) for i in order])
    return out


def _check_texts(texts: Sequence[str]) -> None:
    for i, text in enumerate(texts):
        if not text or not text.strip():
            raise InputError("empty statement", row=i + 1, field="text")


@dataclass(frozen=True)
class CellScore:
    """How well one module covers one competency: its best outcome and the matched text."""

    score: float
    outcome_id: str
    outcome_text: str
    evidence: str


def _best_cells(
    outcomes: list[tuple[ModuleOutcomes, OutcomeText]],
    competency_ids: Sequence[str],
    scores: np.ndarray,
    evidence: list[list[str]],
) -> dict[tuple[str, str], CellScore]:
    cells: dict[tuple[str, str], CellScore] = {}
    for row, (module, outcome) in enumerate(outcomes):
        for col, cid in enumerate(competency_ids):
            score = float(scores[row, col])
            key = (module.code, cid)
            if key not in cells or score > cells[key].score:
                cells[key] = CellScore(
                    round(score, 6), outcome.id, outcome.text, evidence[col][row]
                )
    return cells


def matcher_options(settings: Settings) -> dict[str, Any]:
    """The Matcher keyword arguments that come from the settings (ranking switches)."""
    return {
        "lexical": settings.lexical,
        "kind_penalty": settings.kind_penalty,
        "label_fusion": settings.label_fusion,
        "analyzers": parse_analyzers(settings.lexical_analyzers),
        "lexical_other_languages": settings.lexical_other_languages,
    }
