"""Framework index: several vectors per competency in FAISS, saved and loaded atomically, and
exact scoring against named competencies. Row ids stay in this module; ranking is the matcher's."""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from outcome_matcher.encoders import Encoder
from outcome_matcher.errors import InputError, ModelMismatchError, NotFoundError
from outcome_matcher.fileio import atomic_directory
from outcome_matcher.retrieval.label_fusion import ALL_ROWS, CHUNK, LanguageGroup, fuse, plan, top
from outcome_matcher.schemas import Competency, Framework

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
# Which competency texts become vectors. Each kind is recorded per row so that evidence can say
# whether a match came from the preferred label, an alternative label or the description.
FIELDS = ("label", "alt_label", "hidden_label", "description", "other_lang_label")
# Every field by default. Descriptions did not help the English, German and French dev sets
# (docs/evaluation.md) but they do help statements in languages the framework has no labels
# in: without them four more statements of the multilingual acceptance test (ru-3 among
# them) fall out of the top 5.
DEFAULT_FIELDS = FIELDS


def parse_fields(value: str) -> tuple[str, ...]:
    """`label,alt_label,...` as a tuple of known field names; the preferred label is required."""
    fields = tuple(dict.fromkeys(f.strip() for f in value.split(",") if f.strip()))
    unknown = [f for f in fields if f not in FIELDS]
    if unknown or "label" not in fields:
        raise InputError(
            f"fields must include label and be among {', '.join(FIELDS)}; got {value!r}",
            field="fields",
        )
    return fields


ProgressCallback = Callable[[int, int], None]
# A national standard's typed texts (a work function's labour actions, required skills and
# necessary knowledge): always indexed, so an outcome matches any of them and the evidence
# says which one.
TEXT_KINDS = ("labour_action", "skill", "knowledge", "other")
# Row kinds in the framework's own language, which the lexical signal reads.
LEXICAL_KINDS = ("label", "alt_label", "hidden_label", *TEXT_KINDS)
# Evidence of the other kind for an outcome of a known kind: a знать (knowledge) outcome is
# shown by knowledge texts, a уметь (skill) or владеть (mastery) outcome by skills and labour
# actions. Labels, descriptions and "other" texts suit every kind.
OTHER_KIND: dict[str, frozenset[str]] = {
    "knowledge": frozenset({"skill", "labour_action"}),
    "skill": frozenset({"knowledge"}),
    "mastery": frozenset({"knowledge"}),
}


@dataclass(frozen=True)
class Hit:
    """One competency found for one query: its best-matching text and the similarity."""

    competency_id: str
    label: str
    score: float
    evidence: str
    evidence_kind: str


@dataclass(frozen=True)
class IndexMeta:
    framework: str
    framework_version: str
    model_name: str
    fingerprint: str
    dim: int
    n_competencies: int
    n_vectors: int
    fields: tuple[str, ...]
    build_seconds: float
    # The language of the framework's own texts; indexes saved before it was recorded are "en".
    lang: str = "en"
    # Only some competencies (the requirements of the standards indexed first, so reviews
    # against them start at once); the matcher refuses what needs the others.
    partial: bool = False

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "fields": list(self.fields), "format_version": FORMAT_VERSION}


def competency_texts(c: Competency, fields: Sequence[str]) -> Iterator[tuple[str, str]]:
    """The (kind, text) pairs that represent one competency in the index, de-duplicated."""
    for kind, text, _ in competency_rows(c, fields):
        yield kind, text


def competency_rows(c: Competency, fields: Sequence[str]) -> Iterator[tuple[str, str, str]]:
    """(kind, text, language) of each index row of one competency, de-duplicated by text.

    A text in the competency's own language and in another (a product name, say) stays in
    the own language: the first one given wins.
    """
    seen: set[str] = set()
    candidates: list[tuple[str, str, str]] = [("label", c.label, c.lang)]
    candidates += [("alt_label", t, c.lang) for t in c.alt_labels]
    candidates += [("hidden_label", t, c.lang) for t in c.hidden_labels]
    candidates += [("description", c.description, c.lang)]
    candidates += [
        ("other_lang_label", t, lang) for lang, ts in c.labels_by_lang.items() for t in ts
    ]
    candidates += [(t.kind, t.text, c.lang) for t in c.texts]
    for kind, text, lang in candidates:
        key = text.strip().casefold()
        if (kind in fields or kind in TEXT_KINDS) and key and key not in seen:
            seen.add(key)
            yield kind, text.strip(), lang


class FrameworkIndex:
    """Vectors of one framework's competencies, searchable by cosine (inner product)."""

    def __init__(
        self,
        meta: IndexMeta,
        vectors: np.ndarray,
        row_competency: np.ndarray,
        row_kind: list[str],
        row_text: list[str],
        competency_ids: list[str],
        competency_labels: list[str],
        row_lang: list[str] | None = None,
    ) -> None:
        self.meta = meta
        self._row_competency = row_competency
        self._row_kind = row_kind
        self._row_text = row_text
        # Indexes saved before row languages were recorded: own language, other labels unknown.
        self.row_lang = row_lang or [
            "" if kind == "other_lang_label" else meta.lang for kind in row_kind
        ]
        self._groups: dict[str, LanguageGroup] = {}
        self._fused_languages: tuple[str, ...] | None = None
        self.competency_ids = competency_ids
        self.competency_labels = competency_labels
        self._position = {cid: i for i, cid in enumerate(competency_ids)}
        self._faiss = faiss.IndexFlatIP(meta.dim)
        self._faiss.add(vectors)
        # One copy in memory: a view on FAISS's own storage, not the array it was given.
        self.vectors = _stored_vectors(self._faiss) if len(vectors) else vectors
        self._rows_of: dict[int, np.ndarray] | None = None

    # -- building -------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        framework: Framework,
        encoder: Encoder,
        *,
        fields: Sequence[str] = DEFAULT_FIELDS,
        batch_size: int = 256,
        progress: ProgressCallback | None = None,
    ) -> FrameworkIndex:
        """Embed every competency text of `framework` as a passage."""
        start = time.perf_counter()
        rows: list[tuple[int, str, str, str]] = [
            (pos, kind, text, lang)
            for pos, comp in enumerate(framework.competencies)
            for kind, text, lang in competency_rows(comp, fields)
        ]
        texts = [text for _, _, text, _ in rows]
        vectors = _encode_in_batches(encoder, texts, batch_size, progress)
        meta = IndexMeta(
            framework=framework.name,
            framework_version=framework.version,
            model_name=encoder.name,
            fingerprint=encoder.fingerprint,
            dim=encoder.dim,
            n_competencies=len(framework.competencies),
            n_vectors=len(rows),
            fields=tuple(fields),
            build_seconds=round(time.perf_counter() - start, 2),
            lang=_main_language(framework),
        )
        return cls(
            meta,
            vectors,
            np.asarray([pos for pos, _, _, _ in rows], dtype=np.int32),
            [kind for _, kind, _, _ in rows],
            texts,
            [c.id for c in framework.competencies],
            [c.label for c in framework.competencies],
            [lang for _, _, _, lang in rows],
        )

    @property
    def row_texts(self) -> list[str]:
        """The indexed text of each vector row, in row order."""
        return self._row_text

    # -- persistence ----------------------------------------------------------------------

    def save(self, directory: Path) -> None:
        """Write atomically: a crash while saving never leaves a half index behind."""
        with atomic_directory(directory) as tmp:
            np.save(tmp / "vectors.npy", self.vectors)
            np.save(tmp / "row_competency.npy", self._row_competency)
            _write_json(
                tmp / "rows.json",
                {"kind": self._row_kind, "text": self._row_text, "lang": self.row_lang},
            )
            _write_json(
                tmp / "competencies.json",
                {"id": self.competency_ids, "label": self.competency_labels},
            )
            _write_json(tmp / "meta.json", self.meta.to_json())

    @staticmethod
    def load_meta(directory: Path) -> IndexMeta:
        """Only the description of a saved index: cheap, the vectors stay on disk."""
        if not (directory / "meta.json").exists():
            raise NotFoundError(f"no index at {directory}", path=str(directory))
        raw = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        raw.pop("format_version", None)
        return IndexMeta(**{**raw, "fields": tuple(raw["fields"])})

    @classmethod
    def load(cls, directory: Path) -> FrameworkIndex:
        meta = cls.load_meta(directory)
        rows = json.loads((directory / "rows.json").read_text(encoding="utf-8"))
        comps = json.loads((directory / "competencies.json").read_text(encoding="utf-8"))
        return cls(
            meta,
            # Mapped, not read: FAISS copies the vectors in, so the file never fills memory.
            np.load(directory / "vectors.npy", mmap_mode="r"),
            np.load(directory / "row_competency.npy"),
            rows["kind"],
            rows["text"],
            comps["id"],
            comps["label"],
            rows.get("lang"),
        )

    # -- searching ------------------------------------------------------------------------

    def check_encoder(self, encoder: Encoder) -> None:
        """Refuse to compare vectors from two different models."""
        if encoder.fingerprint != self.meta.fingerprint:
            raise ModelMismatchError(
                f"index of framework {self.meta.framework!r} was built with model "
                f"{self.meta.model_name} ({self.meta.fingerprint}); the loaded model is "
                f"{encoder.name} ({encoder.fingerprint}). Rebuild the index with "
                f"`outcome-matcher frameworks reindex {self.meta.framework}` or load that model.",
                index_fingerprint=self.meta.fingerprint,
                model_fingerprint=encoder.fingerprint,
            )

    def search(self, queries: np.ndarray, k: int) -> list[list[Hit]]:
        """Top-k competencies per query; a competency scores the best of its vectors."""
        if self.meta.n_vectors == 0:
            return [[] for _ in range(len(queries))]
        # Over-fetch rows: several rows of one competency collapse into one hit.
        n_rows = min(self.meta.n_vectors, max(k * 20, 200))
        scores, rows = self._faiss.search(np.ascontiguousarray(queries, dtype=np.float32), n_rows)
        return [self._collapse(s, r, k) for s, r in zip(scores, rows, strict=True)]

    @property
    def fused_languages(self) -> tuple[str, ...]:
        """Languages other than the framework's that some rows are labels in (sorted)."""
        if self._fused_languages is None:
            own = self.meta.lang
            self._fused_languages = tuple(sorted({g for g in self.row_lang if g and g != own}))
        return self._fused_languages

    def language_group(self, lang: str) -> LanguageGroup:
        """The rows in `lang` ("" or the framework's language: its own rows), cached."""
        key = lang or self.meta.lang
        if key not in self._groups:
            selected = np.asarray([r == key for r in self.row_lang], dtype=bool)
            self._groups[key] = LanguageGroup.of(self._row_competency, selected)
        return self._groups[key]

    def search_languages(
        self, queries: np.ndarray, langs: Sequence[str | None], k: int
    ) -> list[list[Hit]]:
        """Top-k per query, each scored as label_fusion.plan says for its language."""
        plans = [plan(lang, self.meta.lang, self.fused_languages) for lang in langs]
        out: list[list[Hit]] = [[] for _ in plans]
        everything = [i for i, p in enumerate(plans) if p == ALL_ROWS]
        if everything:
            for i, row in zip(everything, self.search(queries[everything], k), strict=True):
                out[i] = row
        rest = [i for i, p in enumerate(plans) if p != ALL_ROWS]
        for start in range(0, len(rest), CHUNK):
            chunk = rest[start : start + CHUNK]
            sims = np.asarray(queries[chunk], dtype=np.float32) @ self.vectors.T
            for j, i in enumerate(chunk):
                scores, rows = self._fused(sims[j], plans[i])
                out[i] = [self._hit(int(p), int(rows[p]), float(scores[p])) for p in top(scores, k)]
        return out

    def _fused(self, sims: np.ndarray, lang: str) -> tuple[np.ndarray, np.ndarray]:
        other = self.language_group(lang) if lang else None
        return fuse(sims, self.language_group(""), other, len(self.competency_ids))

    def lexical_documents(self, lang: str | None = None) -> list[str]:
        """Per competency, the texts BM25 reads, joined: its labels and typed texts in the
        framework's own language, or (with `lang`) its labels in that language."""
        documents: list[list[str]] = [[] for _ in self.competency_ids]
        for row, kind in enumerate(self._row_kind):
            wanted = (
                kind in LEXICAL_KINDS
                if lang is None
                else kind == "other_lang_label" and self.row_lang[row] == lang
            )
            if wanted:
                documents[int(self._row_competency[row])].append(self._row_text[row])
        return [" ".join(d) for d in documents]

    def scored_hits(
        self, query: np.ndarray, competency_ids: Sequence[str], lang: str | None = None
    ) -> list[Hit]:
        """Hits of one query (shape (1, dim)) for the named competencies, scored exactly, in
        the given order: for candidates another signal found that the vectors did not rank.
        With `lang`, scored as `search_languages` scores a query in that language."""
        if not competency_ids:
            return []
        how = plan(lang, self.meta.lang, self.fused_languages) if lang else ALL_ROWS
        if how != ALL_ROWS:
            sims = np.asarray(query[0], dtype=np.float32) @ self.vectors.T
            scores, rows = self._fused(sims, how)
            positions = [self._position[cid] for cid in competency_ids]
            return [self._hit(p, int(rows[p]), float(scores[p])) for p in positions]
        scores, evidence = self.score_competencies(query, competency_ids)
        return [
            self._scored_hit(self._position[cid], float(scores[0, j]), evidence[j][0])
            for j, cid in enumerate(competency_ids)
        ]

    def _scored_hit(self, pos: int, score: float, evidence: str) -> Hit:
        """The hit of a competency scored by `score_competencies`, whose evidence is a text."""
        row = next(r for r in self._competency_rows()[pos] if self._row_text[r] == evidence)
        return self._hit(pos, int(row), score)

    def _collapse(self, scores: np.ndarray, rows: np.ndarray, k: int) -> list[Hit]:
        hits: list[Hit] = []
        seen: set[int] = set()
        for score, row in zip(scores.tolist(), rows.tolist(), strict=True):
            if row < 0:
                break
            pos = int(self._row_competency[row])
            if pos in seen:
                continue
            seen.add(pos)
            hits.append(self._hit(pos, row, score))
            if len(hits) == k:
                break
        return hits

    def _hit(self, pos: int, row: int, score: float) -> Hit:
        return Hit(
            competency_id=self.competency_ids[pos],
            label=self.competency_labels[pos],
            score=round(float(score), 6),
            evidence=self._row_text[row],
            evidence_kind=self._row_kind[row],
        )

    def score_competencies(
        self,
        queries: np.ndarray,
        competency_ids: Sequence[str],
        query_kinds: Sequence[str | None] | None = None,
        kind_penalty: float = 0.0,
    ) -> tuple[np.ndarray, list[list[str]]]:
        """Exact similarity of each query to each named competency (best of its vectors).

        Returns a (n_queries, n_competencies) matrix and, per competency, the evidence text of
        the best vector for each query, for the reverse direction (requirement -> modules).
        With `query_kinds` (an outcome's kind, or None) and a `kind_penalty` > 0, vectors of
        the other kind (OTHER_KIND) lose that much similarity before the best is taken.
        """
        rows_of = self._competency_rows()
        scores = np.full((len(queries), len(competency_ids)), -1.0, dtype=np.float32)
        other = self._other_kind_rows(query_kinds) if kind_penalty and query_kinds else None
        evidence: list[list[str]] = []
        for j, cid in enumerate(competency_ids):
            pos = self._position.get(cid)
            if pos is None:
                raise NotFoundError(
                    f"competency {cid!r} is not in framework {self.meta.framework!r}",
                    competency_id=cid,
                )
            rows = rows_of[pos]
            sims = queries @ self.vectors[rows].T
            if other is not None:
                sims = sims - kind_penalty * other[:, rows]
            best = sims.argmax(axis=1)
            scores[:, j] = sims[np.arange(len(queries)), best]
            evidence.append([self._row_text[rows[b]] for b in best.tolist()])
        return scores, evidence

    def _other_kind_rows(self, query_kinds: Sequence[str | None]) -> np.ndarray:
        """(n_queries, n_rows) 1.0 where a row's kind is the other kind for the query's kind."""
        by_kind = {
            kind: np.array([k in others for k in self._row_kind], dtype=np.float32)
            for kind, others in OTHER_KIND.items()
        }
        none = np.zeros(len(self._row_kind), dtype=np.float32)
        return np.stack([by_kind.get(k or "", none) for k in query_kinds]) if query_kinds else none

    def search_among(
        self, queries: np.ndarray, competency_ids: Sequence[str], k: int
    ) -> list[list[Hit]]:
        """Top-k of the named competencies only (a standard's requirements), scored exactly.

        Ties keep the order of `competency_ids`, run after run.
        """
        ids = list(dict.fromkeys(competency_ids))
        if not ids:
            return [[] for _ in range(len(queries))]
        scores, evidence = self.score_competencies(queries, ids)
        order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        return [
            [
                self._scored_hit(self._position[ids[j]], float(scores[i, j]), evidence[j][i])
                for j in order[i].tolist()
            ]
            for i in range(len(queries))
        ]

    def has(self, competency_id: str) -> bool:
        return competency_id in self._position

    def _competency_rows(self) -> dict[int, np.ndarray]:
        if self._rows_of is None:
            order = np.argsort(self._row_competency, kind="stable")
            bounds = np.searchsorted(
                self._row_competency[order], np.arange(len(self.competency_ids) + 1)
            )
            self._rows_of = {
                pos: order[bounds[pos] : bounds[pos + 1]] for pos in range(len(self.competency_ids))
            }
        return self._rows_of


def _main_language(framework: Framework) -> str:
    langs = Counter(c.lang for c in framework.competencies)
    return langs.most_common(1)[0][0] if langs else "en"


class _FaissBacked(np.ndarray):
    """A view on a FAISS index's storage that keeps the index alive while the view lives."""

    owner: object = None


def _stored_vectors(index: faiss.IndexFlat) -> np.ndarray:
    stored = faiss.rev_swig_ptr(index.get_xb(), index.ntotal * index.d)
    view = np.asarray(stored).reshape(index.ntotal, index.d).view(_FaissBacked)
    view.owner = index  # without it, a caller keeping only `.vectors` would read freed memory
    return view


def _encode_in_batches(
    encoder: Encoder,
    texts: list[str],
    batch_size: int,
    progress: ProgressCallback | None,
) -> np.ndarray:
    """Passage vectors of `texts` in their order, embedded shortest first.

    Rows come competency by competency, so a batch in row order would mix short labels with a
    long description and pad every label to the description's length (about 3x the work on
    ESCO). Sorting all texts by length first keeps each batch's padding small.
    """
    out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for start in range(0, len(texts), batch_size):
        rows = order[start : start + batch_size]
        out[rows] = encoder.encode_passages([texts[i] for i in rows])
        if progress:
            progress(min(start + batch_size, len(texts)), len(texts))
    return out


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
