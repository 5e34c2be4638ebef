"""Jinja2 environments (one per interface language), HTML error pages and the error route class."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape

from outcome_matcher.errors import OutcomeMatcherError
from outcome_matcher.i18n import LOCALES, endonym, labels, translator
from outcome_matcher.web import format as fmt
from outcome_matcher.web.labels import KEY_NAMES, SHOW_NAMES
from outcome_matcher.web.session import COOKIE, LoginRequired, login_url, request_translator

STATIC_DIR = Path(__file__).parent / "static"


def _environment(lang: str) -> Environment:
    env = Environment(
        loader=PackageLoader("outcome_matcher.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    tr = translator(lang)
    # One environment per language: the callables are installed once, never swapped per request.
    env.install_gettext_callables(tr.gettext, tr.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        html_lang=tr.html_lang,
        language_name=tr.language_name,
        label=partial(labels.label, tr),
        bloom=partial(labels.bloom, tr),
        level_label=partial(labels.level, tr),
        show_names=SHOW_NAMES,
        key_names=KEY_NAMES,
        languages=[(code, endonym(code), code.replace("_", "-")) for code in LOCALES],
    )
    env.filters.update(
        pct=tr.percent, num=tr.decimal, when=tr.datetime, short=fmt.short, highlight=fmt.highlight
    )
    return env


@lru_cache(maxsize=len(LOCALES))
def templates_for(lang: str) -> Jinja2Templates:
    return Jinja2Templates(env=_environment(lang))


def _here(request: Request) -> str:
    query = f"?{request.url.query}" if request.url.query else ""
    return request.url.path + query


def render(
    request: Request, name: str, context: Mapping[str, Any], status_code: int = 200
) -> HTMLResponse:
    tr = request_translator(request)
    page = {"lang": tr.lang, "here": _here(request)} | dict(context)
    return templates_for(tr.lang).TemplateResponse(request, name, page, status_code=status_code)


def error_page(request: Request, error: OutcomeMatcherError) -> Response:
    if isinstance(error, LoginRequired):
        response = RedirectResponse(login_url(error.next_path), status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response
    return render(request, "error.html", {"error": error, "session": None}, error.status)


class HtmlRoute(APIRoute):
    """Web routes answer errors with an HTML page (or the login redirect), never JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except OutcomeMatcherError as error:
                return error_page(request, error)

        return route
