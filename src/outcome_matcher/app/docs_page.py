"""The OpenAPI page at /docs under a CSP that admits its one inline script by hash only."""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

CDN = "https://cdn.jsdelivr.net"
_INLINE = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def docs_csp(html: str) -> str:
    """script-src pinned to the CDN and the exact inline scripts of `html`."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in _INLINE.findall(html)
    )
    return (
        f"default-src 'self'; script-src {CDN} {hashes}; style-src {CDN}; "
        "img-src 'self' data: https://fastapi.tiangolo.com; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'"
    )


def install_docs(app: FastAPI) -> None:
    """GET /docs: Swagger UI over /openapi.json (FastAPI's own page, made CSP-clean)."""

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        page = get_swagger_ui_html(openapi_url="/openapi.json", title=f"{app.title} API")
        html = bytes(page.body).decode()
        return HTMLResponse(html, headers={"Content-Security-Policy": docs_csp(html)})
