"""Decisions: record one, read the history and the flagged, export and import mapping tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, UploadFile
from fastapi.responses import Response

from outcome_matcher.api.deps import CurrentUser, Decider, MatcherDep, SettingsDep, StoreDep
from outcome_matcher.api.error_bodies import file_responses
from outcome_matcher.fileio.uploads import check_upload
from outcome_matcher.review import interchange
from outcome_matcher.review.decisions import record_decision
from outcome_matcher.review.interchange import MEDIA_TYPES, ExportFormat
from outcome_matcher.store.public import (
    DecisionCreate,
    DecisionImportResult,
    DecisionPublic,
)

router = APIRouter(prefix="/decisions", tags=["decisions"])


@router.post("", status_code=201)
def post_decision(
    body: DecisionCreate, store: StoreDep, matcher: MatcherDep, user: Decider
) -> DecisionPublic:
    """Record a verdict as the authenticated user; 409 with the current state when stale."""
    return record_decision(store, matcher, body, user)


@router.get("/history")
def get_history(
    store: StoreDep,
    user: CurrentUser,
    programme: str | None = None,
    module: str | None = None,
    catalogue: str | None = None,
    framework: str | None = None,
    competency_id: str | None = None,
    standard: str | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> list[DecisionPublic]:
    """Every decision matching the filters, superseded ones included, oldest first."""
    return store.decision_history(
        programme=programme,
        module=module,
        catalogue=catalogue,
        framework=framework,
        competency_id=competency_id,
        standard=standard,
        limit=limit,
    )


@router.get("/flagged")
def get_flagged(
    store: StoreDep,
    user: CurrentUser,
    programme: str | None = None,
    framework: str | None = None,
    catalogue: str | None = None,
) -> list[DecisionPublic]:
    """Current decisions whose outcome or competency changed since: they need re-review."""
    return store.flagged_decisions(programme=programme, framework=framework, catalogue=catalogue)


@router.get(
    "/export",
    response_class=Response,
    responses=file_responses((m for m, _ in MEDIA_TYPES.values()), "the mapping table"),
)
def export_decisions(
    programme: str,
    framework: str,
    store: StoreDep,
    user: CurrentUser,
    catalogue: str | None = None,
    format: ExportFormat = "csv",
) -> Response:
    """The programme's current decisions as a mapping table (CSV) or SKOS (skos-ttl, -jsonld)."""
    text = interchange.export_decisions(store, programme, framework, catalogue, format)
    media_type, ext = MEDIA_TYPES[format]
    name = f"{programme}-{framework}-mapping.{ext}".replace("/", "_").replace('"', "")
    return Response(
        content=text,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/import")
def import_decisions(
    file: UploadFile,
    store: StoreDep,
    settings: SettingsDep,
    matcher: MatcherDep,
    user: Decider,
    framework: str | None = None,
    catalogue: str | None = None,
) -> DecisionImportResult:
    """Load a mapping table (CSV) or SKOS mappings, recognised by content, as decisions by the
    caller; a bad or stale row anywhere (409, every stale row listed) imports nothing. A CSV
    table needs `framework`; its rows follow the reason rule of POST /decisions."""
    name = Path(file.filename or "upload.csv").name
    data = file.file.read()
    # Checked as UTF-8 text with a row limit, whatever the file's name says.
    check_upload(
        data, ".csv", file=name, max_bytes=settings.max_upload_bytes,
        max_rows=settings.max_upload_rows,
    )  # fmt: skip
    return interchange.import_decisions(
        store,
        data.decode("utf-8-sig"),
        framework=framework,
        reviewer=user,
        catalogue=catalogue,
        file=name,
        matcher=matcher,
    )
