"""The fit and estimate calculators as forms (GET, so a result can be bookmarked and shared)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from llmpick.errors import LlmpickError
from llmpick.web import service
from llmpick.web.pages.common import hardware_choices, render
from llmpick.web.schemas import EstimateRequest, FitRequest
from llmpick.web.state import state

router = APIRouter()
FIELDS = ("model", "hardware", "count", "quantization", "runtime", "context", "concurrency", "memory_gb")


@router.get("/calculators", response_class=HTMLResponse)
def calculators(request: Request, mode: str = "estimate") -> HTMLResponse:
    st = state(request)
    params = {k: v for k in FIELDS if (v := request.query_params.get(k, "").strip())}
    mode = "fit" if mode == "fit" else "estimate"
    result: dict[str, Any] | None = None
    problems: list[str] = []
    if params.get("model") and params.get("hardware"):
        try:
            if mode == "fit":
                body = FitRequest.model_validate({k: v for k, v in params.items() if k != "quantization"})
                found = service.best_fit(st, body)
                if found is None:
                    problems.append(f"{body.model} does not fit on {body.count}× {body.hardware} in any format")
                else:
                    result = found.to_json_dict()
            else:
                result = service.estimate(st, EstimateRequest.model_validate(params)).to_json_dict()
        except ValidationError as exc:
            problems += [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        except LlmpickError as exc:
            problems.append(str(exc))
    sizable = [
        m
        for m in sorted(st.catalog.models.values(), key=lambda m: m.name.lower())
        if m.parameters and m.parameters.total_b
    ]
    return render(
        request,
        "calculators.html",
        status_code=422 if problems else 200,
        mode=mode,
        params=params,
        result=result,
        problems=problems,
        models=sizable,
        hardware=hardware_choices(request),
        runtimes=sorted(st.catalog.runtimes),
    )
