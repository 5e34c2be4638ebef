"""App factory: no global state; the lifespan loads what the caller did not inject."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from outcome_matcher import __version__, web
from outcome_matcher.api import (
    calibration,
    catalogues,
    coverage,
    decisions,
    frameworks,
    health,
    job_runner,
    jobs,
    label_reviews,
    micro_qualifications,
    reports,
    review_queue,
    standard_settings,
    suggestions,
    users,
)
from outcome_matcher.api.error_bodies import ERROR_RESPONSES, http_error, validation_error
from outcome_matcher.app.docs_page import install_docs
from outcome_matcher.app.guards import JsonDepthLimit, SecurityHeaders
from outcome_matcher.app.limits import BodySizeLimit
from outcome_matcher.config import Settings
from outcome_matcher.encoders import load_encoder, set_threads
from outcome_matcher.errors import IndexNotReadyError, OutcomeMatcherError
from outcome_matcher.i18n import from_accept_language, normalize, translator
from outcome_matcher.i18n.errors import error_message
from outcome_matcher.learning.remember import refresh_memories
from outcome_matcher.retrieval.matcher import Matcher
from outcome_matcher.review.warmup import warm_up
from outcome_matcher.services import load_matcher
from outcome_matcher.store import Store

log = logging.getLogger(__name__)
SHUTDOWN_WAIT = 10.0  # seconds a job thread gets to record where it stopped


def create_app(
    settings: Settings | None = None,
    *,
    matcher: Matcher | None = None,
    store: Store | None = None,
) -> FastAPI:
    """Build the app. Tests inject a tiny matcher and a temporary store."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own_store = store is None
        set_threads(settings.threads)
        # The service brings its own database up to date (as `db upgrade` would).
        app.state.store = store or Store.open(settings.db_url, migrate=True)
        app.state.matcher = matcher or load_matcher(
            settings, app.state.store, load_encoder(settings)
        )
        # Decision memories (OUTCOME_MATCHER_MEMORY): built now, rebuilt by the job watcher
        # when decisions change; `seen` is what they were built from.
        seen: dict[str, tuple[int, float]] = {}
        if settings.memory:
            try:
                refresh_memories(app.state.store, app.state.matcher, settings.data_dir, seen)
            except OutcomeMatcherError as exc:  # e.g. the database is down: the watcher retries
                log.warning("decision memories not loaded: %s", exc)
        warm_up(app.state.store, app.state.matcher)
        # Jobs a dead server left behind: align resumes, the rest are failed (and again
        # every few seconds, for servers of the same database that die while this one runs).
        # Queued index builds start here too, in threads that stop with the server.
        stop = threading.Event()
        builds: list[threading.Thread] = []
        args = (settings, app.state.store, app.state.matcher, stop, builds, seen)
        watcher = threading.Thread(target=job_runner.watch, args=args, name="jobs", daemon=True)
        watcher.start()
        try:
            yield
        finally:
            stop.set()
            # A build stops at its next progress report and queues itself for the next start.
            watcher.join(timeout=SHUTDOWN_WAIT)
            for thread in builds:
                thread.join(timeout=SHUTDOWN_WAIT)
            if own_store:
                app.state.store.close()

    app = FastAPI(
        title="outcome-matcher",
        version=__version__,
        description="Suggests which modules cover which competencies, with evidence.",
        lifespan=lifespan,
        docs_url=None,  # served by install_docs, under a CSP
        redoc_url=None,
    )
    app.state.settings = settings
    # The last added runs first: headers on everything, then the size limit, then the depth.
    app.add_middleware(JsonDepthLimit, max_depth=settings.max_json_depth)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_upload_bytes)
    app.add_middleware(SecurityHeaders)
    app.add_exception_handler(OutcomeMatcherError, _handle_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
    routers = (health, frameworks, catalogues, suggestions, coverage, review_queue, decisions)
    more = (users, standard_settings, jobs, reports, micro_qualifications, label_reviews)
    for module in (*routers, *more):
        app.include_router(module.router, responses=ERROR_RESPONSES)
    app.include_router(calibration.router, responses=ERROR_RESPONSES)
    install_docs(app)
    web.install_web(app)  # the reviewer UI: pages at /, static files at /static
    return app


async def _handle_error(request: Request, error: OutcomeMatcherError) -> JSONResponse:
    if error.status >= 500 and not isinstance(error, IndexNotReadyError):  # that one is expected
        log.error("%s %s: %s", request.method, request.url.path, error.message)
    lang = normalize(getattr(request.state, "user_lang", None)) or from_accept_language(
        request.headers.get("accept-language")
    )
    body = error.to_dict() | {"message": error_message(error, translator(lang))}
    # Rate limits and indexes still being built say when to come back.
    retry = getattr(error, "retry_after", None)
    headers = {"Retry-After": str(retry)} if retry is not None else None
    return JSONResponse(status_code=error.status, content=body, headers=headers)
