"""Who decided what, when and why: for a link, a module, a programme or a standard."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from outcome_matcher.api.deps import StoreDep
from outcome_matcher.errors import NotFoundError
from outcome_matcher.i18n import Translator
from outcome_matcher.store import DecisionPublic, Store
from outcome_matcher.web.session import WebSession
from outcome_matcher.web.templating import HtmlRoute, render

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
LIMIT = 500


def labels(store: Store, framework: str, ids: list[str]) -> dict[str, str]:
    """Competency labels; ids that left the framework keep their URI as the label."""
    unique = list(dict.fromkeys(ids))
    try:
        return {c.id: c.label for c in store.get_competencies(framework, unique)}
    except NotFoundError as error:
        missing = set(error.context.get("missing", []))
        known = [i for i in unique if i not in missing]
        found = store.get_competencies(framework, known) if known else []
        return {c.id: c.label for c in found}


def _title(
    tr: Translator,
    programme: str | None,
    module: str | None,
    standard: str | None,
    competency: str | None,
    names: dict[str, str],
) -> str:
    if module and competency:
        label = names.get(competency, competency)
        return tr.gettext("Link %(module)s – %(label)s") % {"module": module, "label": label}
    if module:
        text = tr.gettext("Module %(module)s of %(programme)s")
        return text % {"module": module, "programme": programme}
    if standard:
        return tr.gettext("Standard %(standard)s") % {"standard": names.get(standard, standard)}
    if programme:
        return tr.gettext("Programme %(programme)s") % {"programme": programme}
    return tr.gettext("All decisions")


def _newest(decisions: list[DecisionPublic]) -> list[DecisionPublic]:
    return list(reversed(decisions))[:LIMIT]


@router.get("/history", response_class=HTMLResponse)
def history(
    request: Request,
    session: WebSession,
    store: StoreDep,
    programme: str | None = None,
    catalogue: str | None = None,
    module: str | None = None,
    framework: str | None = None,
    standard: str | None = None,
    competency: str | None = None,
) -> HTMLResponse:
    found = store.decision_history(
        programme=programme or None,
        catalogue=catalogue or None,
        module=module or None,
        framework=framework or None,
        standard=standard or None,
        competency_id=competency or None,
    )
    decisions = _newest(found)
    names: dict[str, str] = {}
    for fw in {d.framework for d in decisions}:
        names |= labels(store, fw, [d.competency_id for d in decisions if d.framework == fw])
    if framework and standard:
        names[standard] = store.get_standard(framework, standard).label
    context = {
        "session": session,
        "title": _title(session.tr, programme, module, standard, competency, names),
        "decisions": decisions,
        "names": names,
        "truncated": len(found) > LIMIT,
        "limit": LIMIT,
    }
    return render(request, "history.html", context)
