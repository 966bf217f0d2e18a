"""Host check, access token, body size limit, same-origin check for state-changing requests, and security
headers (pure ASGI, in front of everything).

Order of checks: Host (400: DNS rebinding), token (401), cross-site (403), body size (413).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_MAX_BODY = 1_000_000  # bytes: a profile is a few KB; a YAML upload well under this
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
COOKIE = "llmpick_auth"
TOKEN_ENV = "LLMPICK_TOKEN"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Reachable without the token even when reads are guarded: the login form and what it needs, and liveness.
_OPEN_PATHS = ("/login", "/static/", "/api/v1/health", "/favicon.ico")

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


@dataclass(frozen=True)
class Access:
    """Who may reach the app: the Host names it answers to, and the token that guards writes (and reads)."""

    allowed_hosts: frozenset[str] = frozenset(LOOPBACK_NAMES)
    token: str | None = None
    token_reads: bool = False
    read_only: bool = False
    max_body: int = DEFAULT_MAX_BODY
    session: str = field(init=False, default="")

    def __post_init__(self) -> None:
        hosts = frozenset(h.strip().lower().strip("[]") for h in self.allowed_hosts if h.strip())
        object.__setattr__(self, "allowed_hosts", hosts)
        if self.token:  # the cookie holds a digest of the token, never the token itself
            digest = hmac.new(self.token.encode(), b"llmpick-session/1", hashlib.sha256).hexdigest()
            object.__setattr__(self, "session", digest)

    @classmethod
    def for_bind(cls, host: str, extra_hosts: Iterable[str] = (), **kwargs: Any) -> Access:
        """Loopback names always; the bound address too unless it is a wildcard; plus ``extra_hosts``."""
        names = set(LOOPBACK_NAMES) | set(extra_hosts)
        if host not in ("0.0.0.0", "::", ""):
            names.add(host)
        return cls(allowed_hosts=frozenset(names), **kwargs)

    def host_allowed(self, host_header: str) -> bool:
        if "*" in self.allowed_hosts:
            return True
        return host_name(host_header) in self.allowed_hosts

    def authorised(self, headers: dict[str, str]) -> bool:
        """A bearer token equal to ours, or the login cookie."""
        if not self.token:
            return True
        scheme, _, given = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), self.token.encode()):
            return True
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header is no login
            return False
        morsel = cookie.get(COOKIE)
        return morsel is not None and hmac.compare_digest(morsel.value.encode(), self.session.encode())

    def needs_token(self, method: str, path: str) -> bool:
        if not self.token or any(path == p or path.startswith(p) for p in _OPEN_PATHS):
            return False
        return self.token_reads or method not in SAFE_METHODS


def host_name(host_header: str) -> str:
    """'Example.com:8000' → 'example.com'; '[::1]:8000' → '::1'."""
    value = host_header.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class _TooLarge(HTTPException):
    """Raised from inside the app's receive: FastAPI's handlers turn it into a 413 problem."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than the limit of {limit} bytes")


class Guard:
    """Checks Host and token; limits request bodies; refuses cross-site writes; adds security headers."""

    def __init__(self, app: ASGIApp, access: Access | None = None) -> None:
        self.app = app
        self.access = access or Access()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        access = self.access
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        method, path = scope["method"], scope.get("path", "/")
        if not access.host_allowed(headers.get("host", "")):
            await _reply(send, 400, "Host not allowed", "this server does not answer to that host name")
            return
        if access.needs_token(method, path) and not access.authorised(headers):
            await _unauthorised(send, method, path, scope.get("query_string", b""))
            return
        if method not in SAFE_METHODS and _cross_site(headers):
            await _reply(
                send, 403, "Cross-site request refused", "state-changing requests must come from this app's own pages"
            )
            return
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > access.max_body:
            await _reply(send, 413, "Request body too large", f"the limit is {access.max_body} bytes")
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > access.max_body:
                    raise _TooLarge(access.max_body)
            return message

        async def secured_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": _secured(message.get("headers", []))}
            await send(message)

        try:
            await self.app(scope, limited_receive, secured_send)
        except _TooLarge:
            if not started:
                await _reply(send, 413, "Request body too large", f"the limit is {access.max_body} bytes")


def _secured(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    extra = [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"DENY"),
    ]
    if b"content-security-policy" not in {k.lower() for k, _ in headers}:
        extra.append((b"content-security-policy", CSP.encode()))
    return [*headers, *extra]


async def _reply(send: Send, status: int, title: str, detail: str, extra: tuple[tuple[bytes, bytes], ...] = ()) -> None:
    body = json.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail}).encode()
    headers = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": _secured([*headers, *extra])})
    await send({"type": "http.response.body", "body": body})


async def _unauthorised(send: Send, method: str, path: str, query: bytes) -> None:
    """API clients get 401 with a Bearer challenge; a browser on a page goes to the login form."""
    if path.startswith("/api/"):
        await _reply(
            send,
            401,
            "Token required",
            "send the server's token as 'Authorization: Bearer <token>' (or log in at /login)",
            ((b"www-authenticate", b'Bearer realm="llmpick"'),),
        )
        return
    target = path + ("?" + query.decode("latin-1") if query else "") if method in SAFE_METHODS else "/"
    location = "/login?next=" + quote(target, safe="")
    await send({"type": "http.response.start", "status": 303, "headers": _secured([(b"location", location.encode())])})
    await send({"type": "http.response.body", "body": b""})


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
