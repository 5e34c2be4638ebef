"""Build a Report from a ProgrammeReview: summary, evidence, gaps, levels and provenance."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from outcome_matcher.errors import InputError, NotFoundError
from outcome_matcher.i18n import DEFAULT, LOCALES, normalize
from outcome_matcher.reports import levels
from outcome_matcher.reports.data import (
    Evidence,
    LevelCheck,
    MatrixCell,
    ModuleRef,
    Provenance,
    Report,
    ReportSummary,
    RequirementReport,
    ReviewerCount,
    Share,
    SignOff,
)
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.review.coverage import Cell, RequirementCoverage
from outcome_matcher.review.programme import ProgrammeReview, load_review
from outcome_matcher.store import Store
from outcome_matcher.store.public import DecisionPublic
from outcome_matcher.text import BloomEstimate, bloom_level


@dataclass
class ReportContext:
    """What a report needs beyond the review: levels, languages and provenance."""

    programme_title: str
    framework_version: str
    index_fingerprint: str | None
    model_name: str
    model_fingerprint: str
    outcome_langs: Mapping[str, str | None] = field(default_factory=dict)
    generated: datetime = field(default_factory=lambda: datetime.now(UTC))


def resolve_standard(store: Store, framework: str, standard: str) -> str:
    """A standard's key from its key or its exact label ("ICT application developer")."""
    try:
        return store.get_standard(framework, standard).id
    except NotFoundError:
        wanted = standard.strip().casefold()
        found = store.list_standards(framework, standard, limit=500)
        exact = [s.key for s in found if s.label.casefold() == wanted]
        if len(exact) == 1:
            return exact[0]
        raise


def report_language(store: Store, user: str | None = None, lang: str | None = None) -> str:
    """The report's language: `lang` if given, else the user's interface language, else English."""
    if lang:
        found = normalize(lang)
        if found is None:
            known = ", ".join(LOCALES)
            raise InputError(f"unsupported report language {lang!r} (use {known})", field="lang")
        return found
    stored = store.get_user_language(user) if user else None
    return normalize(stored) or DEFAULT


def report_context(
    store: Store, matcher: Matcher, review: ProgrammeReview, now: datetime | None = None
) -> ReportContext:
    info = store.get_framework_info(review.framework)
    outcomes = store.get_programme_outcomes(review.programme, review.catalogue)
    return ReportContext(
        programme_title=store.get_programme(review.programme, review.catalogue).title,
        framework_version=info.version,
        index_fingerprint=info.index_fingerprint,
        model_name=matcher.encoder.name,
        model_fingerprint=matcher.encoder.fingerprint,
        outcome_langs={o.outcome_id: o.lang for o in outcomes},
        generated=now or datetime.now(UTC),
    )


def build_report(
    store: Store,
    matcher: Matcher,
    *,
    programme: str,
    framework: str,
    standard: str,
    catalogue: str | None = None,
    now: datetime | None = None,
) -> Report:
    """Score, lay decisions over the scores and assemble the audit report."""
    key = resolve_standard(store, framework, standard)
    review = load_review(
        store, matcher, programme=programme, framework=framework, standard=key, catalogue=catalogue
    )
    return report_from_review(review, report_context(store, matcher, review, now))


def report_from_review(review: ProgrammeReview, ctx: ReportContext) -> Report:
    titles = {m.code: m.title for m in review.modules}
    blooms = _BloomCache(ctx.outcome_langs)
    rows = tuple(_requirement(row, titles, blooms) for row in review.coverage.requirements)
    decisions = _relevant_decisions(review)
    return Report(
        provenance=_provenance(review, ctx, decisions),
        summary=_summary(rows, decisions),
        modules=tuple(ModuleRef(code=m.code, title=m.title) for m in review.modules),
        requirements=rows,
        matrix=tuple(
            tuple(MatrixCell(status=c.status, score=c.score) for c in cells)
            for cells in review.matrix()
        ),
    )


class _BloomCache:
    """Bloom estimates per outcome: one outcome is evidence for many requirements."""

    def __init__(self, langs: Mapping[str, str | None]) -> None:
        self._langs = langs
        self._seen: dict[str, BloomEstimate] = {}

    def get(self, outcome_id: str, text: str) -> BloomEstimate:
        if outcome_id not in self._seen:
            self._seen[outcome_id] = bloom_level(text, self._langs.get(outcome_id))
        return self._seen[outcome_id]


def _evidence(cell: Cell, title: str, expected: int | None, blooms: _BloomCache) -> Evidence:
    estimate = None
    if cell.outcome_id is not None and cell.outcome_text is not None:
        estimate = blooms.get(cell.outcome_id, cell.outcome_text)
    p = levels.p_lower(estimate, expected) if estimate else None
    return Evidence(
        module=cell.module_code,
        module_title=title,
        status=cell.status,
        score=cell.score,
        confidence=cell.confidence,
        outcome=cell.outcome_text,
        relation=cell.relation,
        reviewer=cell.reviewer,
        bloom_level=estimate.level if estimate else None,
        bloom_probabilities=estimate.probabilities if estimate else (),
        p_lower=p,
        level_check=_check(p),
    )


def _check(p: float | None) -> LevelCheck:
    if p is None:
        return "unknown"
    return "lower" if levels.is_lower(p) else "ok"


def _requirement(
    row: RequirementCoverage, titles: Mapping[str, str], blooms: _BloomCache
) -> RequirementReport:
    expected = levels.expected_bloom(row.type, row.level, row.level_scale)
    evidence = tuple(
        _evidence(c, titles.get(c.module_code, ""), expected, blooms) for c in row.covering
    )
    # The requirement is met at its level if any one covering module reaches it.
    known = [e.p_lower for e in evidence if e.p_lower is not None]
    p = min(known) if known else None
    return RequirementReport(
        competency_id=row.competency_id,
        label=row.label,
        essential=row.essential,
        unit=row.unit,
        type=row.type,
        level=row.level,
        level_scale=row.level_scale,
        eqf=row.eqf,
        expected_bloom=expected,
        status=row.status,
        over_covered=row.over_covered,
        evidence=evidence,
        level_check=_check(p),
        p_lower=p,
    )


def _relevant_decisions(review: ProgrammeReview) -> list[DecisionPublic]:
    """Current decisions on links between this programme's modules and this standard (a
    withdrawn link is undecided: not a decision to report)."""
    required = {r.competency_id for r in review.requirements}
    return [
        d
        for (_, cid), d in sorted(review.decisions.items())
        if cid in required and d.verdict != "withdrawn"
    ]


def _reviewers(decisions: list[DecisionPublic]) -> tuple[ReviewerCount, ...]:
    counts = Counter((d.reviewer, d.verdict) for d in decisions)
    names = sorted({d.reviewer for d in decisions})
    return tuple(
        ReviewerCount(
            reviewer=name,
            decisions=sum(counts[(name, v)] for v in ("accepted", "rejected", "partial")),
            accepted=counts[(name, "accepted")],
            rejected=counts[(name, "rejected")],
            partial=counts[(name, "partial")],
        )
        for name in names
    )


def _provenance(
    review: ProgrammeReview, ctx: ReportContext, decisions: list[DecisionPublic]
) -> Provenance:
    return Provenance(
        programme=review.programme,
        programme_title=ctx.programme_title,
        catalogue=review.catalogue,
        framework=review.framework,
        framework_version=ctx.framework_version,
        standard_id=review.standard.id,
        standard_label=review.standard.label,
        model_name=ctx.model_name,
        model_fingerprint=ctx.model_fingerprint,
        index_fingerprint=ctx.index_fingerprint,
        threshold=review.coverage.threshold,
        calibrated=review.calibration is not None,
        four_eyes=review.four_eyes,
        generated=ctx.generated,
        level_rule=levels.LEVEL_RULE,
        reviewers=_reviewers(decisions),
    )


def _share(rows: tuple[RequirementReport, ...], essential: bool) -> Share:
    group = [r for r in rows if r.essential == essential]
    return Share.of(
        total=len(group),
        confirmed=sum(1 for r in group if r.status == "confirmed"),
        suggested=sum(1 for r in group if r.status == "suggested"),
    )


def _pending(rows: tuple[RequirementReport, ...]) -> int:
    return sum(1 for r in rows for e in r.evidence if e.status == "pending")


def _sign_off(rows: tuple[RequirementReport, ...], decisions: list[DecisionPublic]) -> SignOff:
    """Complete when reviewers settled every covered requirement and nothing awaits a reviewer."""
    if not decisions:
        return "not started"
    open_links = _pending(rows) or any(d.needs_review for d in decisions)
    unsettled = any(r.status == "suggested" for r in rows)
    return "in progress" if open_links or unsettled else "complete"


def _summary(rows: tuple[RequirementReport, ...], decisions: list[DecisionPublic]) -> ReportSummary:
    return ReportSummary(
        essential=_share(rows, True),
        optional=_share(rows, False),
        over_covered=sum(1 for r in rows if r.over_covered),
        lower_level=sum(1 for r in rows if r.level_check == "lower"),
        sign_off=_sign_off(rows, decisions),
        needs_review=sum(1 for d in decisions if d.needs_review),
        pending=_pending(rows),
    )
