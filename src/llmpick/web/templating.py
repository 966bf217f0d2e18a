"""Page templates: web/templates, plus the report's building blocks in render/templates. Autoescape is on."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi.templating import Jinja2Templates

from llmpick import __version__
from llmpick.render.html import add_filters


def templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [jinja2.PackageLoader("llmpick.web", "templates"), jinja2.PackageLoader("llmpick.render", "templates")]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    add_filters(env)
    env.filters["qs"] = _qs
    env.filters["formval"] = formval
    env.filters["fact"] = fact
    env.globals["version"] = __version__
    return Jinja2Templates(env=env)


def _qs(params: dict[str, Any]) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "", [])}, doseq=True)


def formval(value: Any) -> str:
    """A value as a form control holds it: None → '', True → 'true', 2.0 → '2'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e15 else str(value)
    return str(value)


def fact(value: Any) -> str:
    """A catalog fact for reading: yes/no, thousands separators, lists joined, mappings as key: value."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() and abs(value) >= 1000 else f"{value:g}"
    if isinstance(value, dict):
        return "; ".join(f"{str(k).replace('_', ' ')}: {fact(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(fact(v) for v in value)
    return str(value)
