"""Forgiving ids: what people type (``Q4_K_M``, ``llama.cpp``, ``fp8``, ``vLLM``) mapped to catalog ids.

Matching ignores case and treats ``.``, ``-``, ``_`` and spaces alike, so ``q4-k-m``, ``Q4_K_M`` and
``gguf-q4_k_m`` are one format and ``llama.cpp`` is ``llama-cpp``. A few common names that share no
spelling with the id (``awq``, ``e4m3``, ``text-generation-inference``) are listed in ``ALIASES``.
An id that matches nothing raises :class:`UnknownChoiceError` with "did you mean" over the ids and
their spellings.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from llmpick.errors import EstimateError

# Names people use that do not reduce to the id by case and punctuation alone.
ALIASES: dict[str, dict[str, str]] = {
    "format": {
        "f16": "fp16",
        "float16": "fp16",
        "half": "fp16",
        "bfloat16": "bf16",
        "f32": "fp32",
        "float32": "fp32",
        "fp8_e4m3": "fp8",
        "e4m3": "fp8",
        "w8a8": "fp8",
        "float8": "fp8",
        "fp8_w8a8": "fp8",
        "int8_w8a8": "int8",
        "bitsandbytes": "int8",
        "bnb8": "int8",
        "awq": "awq-4bit",
        "awq4": "awq-4bit",
        "gptq": "gptq-4bit",
        "gptq4": "gptq-4bit",
        "mlx4": "mlx-4bit",
        "mlx8": "mlx-8bit",
        "mlx_q4": "mlx-4bit",
        "mlx_q8": "mlx-8bit",
        "q4_k": "gguf-q4_k_m",
        "q5_k": "gguf-q5_k_m",
        "q3_k": "gguf-q3_k_m",
        "q8": "gguf-q8_0",
        "mx_fp4": "mxfp4",
        "nv_fp4": "nvfp4",
        "fp4": "nvfp4",
    },
    "runtime": {
        "llamacpp": "llama-cpp",
        "llama_server": "llama-cpp",
        "ggml": "llama-cpp",
        "lmstudio": "lm-studio",
        "mlx": "mlx-lm",
        "mlx_lm_server": "mlx-lm",
        "text_generation_inference": "tgi",
        "trt_llm": "tensorrt-llm",
        "trtllm": "tensorrt-llm",
        "tensorrt": "tensorrt-llm",
        "nim": "tensorrt-llm",
    },
    "kv": {
        "f16": "fp16",
        "float16": "fp16",
        "bfloat16": "bf16",
        "fp8_e4m3": "fp8",
        "fp8_e5m2": "fp8",
        "e4m3": "fp8",
        "q8": "q8_0",
        "q4": "q4_0",
    },
}
OPTION = {"format": "--quantization", "runtime": "--runtime", "kv": "--kv-precision", "hardware": "--hardware"}
KIND_TEXT = {"format": "format", "runtime": "runtime", "kv": "KV cache precision", "hardware": "hardware"}


def key(text: str) -> str:
    """Case and punctuation folded: ``Llama.CPP`` → ``llama_cpp``."""
    return re.sub(r"[\s.\-_/]+", "_", text.strip().lower()).strip("_")


class UnknownChoiceError(EstimateError):
    """An option value matching no known id; the message names the option, close ids and the allowed ones.

    An :class:`EstimateError` (exit 2 on the CLI, 422 naming the field over HTTP) rather than
    :class:`~llmpick.errors.UnknownIdError`, which the web app answers with 404 (a missing resource):
    a mistyped format is a bad field value, not a missing page. The "did you mean" is the same idea.
    """

    def __init__(self, kind: str, value: str, allowed: list[str], spellings: dict[str, str] | None = None) -> None:
        self.kind = KIND_TEXT.get(kind, kind)
        self.value = value
        self.allowed = allowed
        close = _close(value, allowed, spellings or {})
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        shown = ", ".join(allowed[:40]) + (", …" if len(allowed) > 40 else "")
        super().__init__(f"{OPTION.get(kind, '--' + kind)}: unknown {self.kind} {value!r}{hint} (allowed: {shown})")


def _close(value: str, allowed: list[str], spellings: dict[str, str]) -> list[str]:
    """Close ids by the raw text and by folded spellings (``q4`` is near ``q4_0`` and ``q4_k_m``)."""
    by_key = {key(a): a for a in allowed} | spellings
    out: list[str] = []
    for hit in difflib.get_close_matches(key(value), list(by_key), n=4, cutoff=0.6):
        if by_key[hit] not in out:
            out.append(by_key[hit])
    for hit in difflib.get_close_matches(value, allowed, n=3):
        if hit not in out:
            out.append(hit)
    return out[:3]


def spellings(kind: str, ids: Iterable[str], names: dict[str, str] | None = None) -> dict[str, str]:
    """Folded spelling → id: the id, the id without ``gguf-``, its display name and the aliases."""
    ids = list(ids)
    table: dict[str, str] = {}
    for i in ids:
        table[key(i)] = i
        if i.startswith("gguf-"):
            table[key(i.removeprefix("gguf-"))] = i
        if names and i in names:
            table.setdefault(key(names[i]), i)
            # "llama.cpp (llama-server)" → also "llama.cpp"
            table.setdefault(key(names[i].split("(")[0]), i)
    for alias, target in ALIASES.get(kind, {}).items():
        if target in ids:
            table.setdefault(key(alias), target)
    return table


def normalize(kind: str, text: str, ids: Iterable[str], names: dict[str, str] | None = None) -> str:
    """The id ``text`` means among ``ids``; :class:`UnknownChoiceError` (exit 2 on the CLI) otherwise."""
    ids = list(ids)
    if text in ids:
        return text
    table = spellings(kind, ids, names)
    found = table.get(key(text))
    if found is None:
        raise UnknownChoiceError(kind, text, ids, table)
    return found


def normalize_quant(text: str) -> str:
    """A weight format id: ``Q4_K_M``, ``q4_k_m``, ``gguf-q4_k_m`` → ``gguf-q4_k_m``; ``FP8`` → ``fp8``."""
    from llmpick.sizing.quantization import formats

    table = formats()
    return normalize("format", text, table, {i: f.name for i, f in table.items()})


def normalize_runtime(text: str, known: Iterable[str] | None = None) -> str:
    """A runtime id: ``llama.cpp`` → ``llama-cpp``, ``vLLM`` → ``vllm``, ``LM Studio`` → ``lm-studio``."""
    from llmpick.sizing.quantization import runtime_ids

    return normalize("runtime", text, list(known) if known is not None else runtime_ids())


def normalize_kv(text: str) -> str:
    """A KV cache precision: ``FP8``, ``fp8_e4m3`` → ``fp8``; ``Q8`` → ``q8_0``."""
    from llmpick.sizing.quantization import kv_precisions

    return normalize("kv", text, kv_precisions())


VENDOR_PREFIXES = ("nvidia geforce ", "nvidia ", "geforce ", "amd instinct ", "amd ", "apple ", "intel ")


def normalize_hardware(text: str, known: Iterable[str], names: dict[str, str] | None = None) -> str:
    """A catalog hardware id: ``RTX-4090``, ``rtx 4090`` → ``rtx-4090``; by name with or without the
    vendor (``NVIDIA H100 SXM5 80GB``, ``H100 SXM5 80GB``)."""
    names = dict(names or {})
    short: dict[str, str] = {}
    for hw_id, name in names.items():
        lowered = name.lower()
        for prefix in VENDOR_PREFIXES:
            if lowered.startswith(prefix):
                short[hw_id] = name[len(prefix) :]
                break
    ids = list(known)
    table = spellings("hardware", ids, names)
    for hw_id, name in short.items():
        table.setdefault(key(name), hw_id)
        table.setdefault(key(name.split("(")[0]), hw_id)
    if text in ids:
        return text
    found = table.get(key(text))
    if found is None:
        raise UnknownChoiceError("hardware", text, ids, table)
    return found
