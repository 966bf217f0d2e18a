"""Request body size limit, same-origin check for state-changing requests, and security headers (pure ASGI)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_MAX_BODY = 1_000_000  # bytes: a profile is a few KB; a YAML upload well under this

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


class _TooLarge(HTTPException):
    """Raised from inside the app's receive: FastAPI's handlers turn it into a 413 problem."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than the limit of {limit} bytes")


def _problem(status: int, title: str, detail: str) -> tuple[dict[str, Any], bytes]:
    body = json.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail}).encode()
    start = {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode())],
    }
    return start, body


class Guard:
    """Limits request bodies; refuses cross-site POST/PUT/DELETE; adds security headers to every response."""

    def __init__(self, app: ASGIApp, max_body: int = DEFAULT_MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if scope["method"] not in ("GET", "HEAD", "OPTIONS") and _cross_site(headers):
            await _reply(
                send, 403, "Cross-site request refused", "state-changing requests must come from this app's own pages"
            )
            return
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            await _reply(send, 413, "Request body too large", f"the limit is {self.max_body} bytes")
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise _TooLarge(self.max_body)
            return message

        async def secured_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                ]
                existing = {k.lower() for k, _ in message.get("headers", [])}
                if b"content-security-policy" not in existing:
                    extra.append((b"content-security-policy", CSP.encode()))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self.app(scope, limited_receive, secured_send)
        except _TooLarge:
            if not started:
                await _reply(send, 413, "Request body too large", f"the limit is {self.max_body} bytes")


async def _reply(send: Send, status: int, title: str, detail: str) -> None:
    start, body = _problem(status, title, detail)
    await send(start)
    await send({"type": "http.response.body", "body": body})


def _cross_site(headers: dict[str, str]) -> bool:
    """True when the browser says the request comes from another site (Origin, else Referer, vs Host)."""
    host = headers.get("host", "")
    origin = headers.get("origin")
    if origin is None or origin == "null":
        referer = headers.get("referer")
        if origin == "null":
            return True
        if referer is None:
            return False  # curl, scripts and API clients send neither
        origin = referer
    return urlsplit(origin).netloc != host
