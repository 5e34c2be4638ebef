"""Ad-hoc search: paste outcomes in any supported language, see suggested competencies at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from outcome_matcher.api.deps import MatcherDep, SettingsDep, StoreDep
from outcome_matcher.errors import IndexNotReadyError
from outcome_matcher.i18n.errors import error_message
from outcome_matcher.retrieval.matcher import OutcomeText
from outcome_matcher.retrieval.suggest import suggest
from outcome_matcher.schemas import Competency, Suggestion
from outcome_matcher.schemas.labels import LocalLabel
from outcome_matcher.services import labels_for_interface
from outcome_matcher.store import Store
from outcome_matcher.web.evidence import Side, outcome_side, shared_terms
from outcome_matcher.web.session import WebSession
from outcome_matcher.web.templating import HtmlRoute, render

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
MAX_LINES = 20


@dataclass(frozen=True)
class Found:
    suggestion: Suggestion
    competency: Competency
    terms: frozenset[str]
    local: LocalLabel | None = None  # the label in the reader's language, if it has one


@dataclass(frozen=True)
class Result:
    outcome: Side
    found: list[Found]


def _statements(text: str, limit: int) -> list[str]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return [line[:limit] for line in lines[:MAX_LINES]]


def _results(
    store: Store,
    matcher: MatcherDep,
    framework: str,
    texts: list[str],
    top_k: int,
    max_chars: int,
    lang: str,
) -> list[Result]:
    records = [OutcomeText(id=str(i), text=t) for i, t in enumerate(texts)]
    found = suggest(matcher, framework, records, top_k=top_k, max_chars=max_chars)
    rows = [list(r.suggestions) for r in found]
    ids = [s.competency_id for row in rows for s in row]
    competencies = {c.id: c for c in store.get_competencies(framework, ids)} if ids else {}
    local = labels_for_interface(store, framework, competencies.values(), lang)
    return [
        Result(
            outcome_side(text, None),
            [
                Found(
                    s,
                    competencies[s.competency_id],
                    frozenset(shared_terms(text, [s.label, s.evidence])),
                    local.get(s.competency_id),
                )
                for s in row
            ],
        )
        for text, row in zip(texts, rows, strict=True)
    ]


@router.get("/search", response_class=HTMLResponse)
def search(
    request: Request,
    session: WebSession,
    store: StoreDep,
    matcher: MatcherDep,
    settings: SettingsDep,
    text: Annotated[str, Query(max_length=20_000)] = "",
    framework: str = "",
    top_k: Annotated[int, Query(ge=1, le=50)] = 10,
    fragment: bool = False,
) -> HTMLResponse:
    frameworks = [f.name for f in store.list_frameworks() if f.name in matcher.indexes]
    framework = framework if framework in frameworks else (frameworks[0] if frameworks else "")
    texts = _statements(text, settings.max_text_chars) if framework else []
    try:
        results = _results(
            store, matcher, framework, texts, top_k, settings.max_text_chars, session.tr.lang
        )
        not_ready = None
    except IndexNotReadyError as error:  # a notice on the page, not an error page
        results, not_ready = [], error_message(error, session.tr)
    context = {
        "session": session,
        "text": text,
        "framework": framework,
        "frameworks": frameworks,
        "top_k": top_k,
        "threshold": matcher.threshold_of(framework),
        "results": results,
        "not_ready": not_ready,
    }
    name = "search_results.html" if fragment else "search.html"
    return render(request, name, context)
