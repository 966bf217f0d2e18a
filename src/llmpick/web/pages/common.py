"""Helpers the page modules share."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from llmpick.web.state import state


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    st = state(request)
    return st.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, template, {"catalog": st.catalog, "access": st.access, **context}, status_code=status_code
    )


def hardware_choices(request: Request) -> list[tuple[str, str]]:
    hw = state(request).catalog.hardware.values()
    return [(h.id, f"{h.name} ({h.spec.memory_gb:g} GB)") for h in sorted(hw, key=lambda h: (h.kind.value, h.name))]


def model_link(model_id: str) -> str:
    return f"/models/{model_id}"
