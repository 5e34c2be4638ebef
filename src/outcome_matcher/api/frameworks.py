"""Frameworks and the standards defined over them (read-only over HTTP; import with the CLI;
export as CASE)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from outcome_matcher import services
from outcome_matcher.api.deps import CurrentUser, SettingsDep, StoreDep
from outcome_matcher.retrieval.readiness import IndexState, IndexStatus
from outcome_matcher.schemas import Standard
from outcome_matcher.store.public import FrameworkInfo, StandardInfo

router = APIRouter(prefix="/frameworks", tags=["frameworks"])


class IndexStatusPublic(BaseModel):
    """How far a framework's index is; suggestions over all its competencies need `ready`."""

    framework: str
    state: IndexState
    progress: int = Field(description="percent of the full build done")
    rows_done: int | None = None
    rows_total: int | None = None
    eta_seconds: float | None = None
    job_id: str | None = None
    error: str | None = None

    @classmethod
    def of(cls, status: IndexStatus) -> IndexStatusPublic:
        return cls(
            framework=status.framework,
            state=status.state,
            progress=status.percent,
            rows_done=status.rows_done,
            rows_total=status.rows_total,
            eta_seconds=status.eta_seconds,
            job_id=status.job_id,
            error=status.error,
        )


@router.get("")
def list_frameworks(store: StoreDep, user: CurrentUser) -> list[FrameworkInfo]:
    return store.list_frameworks()


@router.get("/{name}")
def get_framework(name: str, store: StoreDep, user: CurrentUser) -> FrameworkInfo:
    return store.get_framework_info(name)


@router.get("/{name}/index")
def index_status(
    name: str, store: StoreDep, settings: SettingsDep, user: CurrentUser
) -> IndexStatusPublic:
    """The framework's index: ready, or queued / building (with progress and ETA), failed,
    partial or missing. A partial index serves reviews against the standards indexed first."""
    store.get_framework_info(name)  # unknown framework: 404
    return IndexStatusPublic.of(services.index_status(store, settings, name))


@router.get("/{name}/export")
def export_framework(
    name: str,
    store: StoreDep,
    user: CurrentUser,
    format: Literal["case"] = "case",
    standard: str | None = Query(default=None, description="only this standard (its key)"),
) -> JSONResponse:
    """The framework, or one of its standards, as a CASE 1.1 CFPackage (JSON)."""
    package = services.export_framework(store, name, standard)
    filename = f"{name}-case.json".replace("/", "_").replace('"', "")
    return JSONResponse(
        package, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@router.get("/{name}/standards")
def list_standards(
    name: str,
    store: StoreDep,
    user: CurrentUser,
    q: str | None = Query(default=None, max_length=200, description="words in the label"),
    limit: int = Query(default=50, ge=1, le=500),
) -> list[StandardInfo]:
    return store.list_standards(name, query=q, limit=limit)


@router.get("/{name}/standards/{key:path}")
def get_standard(name: str, key: str, store: StoreDep, user: CurrentUser) -> Standard:
    """One standard with its requirements; `key` may be a URI."""
    return store.get_standard(name, key)
