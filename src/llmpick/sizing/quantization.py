"""Weight formats: effective bits per weight (sourced, in ``data/quantization.yaml``) and what each runtime runs.

The bits are whole-file figures (embeddings, output layer and block scales included), so
``params × bits / 8`` reproduces the size of a real weight file within a few percent.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from llmpick.sizing.ids import normalize_kv, normalize_quant, normalize_runtime
from llmpick.yamlio import load_yaml


@dataclass(frozen=True)
class QuantFormat:
    """One weight format."""

    id: str
    name: str
    bits_per_weight: float
    quality: int  # preference order when choosing what fits (higher is better)
    kernel: str  # float | legacy | kquant | int | mlx: which decode kernels it uses
    family: str  # float | gguf | mlx | server
    source_url: str
    note: str | None = None
    native_only: bool = False  # checkpoints exist only where a model was released in it (MXFP4: gpt-oss)

    @property
    def bytes_per_param(self) -> float:
        return self.bits_per_weight / 8

    @property
    def below_4bit(self) -> bool:
        """Q3/Q2: quality drops noticeably (llama-quantize's perplexity figures)."""
        return self.bits_per_weight < 4.2 and self.family == "gguf"


@dataclass(frozen=True)
class RuntimeInfo:
    """What sizing needs to know of a runtime."""

    id: str
    engine: str  # llama.cpp | mlx | server: which speed constants apply
    default_format: str
    formats: tuple[str, ...]
    hardware_kinds: tuple[str, ...]  # nvidia | amd | apple | cpu
    multi_gpu: str  # layer-split | tensor-parallel | none


def _data() -> dict[str, Any]:
    return _load()


@cache
def _load() -> dict[str, Any]:
    path = resources.files("llmpick.sizing") / "data" / "quantization.yaml"
    return load_yaml(path.read_text(encoding="utf-8"))


@cache
def formats() -> dict[str, QuantFormat]:
    """All known formats by id."""
    data = _data()
    sources = data["sources"]
    out: dict[str, QuantFormat] = {}
    for row in data["formats"]:
        out[row["id"]] = QuantFormat(
            id=row["id"],
            name=row["name"],
            bits_per_weight=float(row["bits_per_weight"]),
            quality=int(row["quality"]),
            kernel=row["kernel"],
            family=row["family"],
            source_url=sources[row["source"]]["url"],
            note=row.get("note"),
            native_only=bool(row.get("native_only", False)),
        )
    return out


def get_format(format_id: str) -> QuantFormat:
    """The format with this id or a common spelling of it (``Q4_K_M``, ``FP8``); an error with "did you mean" otherwise."""
    table = formats()
    if format_id in table:
        return table[format_id]
    return table[normalize_quant(format_id)]


def kv_bytes_per_element(precision: str) -> float:
    table: dict[str, float] = _data()["kv_cache"]
    return float(table[precision] if precision in table else table[normalize_kv(precision)])


@dataclass(frozen=True)
class NativeFormat:
    """A model released in a quantized format (gpt-oss in MXFP4): its checkpoint size is the weight memory."""

    model_id: str
    format: str
    weights_gib: float | None
    source_url: str
    gguf_gib: float | None = None  # the GGUF file llama.cpp-based runtimes load


@cache
def native_formats() -> dict[str, NativeFormat]:
    data = _data()
    sources = data["sources"]
    return {
        row["model"]: NativeFormat(
            row["model"], row["format"], row.get("weights_gib"), sources[row["source"]]["url"], row.get("gguf_gib")
        )
        for row in data.get("native") or []
    }


def native_format(model_id: str | None) -> NativeFormat | None:
    return native_formats().get(model_id) if model_id else None


def formats_for(model_id: str | None, ids: list[str] | tuple[str, ...]) -> list[QuantFormat]:
    """The formats worth trying for this model, best first: its native format first (no quality lost),
    then the others by quality; formats that exist only as a model's own release (MXFP4) are left out
    for models not released in them."""
    native = native_format(model_id)
    ordered = [
        f
        for f in by_quality(ids, native_only=True)
        if not (f.native_only and (native is None or native.format != f.id))
    ]
    if native is not None and native.format in ids:
        ordered.sort(key=lambda f: f.id != native.format)
    return ordered


def kv_precisions() -> list[str]:
    return list(_data()["kv_cache"])


def by_quality(ids: list[str] | tuple[str, ...], *, native_only: bool = False) -> list[QuantFormat]:
    """The given formats, best quality first (FP32 last: it costs twice FP16 for no gain in serving).
    Formats that exist only as some models' own release (MXFP4) are left out unless ``native_only``:
    :func:`formats_for` adds them for the models released in them."""
    table = formats()
    known = [table[i] for i in ids if i in table and (native_only or not table[i].native_only)]
    return sorted(known, key=lambda f: (f.id == "fp32", -f.quality, -f.bits_per_weight))


@cache
def _fallback_runtimes() -> dict[str, dict[str, Any]]:
    return dict(_data()["runtimes"])


def runtime_ids() -> list[str]:
    ids = set(_fallback_runtimes())
    catalog = _catalog_runtimes()
    ids.update(catalog)
    return sorted(ids)


def _catalog_runtimes() -> dict[str, Any]:
    """Runtimes from the built-in catalog; empty if the catalog cannot be loaded (sizing still works)."""
    try:
        from llmpick.catalog.loader import load_builtin_catalog

        return dict(load_builtin_catalog().runtimes)
    except Exception:  # the catalog is optional for sizing: a broken data file must not break estimates
        return {}


def runtime_info(runtime_id: str) -> RuntimeInfo:
    """Formats and hardware of a runtime: catalog first, the built-in table as fallback."""
    key = runtime_id if runtime_id in _fallback_runtimes() else normalize_runtime(runtime_id)
    fallback = _fallback_runtimes().get(key)
    catalog = _catalog_runtimes().get(key)
    if catalog is not None:
        formats_ = tuple(catalog.support.formats)
        kinds = tuple(catalog.support.hardware_kinds)
    else:
        assert fallback is not None
        formats_ = tuple(fallback["formats"])
        kinds = tuple(fallback["hardware_kinds"])
    base = fallback or {}
    engine = base.get("engine") or ("server" if catalog is not None and catalog.kind.value == "server" else "llama.cpp")
    default = base.get("default") or (formats_[0] if formats_ else "fp16")
    if default not in formats_ and formats_:
        default = next((f.id for f in by_quality(formats_) if f.family != "float"), formats_[0])
    return RuntimeInfo(
        id=key,
        engine=engine,
        default_format=default,
        formats=formats_,
        hardware_kinds=kinds,
        multi_gpu=base.get("multi_gpu", "tensor-parallel" if engine == "server" else "layer-split"),
    )


def fp8_compute_rule() -> str:
    """Regular expression over a device's id and name: GPUs whose tensor cores run FP8."""
    return str(_data()["fp8_compute"]["pattern"])
