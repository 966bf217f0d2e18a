"""Log in with the server's token (``llmpick serve --token``): a browser gets a cookie the Guard accepts."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from llmpick.web.pages.common import render
from llmpick.web.security import COOKIE
from llmpick.web.state import state

router = APIRouter()


def _next(target: str | None) -> str:
    """Only a path on this site: never '//evil.example' or 'https://…' (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> HTMLResponse:
    return render(request, "login.html", next=_next(next), problem=None)


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    form = await request.form()
    access = state(request).access
    target = _next(str(form.get("next") or "/"))
    given = str(form.get("token") or "")
    if not access.token or not hmac.compare_digest(given.encode(), access.token.encode()):
        problem = "this server has no token: nothing to log in to" if not access.token else "that is not the token"
        return render(request, "login.html", status_code=401, next=target, problem=problem)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE, access.session, httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/"
    )
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
