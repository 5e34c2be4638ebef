"""Sector view: several programmes (of one or many catalogues) against one standard."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from outcome_matcher.errors import InputError
from outcome_matcher.reports.build import build_report
from outcome_matcher.reports.data import Report, Share, SignOff
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.review.coverage import RequirementStatus
from outcome_matcher.store import Store

SEPARATOR = "::"  # "CATALOGUE::PROGRAMME" names a programme whose code other catalogues share


class ProgrammeRef(BaseModel):
    model_config = ConfigDict(frozen=True)

    catalogue: str | None
    programme: str

    @classmethod
    def parse(cls, spec: str) -> ProgrammeRef:
        catalogue, sep, code = spec.rpartition(SEPARATOR)
        if not code.strip():
            raise InputError(f"no programme code in {spec!r}", field="programme")
        return cls(catalogue=catalogue if sep else None, programme=code)


class SectorRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    catalogue: str | None
    programme: str
    title: str
    modules: int
    essential: Share
    optional: Share
    essential_gaps: tuple[str, ...]
    lower_level: int
    sign_off: SignOff


class SectorRequirement(BaseModel):
    """One requirement across the programmes, in the order of `SectorReport.rows`."""

    model_config = ConfigDict(frozen=True)

    competency_id: str
    label: str
    essential: bool
    unit: str | None
    statuses: tuple[RequirementStatus, ...]


class SectorReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: Literal["sector"] = "sector"
    framework: str
    framework_version: str
    standard_id: str
    standard_label: str
    model_fingerprint: str
    threshold: float
    generated: datetime
    rows: tuple[SectorRow, ...]
    requirements: tuple[SectorRequirement, ...]


def programme_refs(
    store: Store, specs: Sequence[str] = (), catalogues: Sequence[str] = ()
) -> list[ProgrammeRef]:
    """Programmes named one by one ("CODE" or "CATALOGUE::CODE") plus all of some catalogues."""
    refs = [ProgrammeRef.parse(spec) for spec in specs]
    for name in catalogues:
        refs += [
            ProgrammeRef(catalogue=name, programme=p.code) for p in store.list_programmes(name)
        ]
    if not refs:
        raise InputError("name at least one programme or catalogue", field="programme")
    return list(dict.fromkeys(refs))


def build_sector(
    store: Store,
    matcher: Matcher,
    *,
    framework: str,
    standard: str,
    programmes: Sequence[ProgrammeRef],
    now: datetime | None = None,
) -> SectorReport:
    now = now or datetime.now(UTC)
    reports = [
        build_report(
            store,
            matcher,
            programme=ref.programme,
            framework=framework,
            standard=standard,
            catalogue=ref.catalogue,
            now=now,
        )
        for ref in programmes
    ]
    return sector_from_reports(reports, now)


def sector_from_reports(reports: Sequence[Report], generated: datetime) -> SectorReport:
    if not reports:
        raise InputError("a sector view needs at least one programme", field="programme")
    first = reports[0].provenance
    return SectorReport(
        framework=first.framework,
        framework_version=first.framework_version,
        standard_id=first.standard_id,
        standard_label=first.standard_label,
        model_fingerprint=first.model_fingerprint,
        threshold=first.threshold,
        generated=generated,
        rows=tuple(_row(r) for r in reports),
        requirements=tuple(
            SectorRequirement(
                competency_id=req.competency_id,
                label=req.label,
                essential=req.essential,
                unit=req.unit,
                statuses=tuple(r.requirements[i].status for r in reports),
            )
            for i, req in enumerate(reports[0].requirements)
        ),
    )


def _row(report: Report) -> SectorRow:
    p = report.provenance
    return SectorRow(
        catalogue=p.catalogue,
        programme=p.programme,
        title=p.programme_title,
        modules=len(report.modules),
        essential=report.summary.essential,
        optional=report.summary.optional,
        essential_gaps=tuple(r.label for r in report.gaps() if r.essential),
        lower_level=report.summary.lower_level,
        sign_off=report.summary.sign_off,
    )
