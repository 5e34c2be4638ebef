"""Frameworks and the standards defined over them (read-only over HTTP; import with the CLI;
export as CASE)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from outcome_matcher import services
from outcome_matcher.api.deps import CurrentUser, StoreDep
from outcome_matcher.schemas import Standard
from outcome_matcher.store.public import FrameworkInfo, StandardInfo

router = APIRouter(prefix="/frameworks", tags=["frameworks"])


@router.get("")
def list_frameworks(store: StoreDep, user: CurrentUser) -> list[FrameworkInfo]:
    return store.list_frameworks()


@router.get("/{name}")
def get_framework(name: str, store: StoreDep, user: CurrentUser) -> FrameworkInfo:
    return store.get_framework_info(name)


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
