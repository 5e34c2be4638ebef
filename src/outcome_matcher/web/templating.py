"""Jinja2 environment, HTML error pages and the route class that renders errors as pages."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from pathlib import Path
from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape

from outcome_matcher.errors import OutcomeMatcherError
from outcome_matcher.web import format as fmt
from outcome_matcher.web.session import COOKIE, LoginRequired, login_url
from outcome_matcher.web.strings import language_name, t

STATIC_DIR = Path(__file__).parent / "static"


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("outcome_matcher.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(t=t, language_name=language_name)
    env.filters.update(
        pct=fmt.pct, num=fmt.num, when=fmt.when, short=fmt.short, highlight=fmt.highlight
    )
    return env


templates = Jinja2Templates(env=_environment())


def render(
    request: Request, name: str, context: Mapping[str, Any], status_code: int = 200
) -> HTMLResponse:
    return templates.TemplateResponse(request, name, dict(context), status_code=status_code)


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
