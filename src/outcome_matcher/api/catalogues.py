"""Catalogues and programmes: list, read, and import a catalogue file."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, UploadFile

from outcome_matcher.api.deps import CurrentUser, Designer, SettingsDep, StoreDep
from outcome_matcher.errors import UnsupportedTypeError
from outcome_matcher.fileio.uploads import check_upload
from outcome_matcher.schemas import Programme
from outcome_matcher.services import add_catalogue
from outcome_matcher.store.public import CatalogueImport, CatalogueInfo, ProgrammeInfo

router = APIRouter(tags=["catalogues"])
_SUFFIXES = {".csv", ".json", ".yaml", ".yml", ".docx"}


@router.get("/catalogues")
def list_catalogues(store: StoreDep, user: CurrentUser) -> list[CatalogueInfo]:
    return store.list_catalogues()


@router.post("/catalogues", status_code=201)
def import_catalogue(
    file: UploadFile, store: StoreDep, settings: SettingsDep, user: Designer
) -> CatalogueImport:
    """Import a catalogue file (CSV, JSON, YAML, or a DOCX work programme); re-importing the
    same file is a no-op."""
    name = Path(file.filename or "upload").name
    suffix = Path(name).suffix.lower()
    if suffix not in _SUFFIXES:
        raise UnsupportedTypeError(f"unsupported file type {suffix!r}", file=name, field="file")
    data = file.file.read()
    check_upload(
        data,
        suffix,
        file=name,
        max_bytes=settings.max_upload_bytes,
        max_rows=settings.max_upload_rows,
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        return add_catalogue(
            store, path, name=None, max_chars=settings.max_text_chars, actor=user.name
        )


@router.get("/programmes")
def list_programmes(
    store: StoreDep, user: CurrentUser, catalogue: str | None = None
) -> list[ProgrammeInfo]:
    return store.list_programmes(catalogue)


@router.get("/programmes/{code}")
def get_programme(
    code: str, store: StoreDep, user: CurrentUser, catalogue: str | None = None
) -> Programme:
    return store.get_programme(code, catalogue)
