"""Competency labels in the users' languages: machine ones, a council's reviewed ones in force."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from outcome_matcher.schemas import Competency, Framework
from outcome_matcher.schemas.labels import (
    REVIEWABLE_LANGS,
    CompetencyLabels,
    LocalLabel,
    label_lang,
    machine_label,
)
from outcome_matcher.store import LabelReviewPublic, Store

Reviews = Mapping[tuple[str, str], LabelReviewPublic]


def with_reviewed_labels(competency: Competency, reviews: Reviews) -> Competency:
    """The competency with each reviewed label replacing the machine one of its language."""
    by_lang = dict(competency.labels_by_lang)
    changed = False
    for lang in REVIEWABLE_LANGS:
        review = reviews.get((competency.id, lang))
        if review is None:
            continue
        rest = [t for t in by_lang.get(lang, ())[1:] if t != review.label]
        by_lang[lang] = (review.label, *rest)
        changed = True
    return competency.model_copy(update={"labels_by_lang": by_lang}) if changed else competency


def apply_reviewed_labels(framework: Framework, reviews: Reviews) -> Framework:
    """The framework as it is indexed: reviewed labels in place of the machine translations."""
    if not reviews:
        return framework
    competencies = tuple(with_reviewed_labels(c, reviews) for c in framework.competencies)
    return framework.model_copy(update={"competencies": competencies})


def reviewed_framework(store: Store, name: str) -> Framework:
    """A stored framework with its reviewed labels applied: what every index is built from."""
    return apply_reviewed_labels(store.load_framework(name), store.current_labels(name))


def local_label(
    competency: Competency, lang: str, review: LabelReviewPublic | None
) -> LocalLabel | None:
    """The label shown in `lang` (a reviewable language), None when there is neither kind."""
    machine = machine_label(competency, lang)
    if review is not None:
        return LocalLabel(
            lang=lang,
            label=review.label,
            status="reviewed",
            machine_label=machine,
            reviewer=review.reviewer,
            reviewed_at=review.created,
            version=review.version,
        )
    if not machine:
        return None
    return LocalLabel(lang=lang, label=machine, status="machine", machine_label=machine)


def labels_for_interface(
    store: Store, framework: str, competencies: Iterable[Competency], interface_lang: str
) -> dict[str, LocalLabel]:
    """Per competency id, its label in the reader's interface language (English: none).

    A competency whose own language is that language needs no second label.
    """
    lang = label_lang(interface_lang)
    wanted = [c for c in competencies if lang is not None and c.lang != lang]
    if lang is None or not wanted:
        return {}
    reviews = store.current_labels(framework, [c.id for c in wanted])
    found = {c.id: local_label(c, lang, reviews.get((c.id, lang))) for c in wanted}
    return {cid: label for cid, label in found.items() if label is not None}


def all_local_labels(
    store: Store, framework: str, competencies: Iterable[Competency]
) -> dict[str, tuple[LocalLabel, ...]]:
    """Per competency id, its labels in every reviewable language that has one."""
    wanted = list(competencies)
    if not wanted:
        return {}
    reviews = store.current_labels(framework, [c.id for c in wanted])
    out: dict[str, tuple[LocalLabel, ...]] = {}
    for c in wanted:
        found = (local_label(c, lang, reviews.get((c.id, lang))) for lang in REVIEWABLE_LANGS)
        out[c.id] = tuple(x for x in found if x is not None)
    return out


def competency_labels(store: Store, framework: str, competency_id: str) -> CompetencyLabels:
    """A competency with its labels in every reviewable language, for the API and the UI."""
    [competency] = store.get_competencies(framework, [competency_id])
    labels = all_local_labels(store, framework, [competency])[competency.id]
    return CompetencyLabels(framework=framework, competency=competency, labels=labels)
