"""Reviewer web UI: server-rendered pages, their templates and static files."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from outcome_matcher.web import (
    auth_pages,
    competency,
    history,
    language,
    microquals,
    pages,
    queue,
    report_page,
    search,
)
from outcome_matcher.web.templating import STATIC_DIR


def install_web(app: FastAPI) -> None:
    """Mount the reviewer UI's routes and static files on `app`."""
    routers = (auth_pages, language, pages, queue, search, history, report_page, microquals)
    for module in (*routers, competency):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
