"""What sizing needs of a model and of a device, from the catalog or from a custom spec."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from llmpick.errors import EstimateError

T = TypeVar("T")

if TYPE_CHECKING:
    from llmpick.catalog.schema import Hardware, Model

HBM_BANDWIDTH_GB_S = 1200.0  # data-centre GPUs at or above this bandwidth use HBM (A100, H100, H200, B200, MI300X)
HARDWARE_KINDS = ("consumer-gpu", "workstation-gpu", "datacenter-gpu", "apple", "cpu")


def _hash_once(cls: type[T]) -> type[T]:
    """Frozen specs are the keys of the sizing caches, hashed at every lookup: compute the dataclass's hash once
    per object. It is never pickled or copied (string hashes differ between processes)."""
    field_hash = cls.__hash__

    def __hash__(self: object) -> int:
        found = self.__dict__.get("_hash")
        if found is None:
            found = field_hash(self)
            object.__setattr__(self, "_hash", found)
        return found  # type: ignore[no-any-return]

    def __getstate__(self: object) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "_hash"}

    cls.__hash__ = __hash__  # type: ignore[assignment]
    cls.__getstate__ = __getstate__  # type: ignore[method-assign]
    return cls


@_hash_once
@dataclass(frozen=True)
class ModelSpec:
    """A model's size and the architecture figures that set its KV cache.

    ``params_b`` (all weights, all experts) sets memory; ``active_params_b`` (weights used per
    token) sets compute and bytes read per token. Architecture fields may be ``None``: the KV cache
    then falls back to a Llama-3-like grouped-query estimate and the basis says so.
    """

    id: str | None
    params_b: float
    active_params_b: float
    layers: int | None = None
    hidden_size: int | None = None
    attention_heads: int | None = None
    kv_heads: int | None = None
    head_dim: int | None = None
    attention: str | None = None  # mha | gqa | mqa | mla
    kv_lora_rank: int | None = None
    qk_rope_head_dim: int | None = None
    sliding_window: int | None = None
    sliding_window_layers: int | None = None
    context_window: int | None = None
    experts: int | None = None
    experts_per_token: int | None = None

    def __post_init__(self) -> None:
        if not self.params_b or self.params_b <= 0:
            raise EstimateError(f"--params-b: the parameter count must be positive (got {self.params_b})")
        if not self.active_params_b or self.active_params_b <= 0:
            raise EstimateError(f"--active-params-b: active parameters must be positive (got {self.active_params_b})")
        if self.active_params_b > self.params_b * 1.0001:
            raise EstimateError(
                f"--active-params-b: active parameters ({self.active_params_b:g}B) cannot exceed the total ({self.params_b:g}B)"
            )
        for name in (
            "layers",
            "hidden_size",
            "attention_heads",
            "kv_heads",
            "head_dim",
            "kv_lora_rank",
            "qk_rope_head_dim",
            "sliding_window",
            "context_window",
        ):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise EstimateError(f"--{name.replace('_', '-')}: must be positive (got {value})")
        if self.sliding_window_layers is not None and self.sliding_window_layers < 0:
            raise EstimateError(f"--sliding-window-layers: must be zero or more (got {self.sliding_window_layers})")

    @property
    def is_moe(self) -> bool:
        return self.active_params_b < self.params_b * 0.98

    @property
    def label(self) -> str:
        return self.id or (f"{self.params_b:g}B" + (f" ({self.active_params_b:g}B active)" if self.is_moe else ""))

    @classmethod
    def custom(cls, params_b: float, active_params_b: float | None = None, **arch: int | str | None) -> ModelSpec:
        """A model that is not in the catalog: its size, optionally its architecture."""
        active = params_b if active_params_b is None else active_params_b
        return cls(id=None, params_b=params_b, active_params_b=active, **arch)  # type: ignore[arg-type]

    @classmethod
    def from_model(cls, model: Model) -> ModelSpec | None:
        """The catalog model's sizing figures; None when its parameter count is unknown (closed models)."""
        params = model.parameters
        if params is None or params.total_b is None:
            return None
        arch = model.architecture
        attention = arch.attention.value if arch is not None and arch.attention is not None else None
        return cls(
            id=model.id,
            params_b=params.total_b,
            active_params_b=min(params.active_b or params.total_b, params.total_b),
            layers=arch.layers if arch else None,
            hidden_size=arch.hidden_size if arch else None,
            attention_heads=arch.attention_heads if arch else None,
            kv_heads=arch.kv_heads if arch else None,
            head_dim=arch.head_dim if arch else None,
            attention=attention,
            kv_lora_rank=arch.kv_lora_rank if arch else None,
            qk_rope_head_dim=arch.qk_rope_head_dim if arch else None,
            sliding_window=arch.sliding_window if arch else None,
            sliding_window_layers=arch.sliding_window_layers if arch else None,
            context_window=model.capabilities.context_window,
            experts=arch.experts if arch else None,
            experts_per_token=arch.experts_per_token if arch else None,
        )


@_hash_once
@dataclass(frozen=True)
class DeviceSpec:
    """One accelerator (or a CPU machine): memory, bandwidth and compute.

    ``memory_gb`` is per device; ``estimate(count=K)`` multiplies it. ``fp16_tflops`` is dense
    FP16/BF16 tensor throughput; when the catalog has none, a sourced figure from the calibration
    file is used where one exists (``tflops_source`` says which), else prefill is estimated from
    bandwidth with a wider range.
    """

    id: str
    name: str
    kind: str  # HardwareKind value
    memory_gb: float
    bandwidth_gb_s: float
    fp16_tflops: float | None = None
    vendor: str | None = None  # nvidia | amd | apple | intel | generic
    tdp_w: float | None = None
    tflops_source: str | None = None
    fp8_tflops: float | None = None  # dense FP8 tensor TFLOPS where the catalog has a figure

    @property
    def fp8_capable(self) -> bool:
        """FP8 tensor cores: NVIDIA Ada, Hopper and Blackwell, AMD CDNA 3 and later (the rule in quantization.yaml)."""
        from llmpick.sizing.quantization import fp8_compute_rule

        label = f"{self.id} {self.name}".lower()
        return self.platform in ("nvidia", "amd") and re.search(fp8_compute_rule(), label) is not None

    def __post_init__(self) -> None:
        if self.memory_gb <= 0:
            raise EstimateError(f"--memory-gb: device memory must be positive (got {self.memory_gb})")
        if self.bandwidth_gb_s <= 0:
            raise EstimateError(f"--bandwidth-gb-s: memory bandwidth must be positive (got {self.bandwidth_gb_s})")
        if self.fp16_tflops is not None and self.fp16_tflops <= 0:
            raise EstimateError(f"--tflops: compute must be positive (got {self.fp16_tflops})")
        if self.kind not in HARDWARE_KINDS:
            raise EstimateError(f"--kind: unknown hardware kind {self.kind!r} (allowed: {', '.join(HARDWARE_KINDS)})")

    @property
    def platform(self) -> str:
        """The runtime-support family: nvidia | amd | apple | cpu."""
        if self.kind == "cpu":
            return "cpu"
        if self.kind == "apple" or self.vendor == "apple":
            return "apple"
        if self.vendor == "amd":
            return "amd"
        if self.vendor in ("intel", "generic"):
            return "cpu"
        return "nvidia"

    @property
    def speed_class(self) -> str:
        """The class whose speed constants apply: apple | apple-m1 | cpu | nvidia | nvidia-hbm | amd | amd-hbm.

        HBM data-centre GPUs (≥ 1.2 TB/s) get their own constants: their memory needs far more requests
        in flight than batch-1 kernels issue, so llama.cpp reaches a smaller share of it. First-generation
        Apple GPUs (M1 family) run the k-quant kernels markedly slower than later ones.
        """
        if self.platform == "apple":
            label = f"{self.id} {self.name}".lower().replace("-", " ")
            return "apple-m1" if re.search(r"\bm1\b", label) else "apple"
        if self.platform == "cpu":
            return "cpu"
        hbm = self.kind == "datacenter-gpu" and self.bandwidth_gb_s >= HBM_BANDWIDTH_GB_S
        return f"{self.platform}-hbm" if hbm else self.platform

    @classmethod
    def custom(
        cls,
        memory_gb: float,
        bandwidth_gb_s: float,
        *,
        kind: str = "consumer-gpu",
        fp16_tflops: float | None = None,
        vendor: str | None = None,
        name: str | None = None,
    ) -> DeviceSpec:
        """A device that is not in the catalog."""
        label = name or f"custom {memory_gb:g} GB, {bandwidth_gb_s:g} GB/s"
        if vendor is None:
            vendor = {"apple": "apple", "cpu": "generic"}.get(kind, "nvidia")
        return cls(
            id="custom",
            name=label,
            kind=kind,
            memory_gb=memory_gb,
            bandwidth_gb_s=bandwidth_gb_s,
            fp16_tflops=fp16_tflops,
            vendor=vendor,
        )

    @classmethod
    def from_hardware(cls, hw: Hardware, memory_gb: float | None = None) -> DeviceSpec:
        """The catalog device; ``memory_gb`` overrides its memory (e.g. a 36 GB MacBook of a 128 GB chip)."""
        tflops = hw.spec.fp16_tflops
        tflops_source = hw.sources[hw.spec.source].url if tflops is not None else None
        if tflops is None:
            from llmpick.sizing.calibrate import supplementary_tflops

            found = supplementary_tflops(hw.id)
            if found is not None:
                tflops, tflops_source = found
        return cls(
            id=hw.id,
            name=hw.name,
            kind=hw.kind.value,
            memory_gb=memory_gb if memory_gb is not None else hw.spec.memory_gb,
            bandwidth_gb_s=hw.spec.bandwidth_gb_s,
            fp16_tflops=tflops,
            vendor=hw.vendor,
            tdp_w=hw.spec.tdp_w,
            tflops_source=tflops_source,
            fp8_tflops=getattr(hw.spec, "fp8_tflops", None),
        )
