"""Micro-qualification pages: the list, design (with swaps), recognise, and each one's page."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Depends, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from outcome_matcher.api.deps import MatcherDep, StoreDep
from outcome_matcher.api.micro_qualifications import MAX_CREDENTIAL_BYTES
from outcome_matcher.errors import ForbiddenError, InputError
from outcome_matcher.microquals.credentials import read_credential
from outcome_matcher.microquals.records import publish
from outcome_matcher.microquals.targets import find_standard
from outcome_matcher.microquals.workflows import DesignRequest, design, recognise_against
from outcome_matcher.store.microquals import DESIGNING_ROLES, SIGNING_ROLES
from outcome_matcher.web.session import Session, WebSession, check_csrf
from outcome_matcher.web.templating import HtmlRoute, render

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
Many = Annotated[list[str], Query()]


def design_query(
    framework: str = "",
    standard: str = "",
    unit: str = "",
    gaps_of: str = "",
    gaps_catalogue: str = "",
    catalogue: Many = [],  # noqa: B006  (FastAPI copies query defaults)
    title: str = "",
    grain: str = "module",
    include: Many = [],  # noqa: B006
    exclude: Many = [],  # noqa: B006
) -> dict[str, Any]:
    return {
        "framework": framework, "standard": standard, "unit": unit, "gaps_of": gaps_of,
        "gaps_catalogue": gaps_catalogue, "catalogue": catalogue, "title": title,
        "grain": grain if grain in ("module", "outcome") else "module",
        "include": include, "exclude": exclude,
    }  # fmt: skip


DesignQuery = Annotated[dict[str, Any], Depends(design_query)]


def _request(q: dict[str, Any]) -> DesignRequest:
    return DesignRequest(
        framework=q["framework"], standard=q["standard"] or None, unit=q["unit"] or None,
        gaps_of=q["gaps_of"] or None, gaps_catalogue=q["gaps_catalogue"] or None,
        catalogues=q["catalogue"], title=q["title"], grain=q["grain"],
        include=q["include"], exclude=q["exclude"],
    )  # fmt: skip


def _swap_url(q: dict[str, Any], *, add: str | None = None, remove: str | None = None) -> str:
    include = [k for k in q["include"] if k != remove] + ([add] if add else [])
    exclude = [k for k in q["exclude"] if k != add] + ([remove] if remove else [])
    query = {**q, "include": include, "exclude": exclude}
    return "/microquals/design?" + urlencode(query, doseq=True)


def _units(store: StoreDep, q: dict[str, Any]) -> list[tuple[str, str]]:
    if not (q["framework"] and q["standard"]):
        return []
    std = find_standard(store, q["framework"], q["standard"])
    names = {u.id: u.label for u in std.units}
    found = dict.fromkeys(r.unit for r in std.requirements if r.unit)
    return [(u, names.get(u, u)) for u in found if u]


def _require(session: Session, roles: tuple[str, ...]) -> None:
    if session.user.role not in roles:
        raise ForbiddenError(session.tr.gettext("Your role may not do this."))


@router.get("/microquals", response_class=HTMLResponse)
def list_page(request: Request, session: WebSession, store: StoreDep) -> HTMLResponse:
    records = store.list_micro_qualifications()
    return render(request, "microquals.html", {"session": session, "records": records})


@router.get("/microquals/design", response_class=HTMLResponse)
def design_page(
    request: Request, session: WebSession, store: StoreDep, matcher: MatcherDep, q: DesignQuery
) -> HTMLResponse:
    result, problem = None, None
    if q["framework"] and q["catalogue"]:
        try:
            result = design(store, matcher, _request(q))
        except InputError as error:  # shown beside the form, which keeps what was entered
            problem = error.message
    swaps = {}
    if result is not None:
        chosen = {c.key for c in result.chosen}
        swaps = {
            key: _swap_url(q, remove=key) if key in chosen else _swap_url(q, add=key)
            for key in result.candidates
        }
    context = {
        "session": session, "q": q, "result": result, "swaps": swaps, "problem": problem,
        "frameworks": store.list_frameworks(), "catalogues": store.list_catalogues(),
        "programmes": store.list_programmes(), "units": _units(store, q),
        "query": urlencode(q, doseq=True),
    }  # fmt: skip
    return render(request, "microquals_design.html", context)


@router.post("/microquals/design")
def save_design(
    request: Request,
    session: WebSession,
    store: StoreDep,
    matcher: MatcherDep,
    csrf: Annotated[str, Form()],
    query: Annotated[str, Form()],
) -> RedirectResponse:
    """Save the design shown (recomputed from its query) as a draft of the signed-in designer."""
    check_csrf(request, session, csrf)
    _require(session, DESIGNING_ROLES)
    parsed = parse_qs(query)
    q = design_query(
        **{k: v[0] for k, v in parsed.items() if k not in ("catalogue", "include", "exclude")},
        catalogue=parsed.get("catalogue", []), include=parsed.get("include", []),
        exclude=parsed.get("exclude", []),
    )  # fmt: skip
    mq = design(store, matcher, _request(q)).micro_qualification
    record = store.create_micro_qualification(mq, caller=session.user)
    return RedirectResponse(f"/microquals/{record.id}", status_code=303)


@router.get("/microquals/recognise", response_class=HTMLResponse)
def recognise_page(request: Request, session: WebSession, store: StoreDep) -> HTMLResponse:
    context = {"session": session, "catalogues": store.list_catalogues(), "result": None}
    return render(request, "microquals_recognise.html", context)


@router.post("/microquals/recognise", response_class=HTMLResponse)
def recognise_upload(
    request: Request,
    session: WebSession,
    store: StoreDep,
    matcher: MatcherDep,
    csrf: Annotated[str, Form()],
    file: UploadFile,
    catalogue: Annotated[str, Form()],
) -> HTMLResponse:
    check_csrf(request, session, csrf)
    name = file.filename or "credential"
    data = file.file.read(MAX_CREDENTIAL_BYTES + 1)
    if len(data) > MAX_CREDENTIAL_BYTES:
        raise InputError(f"a credential is at most {MAX_CREDENTIAL_BYTES} bytes", file=name)
    imported = read_credential(data, file=name)
    result = recognise_against(store, matcher, imported.micro_qualification, catalogue=catalogue)
    context = {
        "session": session, "catalogues": store.list_catalogues(), "result": result,
        "credential": imported.micro_qualification, "catalogue": catalogue,
    }  # fmt: skip
    return render(request, "microquals_recognise.html", context)


@router.get("/microquals/{key}", response_class=HTMLResponse)
def mq_page(
    key: str, request: Request, session: WebSession, store: StoreDep, note: str = ""
) -> HTMLResponse:
    record = store.get_micro_qualification(key)
    context = {
        "session": session, "record": record, "mq": record.micro_qualification,
        "missing": record.micro_qualification.missing_mandatory(), "note": note,
        "can_sign": session.user.role in SIGNING_ROLES and session.user.name != record.owner,
        "can_publish": session.user.role in DESIGNING_ROLES,
    }  # fmt: skip
    return render(request, "microquals_page.html", context)


@router.post("/microquals/{key}/sign-off")
def sign_off(
    key: str, request: Request, session: WebSession, store: StoreDep,
    csrf: Annotated[str, Form()], verdict: Annotated[str, Form()] = "approved",
) -> RedirectResponse:  # fmt: skip
    check_csrf(request, session, csrf)
    store.sign_off_micro_qualification(
        key, caller=session.user, verdict="rejected" if verdict == "rejected" else "approved"
    )
    return RedirectResponse(f"/microquals/{key}?note=signed", status_code=303)


@router.post("/microquals/{key}/publish")
def publish_page(
    key: str, request: Request, session: WebSession, store: StoreDep,
    csrf: Annotated[str, Form()],
) -> RedirectResponse:  # fmt: skip
    check_csrf(request, session, csrf)
    publish(store, key, caller=session.user)
    return RedirectResponse(f"/microquals/{key}?note=published", status_code=303)
