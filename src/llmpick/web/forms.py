"""The questionnaire: every profile field as a form input (built from the Profile model), and back.

Field paths are dotted (``workload.requests_per_day``), the same paths ProfileError names, so each
problem is shown next to its input.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal, Protocol

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from llmpick.profile import GpuPool, Profile
from llmpick.yamlio import number_problem

Kind = Literal["text", "int", "float", "bool", "select", "multi", "list", "gpus", "device"]

SECTIONS: dict[str, tuple[str, str]] = {
    "": ("The decision", "What this is about, what the model must do, and how good and fast it must be."),
    "data": ("Data sensitivity & compliance", "Decides openness and deployment: what may leave your walls, and where."),
    "workload": ("Workload & volume", "Sets the monthly cost and the hardware: requests, tokens, peaks."),
    "domain": ("Precision & domain knowledge", "Decides prompting, RAG or fine-tuning."),
    "customization": ("Customization depth", "Only open-source or open-weight models allow changes to internals."),
    "budget": ("Budget", "Ceilings: routes above them are excluded."),
    "team": ("Team & time to market", "Whether you can run models yourselves, and how soon."),
    "infrastructure": ("Infrastructure", "The cloud you are on and the GPUs or machine you already have."),
    "license": ("Licence", "Commercial use and user-count thresholds in model licences."),
    "preferences": ("Preferences", "Lock-in, and models or providers to favour or never use."),
    "assumptions": (
        "Cost assumptions (advanced)",
        "Overrides of llmpick's sourced cost defaults; blank keeps the default.",
    ),
}

FALLBACK_HELP = {
    "industry": "your sector (brings its usual compliance duties to mind)",
    "quality": "how good the answers must be: basic, good, high or frontier",
    "assumptions.gpu_utilization": "share of GPU time doing useful work",
    "assumptions.ops_staff_usd_per_month": "staff cost a month to run self-hosted models",
    "assumptions.amortisation_months": "months over which bought hardware is written off",
    "assumptions.power_usd_per_kwh": "electricity price, USD per kWh",
}

GPU_ROWS_MIN = 2


@dataclass
class FormField:
    path: str
    label: str
    kind: Kind
    help: str
    default: str
    choices: list[tuple[str, str]] = field(default_factory=list)
    optional: bool = False
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None


@dataclass
class FormSection:
    key: str
    title: str
    help: str
    fields: list[FormField]


class FormLike(Protocol):
    def get(self, key: str, /) -> Any: ...
    def getlist(self, key: str, /) -> list[Any]: ...


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(inner type, optional) for X | None."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return (args[0] if len(args) == 1 else annotation), True
    return annotation, False


def _choices(tp: Any) -> list[tuple[str, str]] | None:
    if isinstance(tp, type) and issubclass(tp, Enum):
        return [(str(m.value), str(m.value)) for m in tp]
    if typing.get_origin(tp) is Literal:
        return [(str(v), str(v)) for v in typing.get_args(tp)]
    return None


def _default(info: FieldInfo) -> Any:
    if info.default_factory is not None:
        return info.default_factory()  # type: ignore[call-arg]
    return None if info.default is PydanticUndefined else info.default


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value) or "none"
    if isinstance(value, BaseModel):
        return "none"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _bounds(info: FieldInfo) -> tuple[float | None, float | None]:
    low = high = None
    for meta in info.metadata:
        low = getattr(meta, "ge", None) if getattr(meta, "ge", None) is not None else low
        low = getattr(meta, "gt", None) if low is None and getattr(meta, "gt", None) is not None else low
        high = getattr(meta, "le", None) if getattr(meta, "le", None) is not None else high
    return low, high


def _field(path: str, name: str, info: FieldInfo, hardware: list[tuple[str, str]]) -> FormField:
    tp, optional = _unwrap(info.annotation)
    help_text = info.description or FALLBACK_HELP.get(path, "")
    default = _default(info)
    base = {
        "path": path,
        "label": name.replace("_", " "),
        "help": help_text,
        "default": _show(default),
        "optional": optional,
        "required": info.is_required(),
    }
    if path == "infrastructure.gpus":
        return FormField(kind="gpus", choices=hardware, **base)  # type: ignore[arg-type]
    if path == "infrastructure.device":
        return FormField(kind="device", choices=hardware, **base)  # type: ignore[arg-type]
    choices = _choices(tp)
    if choices is not None:
        return FormField(kind="select", choices=choices, **base)  # type: ignore[arg-type]
    if tp is bool and optional:  # tri-state: blank keeps llmpick's default
        return FormField(kind="select", choices=[("true", "yes"), ("false", "no")], **base)  # type: ignore[arg-type]
    if tp is bool:
        return FormField(kind="bool", **base)  # type: ignore[arg-type]
    if tp in (int, float):
        low, high = _bounds(info)
        return FormField(kind="int" if tp is int else "float", minimum=low, maximum=high, **base)  # type: ignore[arg-type]
    if typing.get_origin(tp) is list:
        (item,) = typing.get_args(tp)
        item_choices = _choices(item)
        if item_choices is not None:
            return FormField(kind="multi", choices=item_choices, **base)  # type: ignore[arg-type]
        return FormField(kind="list", **base)  # type: ignore[arg-type]
    return FormField(kind="text", **base)  # type: ignore[arg-type]


def questionnaire(hardware: list[tuple[str, str]]) -> list[FormSection]:
    """Every field of the profile, grouped as the framework asks its questions."""
    top = FormSection("", *SECTIONS[""], [])
    sections = [top]
    for name, info in Profile.model_fields.items():
        tp, _ = _unwrap(info.annotation)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            title, help_text = SECTIONS.get(name, (name, info.description or ""))
            fields = [_field(f"{name}.{sub}", sub, sub_info, hardware) for sub, sub_info in tp.model_fields.items()]
            sections.append(FormSection(name, title, help_text, fields))
        else:
            top.fields.append(_field(name, name, info, hardware))
    return sections


def all_fields(sections: list[FormSection]) -> list[FormField]:
    return [f for s in sections for f in s.fields]


def form_to_data(form: FormLike, sections: list[FormSection]) -> dict[str, Any]:
    """The submitted form as a profile mapping (validated afterwards by parse_profile)."""
    data: dict[str, Any] = {}
    for f in all_fields(sections):
        value = _read(form, f)
        if value is _OMIT:
            continue
        node = data
        *parents, leaf = f.path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return data


_OMIT = object()


def _read(form: FormLike, f: FormField) -> Any:
    if f.kind == "bool":
        return form.get(f.path) in ("on", "true", "1", "yes")
    if f.kind == "multi":
        return [v for v in form.getlist(f.path) if v]
    if f.kind == "list":
        text = str(form.get(f.path) or "")
        return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]
    if f.kind == "gpus":
        pools = []
        for i in range(32):
            model = str(form.get(f"{f.path}.{i}.model") or "").strip()
            if model:
                count = str(form.get(f"{f.path}.{i}.count") or "").strip() or "1"
                pools.append({"model": model, "count": count})
        return pools
    if f.kind == "device":
        model = str(form.get(f"{f.path}.model") or "").strip()
        if not model:
            return None
        memory = str(form.get(f"{f.path}.memory_gb") or "").strip()
        return {"model": model, "memory_gb": _out_of_bounds(memory) if memory else None}
    raw = form.get(f.path)
    text = "" if raw is None else str(raw).strip()
    if text == "":
        return None if f.optional else (_OMIT if not f.required else "")
    if f.kind in ("int", "float"):
        return _out_of_bounds(text)
    return text


def _out_of_bounds(text: str) -> Any:
    """'inf', 'nan' or '1e308' as the number it is, so the input limits name the field; else the text."""
    try:
        number = float(text)
    except ValueError:
        return text
    return number if number_problem(number) else text


def values_of(data: dict[str, Any]) -> dict[str, Any]:
    """Flatten a profile mapping to {dotted path: value} for filling the form."""
    out: dict[str, Any] = {}

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, dict) and prefix not in ("infrastructure.device",):
            for key, value in node.items():
                walk(f"{prefix}.{key}" if prefix else key, value)
            return
        if prefix == "infrastructure.gpus" and isinstance(node, list):
            for i, pool in enumerate(node):
                if isinstance(pool, dict):
                    out[f"{prefix}.{i}.model"] = pool.get("model")
                    out[f"{prefix}.{i}.count"] = pool.get("count")
            out[prefix] = node
            return
        if prefix == "infrastructure.device":
            node = node or {}
            out[f"{prefix}.model"] = node.get("model") if isinstance(node, dict) else None
            out[f"{prefix}.memory_gb"] = node.get("memory_gb") if isinstance(node, dict) else None
            return
        out[prefix] = node

    walk("", data)
    return out


def default_values() -> dict[str, Any]:
    """The form as a fresh profile would fill it (name and tasks blank)."""
    defaults = Profile.model_construct(name="", tasks=[]).model_dump(mode="json", exclude={"name", "tasks"})
    return values_of(defaults)


def gpu_rows(values: dict[str, Any]) -> int:
    pools = values.get("infrastructure.gpus") or []
    return max(GPU_ROWS_MIN, len(pools) + 1)


def errors_by_field(problems: list[tuple[str, str]], sections: list[FormSection]) -> dict[str, str]:
    """Map each (path, message) to the nearest questionnaire field ('tasks.0' → 'tasks')."""
    known = {f.path for f in all_fields(sections)}
    out: dict[str, str] = {}
    for path, message in problems:
        parts = path.split(".")
        while parts and ".".join(parts) not in known:
            parts.pop()
        key = ".".join(parts) if parts else "_"
        out[key] = f"{out[key]}; {message}" if key in out else message
    return out


__all__ = [
    "FormField",
    "FormSection",
    "GpuPool",
    "all_fields",
    "default_values",
    "errors_by_field",
    "form_to_data",
    "gpu_rows",
    "questionnaire",
    "values_of",
]
