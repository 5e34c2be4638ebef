"""HTTP: micro-qualifications: propose, check, recognise, store, sign off, publish, export."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from outcome_matcher.api.deps import CurrentUser, Designer, MatcherDep, StoreDep, require_role
from outcome_matcher.api.error_bodies import file_responses
from outcome_matcher.errors import InputError
from outcome_matcher.microquals.check import CheckReport
from outcome_matcher.microquals.credentials import read_credential
from outcome_matcher.microquals.records import MEDIA_TYPES, SUFFIXES, export_document, publish
from outcome_matcher.microquals.workflows import (
    DesignRequest,
    DesignResult,
    RecognitionResult,
    check_against,
    design,
    recognise_against,
)
from outcome_matcher.schemas import MAX_DB_INT
from outcome_matcher.schemas.micro_qualification import MicroQualification
from outcome_matcher.store import UserInfo
from outcome_matcher.store.microquals import MicroQualificationRecord

router = APIRouter(prefix="/micro-qualifications", tags=["micro-qualifications"])
Reviewer = Annotated[UserInfo, Depends(require_role("reviewer"))]
# A credential is a small JSON document; the Commission's full sample is about 60 kB.
MAX_CREDENTIAL_BYTES = 2_000_000
_ERR: dict[int | str, dict[str, Any]] = {
    403: {"description": "the role may not do this"},
    404: {"description": "unknown micro_qualification, framework, standard or catalogue"},
    422: {"description": "invalid input: the message names the field or the document path"},
}


class Summary(BaseModel):
    id: str
    title: str
    status: str
    version: int
    owner: str
    missing: list[str]


class CheckRequest(BaseModel):
    micro_qualification: MicroQualification
    framework: str | None = None
    standard: str | None = None
    unit: str | None = None
    competency_ids: list[str] = []
    catalogues: list[str] = Field(default=[], description="overlap with these catalogues")


class SignOff(BaseModel):
    verdict: Literal["approved", "rejected"] = "approved"
    comment: str = ""


@router.get("")
def list_micro_qualifications(
    store: StoreDep, user: CurrentUser, status: Literal["draft", "published"] | None = None
) -> list[Summary]:
    return [
        Summary(
            id=r.id,
            title=r.title,
            status=r.status,
            version=r.version,
            owner=r.owner,
            missing=r.micro_qualification.missing_mandatory(),
        )
        for r in store.list_micro_qualifications(status=status)
    ]


@router.post("", status_code=201, responses=_ERR)
def create(body: MicroQualification, store: StoreDep, user: Designer) -> MicroQualificationRecord:
    """Save a draft (missing mandatory elements allowed: the record lists them)."""
    return store.create_micro_qualification(body, caller=user)


@router.post("/propose", responses=_ERR)
def propose(
    body: DesignRequest, store: StoreDep, matcher: MatcherDep, user: Designer
) -> DesignResult:
    """Design from a need: the minimum-credit modules covering the targets, as a draft (not
    saved). An empty target set, or targets of another framework, is a 422."""
    return design(store, matcher, body)


@router.post("/check", responses=_ERR)
def check(
    body: CheckRequest, store: StoreDep, matcher: MatcherDep, user: CurrentUser
) -> CheckReport:
    """Coverage of the targets by the proposal's outcomes, level fit, overlap, missing elements."""
    return check_against(
        store, matcher, body.micro_qualification, framework=body.framework,
        standard=body.standard, unit=body.unit, competency_ids=body.competency_ids,
        catalogues=body.catalogues,
    )  # fmt: skip


@router.post("/recognise", responses=_ERR)
def recognise(
    file: UploadFile,
    store: StoreDep,
    matcher: MatcherDep,
    user: CurrentUser,
    catalogue: Annotated[str | None, Query(description="the local catalogue")] = None,
    framework: str | None = None,
    standard: Annotated[str | None, Query(description="a national standard")] = None,
) -> RecognitionResult:
    """Recognise an uploaded Open Badges 3.0 or ELM 3 credential (JSON / JSON-LD only)."""
    name = file.filename or "credential"
    data = file.file.read(MAX_CREDENTIAL_BYTES + 1)
    if len(data) > MAX_CREDENTIAL_BYTES:
        raise InputError(f"a credential is at most {MAX_CREDENTIAL_BYTES} bytes", file=name)
    imported = read_credential(data, file=name)
    return recognise_against(
        store, matcher, imported.micro_qualification, catalogue=catalogue,
        framework=framework, standard=standard,
    )  # fmt: skip


@router.get("/{key}", responses=_ERR)
def get(
    key: str,
    store: StoreDep,
    user: CurrentUser,
    version: Annotated[int | None, Query(ge=1, le=MAX_DB_INT)] = None,
) -> MicroQualificationRecord:
    return store.get_micro_qualification(key, version)


@router.put("/{key}", responses=_ERR)
def update(
    key: str, body: MicroQualification, store: StoreDep, user: Designer
) -> MicroQualificationRecord:
    """A new draft version; earlier versions and their sign-offs stay."""
    return store.update_micro_qualification(key, body, caller=user)


@router.post("/{key}/sign-off", responses=_ERR)
def sign_off(key: str, body: SignOff, store: StoreDep, user: Reviewer) -> MicroQualificationRecord:
    """A reviewer's verdict on the current version; the owner never signs off their own."""
    return store.sign_off_micro_qualification(
        key, caller=user, verdict=body.verdict, comment=body.comment
    )


@router.post(
    "/{key}/publish",
    responses={**_ERR, 409: {"description": "four eyes: no approving sign-off of this version"}},
)
def publish_route(key: str, store: StoreDep, user: Designer) -> MicroQualificationRecord:
    """Refused (422, with `missing`) while mandatory elements are missing."""
    return publish(store, key, caller=user)


@router.get(
    "/{key}/export",
    response_class=Response,
    responses={**_ERR, **file_responses(MEDIA_TYPES.values(), "ELM 3, OB 3.0 or HTML")},
)
def export(
    key: str,
    store: StoreDep,
    user: CurrentUser,
    format: Literal["elm", "ob3", "html"] = "elm",
) -> Response:
    """ELM 3 JSON-LD, an Open Badges 3.0 credential template, or the HTML one-pager."""
    text = export_document(store.get_micro_qualification(key), format)
    disposition = "inline" if format == "html" else "attachment"
    return Response(
        content=text.encode("utf-8"),
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'{disposition}; filename="{key}{SUFFIXES[format]}"'},
    )
