"""ASGI guards: security headers on every response, and a nesting limit on JSON bodies."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# No inline script anywhere (app.js is a file); inline style stays allowed for the matrix's
# per-cell shading and the self-contained HTML report's embedded stylesheet.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)


class SecurityHeaders:
    """CSP, nosniff, no framing, same-origin referrers; nothing but static files is cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                # A route's own, stricter or hash-pinned policy (the /docs page) is kept.
                headers.extend(h for h in HEADERS if h[0] not in present)
                if not static:  # pages and API answers may carry personal data: never cached
                    headers = [h for h in headers if h[0].lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


class JsonDepthLimit:
    """Refuse JSON bodies nested deeper than `max_depth` with 422 before anything parses them
    (a 500-deep body made the validators recurse until RecursionError)."""

    def __init__(self, app: ASGIApp, max_depth: int) -> None:
        self.app = app
        self.max_depth = max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, receive, send)  # a disconnect: let the app see it
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
        if too_deep(body, self.max_depth):
            await _unprocessable(send, self.max_depth)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def _is_json(scope: Scope) -> bool:
    content_type = dict(scope.get("headers", [])).get(b"content-type", b"")
    return b"json" in content_type.lower()


def too_deep(body: bytes, max_depth: int) -> bool:
    """Whether a JSON text nests lists/objects deeper than `max_depth`; invalid JSON is left
    to the app's own validation (422 naming the position)."""
    try:
        data = json.loads(body)  # the C parser, guarded by the interpreter's recursion check
    except RecursionError:
        return True
    except ValueError:
        return False
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:  # iterative, so measuring cannot recurse either
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > max_depth:
                return True
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)
    return False


async def _unprocessable(send: Send, max_depth: int) -> None:
    body = json.dumps(
        {
            "error": "invalid_input",
            "message": f"field 'body': JSON nested more than {max_depth} levels deep",
            "field": "body",
            "limit": max_depth,
        }
    ).encode()
    start = {"type": "http.response.start", "status": 422}
    await send({**start, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})
