"""The questionnaire: every profile field, start from a preset or a YAML file, download the profile, recommend."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from llmpick.errors import ProfileError, UnknownIdError
from llmpick.presets import list_presets, load_preset
from llmpick.profile import parse_profile, parse_yaml, profile_to_yaml
from llmpick.web import forms, service
from llmpick.web.pages.common import hardware_choices, render
from llmpick.web.problems import split_problem
from llmpick.web.state import state

router = APIRouter()
MAX_YAML = 200_000


def page(
    request: Request,
    values: dict[str, Any],
    *,
    problems: list[str] | None = None,
    preset: str | None = None,
    yaml_text: str = "",
    notice: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    sections = forms.questionnaire(hardware_choices(request))
    pairs = [(p.path, p.message) for p in (split_problem(text) for text in problems or [])]
    return render(
        request,
        "questionnaire.html",
        status_code=status_code,
        sections=sections,
        values=values,
        errors=forms.errors_by_field(pairs, sections),
        problems=problems or [],
        presets=list_presets(),
        preset=preset,
        yaml_text=yaml_text,
        notice=notice,
        gpu_rows=forms.gpu_rows(values),
    )


@router.get("/", response_class=HTMLResponse)
def questionnaire(request: Request, preset: str | None = None, decision: str | None = None) -> HTMLResponse:
    values = forms.default_values()
    notice = None
    if preset:
        try:
            values = forms.values_of(load_preset(preset).model_dump(mode="json"))
            notice = f"Started from the preset “{preset}”: change what differs for you."
        except UnknownIdError as exc:
            return page(request, values, problems=[f"preset: {exc}"], status_code=404)
    elif decision:
        values = forms.values_of(state(request).store.get(decision).profile_data)
        notice = "Started from a saved decision's profile."
    return page(request, values, preset=preset, notice=notice)


@router.post("/profile/load", response_class=HTMLResponse)
async def load_yaml(request: Request) -> HTMLResponse:
    """Fill the form from pasted YAML or an uploaded YAML file."""
    form = await request.form()
    text = str(form.get("yaml_text") or "")
    upload = form.get("yaml_file")
    if upload is not None and not isinstance(upload, str):
        content = await upload.read(MAX_YAML + 1)
        if content:
            text = content.decode("utf-8", errors="replace")
    if not text.strip():
        return page(
            request, forms.default_values(), problems=["yaml: paste a profile or choose a file"], status_code=422
        )
    if len(text) > MAX_YAML:
        return page(
            request, forms.default_values(), problems=[f"yaml: larger than {MAX_YAML} characters"], status_code=413
        )
    try:
        data = parse_yaml(text, "yaml")
    except ProfileError as exc:
        return page(request, forms.default_values(), problems=exc.problems, yaml_text=text, status_code=422)
    try:
        profile = parse_profile(data, "yaml")
    except ProfileError as exc:
        values = forms.values_of(data) if isinstance(data, dict) else forms.default_values()
        return page(request, values, problems=exc.problems, yaml_text=text, status_code=422)
    return page(
        request,
        forms.values_of(profile.model_dump(mode="json")),
        notice="Loaded the profile: review it, then recommend.",
    )


async def _submitted(request: Request) -> tuple[dict[str, Any], Any]:
    form = await request.form()
    sections = forms.questionnaire(hardware_choices(request))
    data = forms.form_to_data(form, sections)
    return data, form


@router.post("/recommend", response_class=HTMLResponse)
async def recommend(request: Request) -> Response:
    """Validate the form, run the engine, keep the decision, show it."""
    data, _ = await _submitted(request)
    st = state(request)
    try:
        profile = parse_profile(service.checked(data, "questionnaire"), "questionnaire")
        rec = await run_in_threadpool(service.recommend, st, profile, 5)
    except ProfileError as exc:
        return page(request, forms.values_of(data), problems=exc.problems, status_code=422)
    decision_id = await run_in_threadpool(st.store.save, profile, rec)
    return RedirectResponse(f"/decisions/{decision_id}", status_code=303)


@router.post("/profile/download", response_class=HTMLResponse)
async def download(request: Request) -> Response:
    """The form's profile as a YAML file (validated first)."""
    data, _ = await _submitted(request)
    try:
        profile = parse_profile(service.checked(data, "questionnaire"), "questionnaire")
    except ProfileError as exc:
        return page(request, forms.values_of(data), problems=exc.problems, status_code=422)
    return yaml_attachment(profile_to_yaml(profile), profile.name)


def yaml_attachment(text: str, name: str) -> Response:
    return Response(
        text,
        media_type="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{slug(name)}.yaml"'},
    )


def slug(name: str) -> str:
    cleaned = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
    return "-".join(part for part in cleaned.split("-") if part)[:60] or "profile"
