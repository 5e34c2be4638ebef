"""Home, the standard picker and the coverage matrix."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from outcome_matcher import services
from outcome_matcher.api.deps import MatcherDep, SettingsDep, StoreDep
from outcome_matcher.config import Settings
from outcome_matcher.retrieval.deployment_calibration import load_record
from outcome_matcher.retrieval.readiness import IndexStatus
from outcome_matcher.review.programme import ProgrammeReview, load_review
from outcome_matcher.schemas.labels import LocalLabel, label_lang
from outcome_matcher.services import labels_for_interface
from outcome_matcher.store import StandardInfo, Store
from outcome_matcher.web.context import ContextDep, ReviewContext
from outcome_matcher.web.matrix_view import build_matrix
from outcome_matcher.web.pairings import Pairing, programme_pairings
from outcome_matcher.web.session import WebSession
from outcome_matcher.web.templating import HtmlRoute, render

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request, session: WebSession, store: StoreDep, settings: SettingsDep
) -> HTMLResponse:
    programmes = store.list_programmes()
    frameworks = store.list_frameworks()
    pairings = programme_pairings(store, programmes)
    progress = {c.name: _sum(pairings, c.name) for c in store.list_catalogues()}
    context = {
        "session": session,
        "catalogues": store.list_catalogues(),
        "programmes": programmes,
        "pairings": pairings,
        "progress": progress,
        "frameworks": frameworks,
        # When each framework's calibration was refitted on this deployment's decisions.
        "refits": {f.name: load_record(settings.data_dir, f.name) for f in frameworks},
        "unready": unready_indexes(store, settings),
    }
    return render(request, "home.html", context)


def unready_indexes(store: Store, settings: Settings) -> list[IndexStatus]:
    """Frameworks whose full index is not there yet (being built, failed, ...)."""
    statuses = [services.index_status(store, settings, f.name) for f in store.list_frameworks()]
    return [s for s in statuses if not s.ready]


@router.get("/index-status", response_class=HTMLResponse)
def index_status(
    request: Request, session: WebSession, store: StoreDep, settings: SettingsDep
) -> HTMLResponse:
    """The home page's notice of indexes being built, which its script polls."""
    context = {"session": session, "unready": unready_indexes(store, settings)}
    return render(request, "_index_status.html", context)


def _sum(pairings: dict[str, list[Pairing]], catalogue: str) -> tuple[int, int]:
    mine = [p for key, found in pairings.items() if key.startswith(catalogue + "/") for p in found]
    return sum(p.reviewed for p in mine), sum(p.total for p in mine)


@router.get("/standards", response_class=HTMLResponse)
def pick_standard(
    request: Request,
    session: WebSession,
    store: StoreDep,
    programme: str = "",
    catalogue: str = "",
    framework: str = "",
    q: str = "",
) -> HTMLResponse:
    frameworks = store.list_frameworks()
    framework = framework or (frameworks[0].name if frameworks else "")
    found: list[StandardInfo] = store.list_standards(framework, q or None) if framework else []
    chosen = _programme_key(programme, catalogue, store)
    links = {
        s.key: ReviewContext(chosen[1], framework, s.key, chosen[0]).url("/matrix")
        for s in found
        if chosen
    }
    context = {
        "session": session,
        "programmes": store.list_programmes(),
        "frameworks": frameworks,
        "framework": framework,
        "chosen": chosen,
        "q": q,
        "standards": found,
        "links": links,
    }
    return render(request, "standards.html", context)


def _programme_key(programme: str, catalogue: str, store: StoreDep) -> tuple[str, str] | None:
    """(catalogue, code) from either 'catalogue/code' in `programme` or the two fields."""
    if "/" in programme and not catalogue:
        catalogue, programme = programme.split("/", 1)
    if not programme:
        return None
    for p in store.list_programmes(catalogue or None):
        if p.code == programme:
            return p.catalogue, p.code
    return None


@router.get("/matrix", response_class=HTMLResponse)
def matrix(
    request: Request, session: WebSession, store: StoreDep, matcher: MatcherDep, ctx: ContextDep
) -> HTMLResponse:
    review = load_review(store, matcher, **ctx.params())
    programme = store.get_programme(ctx.programme, ctx.catalogue)
    context = {
        "session": session,
        "ctx": ctx,
        "review": review,
        "programme": programme,
        "view": build_matrix(review, ctx),
        "local": _local_labels(store, review, session.tr.lang),
        "summary": review.coverage.summary,
    }
    return render(request, "matrix.html", context)


def _local_labels(store: StoreDep, review: ProgrammeReview, lang: str) -> dict[str, LocalLabel]:
    """The requirements' labels in the reader's language (none for English readers)."""
    if label_lang(lang) is None or not review.requirements:
        return {}
    ids = [r.competency_id for r in review.requirements]
    found = store.get_competencies(review.framework, ids)
    return labels_for_interface(store, review.framework, found, lang)
