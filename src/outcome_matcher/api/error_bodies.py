"""The one error body of the API, documented for every status it can answer with, and the
documented content of the routes that answer with a file."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException


class ErrorBody(BaseModel):
    """`error` is a stable machine code; `field` names the input at fault when there is one."""

    model_config = ConfigDict(extra="allow")

    error: str = Field(examples=["invalid_input"])
    message: str
    field: str | None = None


_WHY = {
    400: "a request body that cannot be read as JSON (not UTF-8, or not JSON text)",
    401: "no, an invalid, an expired or a revoked token or session",
    403: "the role may not do this, or a cookie write failed the Origin/CSRF check",
    404: "an unknown framework, catalogue, programme, module, user or job",
    409: "a stale expected_version or a clash with stored state",
    413: "the body, or the work it asks for (texts x characters), is over the limit",
    415: "an upload whose content is not what its name says",
    422: "invalid input: the field is named",
    429: "too many attempts; wait Retry-After seconds",
    503: "the database is unreachable, the model is not built, or the index a search needs is "
    "still being built (index_not_ready, with its progress and Retry-After)",
}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": why} for status, why in _WHY.items()
}


def _place(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc)


async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    """FastAPI's own 422 in the project's shape, naming the first field at fault."""
    problems = [
        {"field": _place(tuple(e.get("loc", ()))), "problem": str(e.get("msg", ""))}
        for e in error.errors()
    ]
    first = problems[0] if problems else {"field": "body", "problem": "invalid request"}
    body = ErrorBody(
        error="invalid_input",
        message=f"field {first['field']!r}: {first['problem']}",
        field=first["field"],
    ).model_dump()
    return JSONResponse(status_code=422, content={**body, "problems": problems})


_CODES = {
    400: "invalid_body",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
}


async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    """Starlette's own errors (no such path, wrong method) in the project's shape."""
    code = _CODES.get(error.status_code, "http_error")
    # FastAPI answers 400 itself when the body is not decodable; the rest concern the URL.
    field = "body" if error.status_code == 400 else "path"
    body = ErrorBody(error=code, message=str(error.detail), field=field).model_dump()
    return JSONResponse(status_code=error.status_code, content=body, headers=error.headers)


def file_responses(media_types: Iterable[str], description: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI for a 200 that is a file in one of `media_types` (parameters such as charset
    dropped), so that clients and the fuzzer know every content type the route sends."""
    content: dict[str, Any] = {media.split(";")[0].strip(): {} for media in media_types}
    return {200: {"description": description, "content": content}}
