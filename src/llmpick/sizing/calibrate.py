"""Fit the speed constants on published measurements (``data/calibration.yaml``).

The speed model has physically meaningful terms, fitted per *group* (an engine on a platform:
``llama.cpp/nvidia``, ``llama.cpp/apple``, ``mlx/apple``, ``server/nvidia`` …):

- decode time per token  = bytes read ÷ (bandwidth × η_group × κ_kernel) + weights × ω_group + layers × τ_group
  (η: the share of peak bandwidth the kernels reach; κ: how the format's kernel family compares with
  the legacy Q4_0/Q8_0 kernels; ω: a cost per weight processed that a faster memory bus does not
  remove — it is why Max and Ultra Apple chips fall further short of their bandwidth than base chips,
  and why 4-bit formats gain less than their size suggests there; τ: fixed cost per layer per token —
  kernel launches, synchronisation — which dominates on fast data-centre GPUs and is why
  bandwidth ÷ size alone is far off there);
- prefill tokens/s      = TFLOPS × μ_group × ρ_kernel ÷ FLOPs per token.

Constants are fitted by least squares on relative error (closed form; no numpy needed). A group with
no measurements uses the prior below and says so in the estimate's basis. Fitting takes
milliseconds and happens once per process.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from llmpick.yamlio import load_yaml

# Priors: used where a group has no measurements (and to regularise groups with few).
PRIOR_ETA = {"llama.cpp": 0.80, "mlx": 0.80, "server": 0.75}
PRIOR_TAU_S = {"nvidia": 40e-6, "amd": 60e-6, "apple": 40e-6, "cpu": 20e-6}
PRIOR_MU = {"llama.cpp": 0.55, "mlx": 0.50, "server": 0.55}
# Fixed cost per request before prefill starts; 0 where no TTFT measurements exist (the basis says "prior")
PRIOR_REQUEST_OVERHEAD_S = 0.0
PRIOR_KAPPA = {"legacy": 1.0, "kquant": 0.9, "float": 1.0, "int": 0.9, "mlx": 1.0}
# Constants of a class with no measurements come from its sibling (AMD → NVIDIA, M1 → later Apple)
SIBLINGS = {"amd": "nvidia", "amd-hbm": "nvidia-hbm", "nvidia-hbm": "nvidia", "apple-m1": "apple", "apple": "apple-m1"}
# FLOP per byte of bandwidth by hardware kind, to guess TFLOPS where no figure is known
FLOPS_PER_BYTE = {"consumer-gpu": 150.0, "workstation-gpu": 150.0, "datacenter-gpu": 280.0, "apple": 34.0, "cpu": 15.0}


@dataclass(frozen=True)
class GroupConstants:
    """Fitted (or prior) constants of one engine/platform group."""

    group: str
    eta: float  # share of peak bandwidth reached by decode
    tau_s: float  # seconds per layer per token
    per_weight_s: float  # ω: seconds per billion weights processed, whatever the bandwidth
    mu: float | None  # share of peak TFLOPS reached by prefill
    decode_points: int = 0
    prefill_points: int = 0
    decode_error: float | None = None  # in-sample mean absolute % error of the fit
    decode_spread: float = 0.35  # relative half-width of the uncertainty range
    request_overhead_s: float = PRIOR_REQUEST_OVERHEAD_S  # per request before prefill (fitted on TTFT rows)
    ttft_points: int = 0

    @property
    def calibrated(self) -> bool:
        return self.decode_points > 0


@dataclass(frozen=True)
class Constants:
    groups: dict[str, GroupConstants]
    kappa: dict[Any, float]  # decode factor by (group, kernel family)
    rho: dict[str, float]  # prefill factor by kernel family
    total_points: int = 0
    sources: dict[str, str] = field(default_factory=dict)
    moe_layer_s: float = 0.0  # expert routing/gather cost per MoE layer per token (fitted on all MoE rows)
    moe_points: int = 0
    build_drift: float = 0.0  # decode slowdown per year of llama.cpp CUDA build age (estimates are for the newest)
    moe_drift_s: float = 0.0  # extra MoE routing seconds per layer per year of build age
    # the same, fitted per platform (nvidia, apple, …) where that platform has MoE rows: Metal's and CUDA's
    # expert kernels differ; a platform without rows uses the values fitted on all rows
    moe_by_platform: dict[str, tuple[float, float, int]] = field(default_factory=dict)
    # how fast an all-reduce slows with the GPUs it spans (per doubling beyond two), fitted on the batched
    # throughput of published tensor-parallel serving sweeps over more than two GPUs (speed.allreduce_s)
    allreduce_growth: float = 0.0
    allreduce_points: int = 0

    def moe_layer(self, group: str) -> tuple[float, float, int]:
        """(routing seconds per MoE layer now, extra seconds per year of build age, rows fitted) for a group."""
        platform = moe_platform(group)
        for key in (platform, SIBLINGS.get(platform, "")):  # AMD without MoE rows: NVIDIA's
            if key in self.moe_by_platform:
                return self.moe_by_platform[key]
        return self.moe_layer_s, self.moe_drift_s, self.moe_points

    def kernel_factor(self, group: str, kernel: str) -> float:
        """κ of a kernel family in a group (falling back to the sibling group, then 1)."""
        if (group, kernel) in self.kappa:
            return self.kappa[(group, kernel)]
        engine, _, platform = group.partition("/")
        sibling = SIBLINGS.get(platform)
        return self.kappa.get((f"{engine}/{sibling}", kernel), 1.0) if sibling else 1.0

    def group(self, engine: str, platform: str) -> GroupConstants:
        key = f"{engine}/{platform}"
        found = self.groups.get(key)
        if found is not None:
            return found
        # same engine on a sibling platform (AMD → NVIDIA constants), else the prior
        sibling = SIBLINGS.get(platform)
        if sibling and f"{engine}/{sibling}" in self.groups:
            base = self.groups[f"{engine}/{sibling}"]
            return GroupConstants(
                key, base.eta, base.tau_s, base.per_weight_s, base.mu, 0, 0, None, max(base.decode_spread, 0.35)
            )
        prior_platform = platform.split("-")[0]
        return GroupConstants(
            key, PRIOR_ETA.get(engine, 0.75), PRIOR_TAU_S.get(prior_platform, 40e-6), 0.0, PRIOR_MU.get(engine, 0.5)
        )


def moe_platform(group: str) -> str:
    """The platform whose MoE routing constant a group uses: 'llama.cpp/nvidia-hbm' → 'nvidia', 'llama.cpp/apple-m1' → 'apple'."""
    return group.partition("/")[2].split("-")[0]


# ---------------------------------------------------------------- data


@cache
def calibration_data() -> dict[str, Any]:
    path = resources.files("llmpick.sizing") / "data" / "calibration.yaml"
    return load_yaml(path.read_text(encoding="utf-8"), cache=True) or {}  # 70 KB: a parse costs a CLI run 60 ms


@cache
def stated_ranges() -> dict[str, float]:
    """Half-width of the decode range per device class, from held-out errors (``data/ranges.yaml``,
    written by benchmarks/sizing_accuracy.py); empty if the file is missing."""
    path = resources.files("llmpick.sizing") / "data" / "ranges.yaml"
    try:
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return {}
    return {str(k): float(v) for k, v in (data.get("decode") or {}).items()}


def supplementary_tflops(hardware_id: str) -> tuple[float, str] | None:
    """A sourced FP16 TFLOPS figure for a catalog device whose record has none (consumer GPUs)."""
    data = calibration_data()
    sources = data.get("sources", {})
    for dev in (data.get("devices") or {}).values():
        if dev.get("catalog_id") == hardware_id and dev.get("fp16_tflops"):
            src = sources.get(dev.get("tflops_source") or dev.get("source"), {})
            return float(dev["fp16_tflops"]), src.get("url", "calibration.yaml")
    return None


@dataclass(frozen=True)
class Measurement:
    """One published measurement, resolved to specs."""

    index: int
    device: Any  # DeviceSpec
    model: Any  # ModelSpec
    quantization: str
    runtime: str
    decode_tps: float | None
    prefill_tps: float | None
    prompt_tokens: int  # prefill test length (ppN)
    gen_tokens: int  # decode test length (tgN), generated from an empty context
    source: str
    label: str
    count: int = 1
    decode_context: int | None = None  # tokens already in the KV cache while decoding (a long prompt)
    source_key: str = ""
    ttft_s: float | None = None  # time to first token at concurrency 1, for a prompt of ttft_prompt tokens
    ttft_prompt: int = 0
    output_tokens: int = 0  # reply length of a serving benchmark (throughput rows)
    throughput: tuple[tuple[int, float], ...] = ()  # (concurrency, output tokens/s) of a serving benchmark
    kv_precision: str = "fp16"
    in_fit: bool = True  # False: checked by the benchmark, kept out of the fit for the reason its row gives
    build: float | None = None  # when the runtime build was made (year, fractional), where the source says


def measurements() -> list[Measurement]:
    """Every row of calibration.yaml, with its device and model resolved to specs."""
    from llmpick.sizing.specs import DeviceSpec, ModelSpec

    data = calibration_data()
    sources = data.get("sources", {})
    devices = {}
    for key, d in (data.get("devices") or {}).items():
        devices[key] = DeviceSpec(
            id=d.get("catalog_id") or key,
            name=d.get("name", key),
            kind=d["kind"],
            memory_gb=float(d["memory_gb"]),
            bandwidth_gb_s=float(d["bandwidth_gb_s"]),
            fp16_tflops=d.get("fp16_tflops"),
            vendor=d.get("vendor"),
        )
    models = {}
    for key, m in (data.get("models") or {}).items():
        arch = {
            k: m[k]
            for k in (
                "layers",
                "hidden_size",
                "attention_heads",
                "kv_heads",
                "head_dim",
                "attention",
                "sliding_window",
                "sliding_window_layers",
                "experts",
                "experts_per_token",
            )
            if k in m
        }
        models[key] = ModelSpec(
            id=key,
            params_b=float(m["params_b"]),
            active_params_b=float(m.get("active_params_b", m["params_b"])),
            **arch,
        )
    out = []
    for i, row in enumerate(data.get("measurements") or []):
        src = sources.get(row["source"], {})
        count = int(row.get("count", 1))
        out.append(
            Measurement(
                index=i,
                device=devices[row["device"]],
                model=models[row["model"]],
                quantization=row["quantization"],
                runtime=row.get("runtime", "llama-cpp"),
                decode_tps=row.get("decode_tps"),
                prefill_tps=row.get("prefill_tps"),
                prompt_tokens=_test_length(row.get("prefill_test", "pp512")),
                gen_tokens=_test_length(row.get("decode_test", "tg128")),
                source=src.get("url", row["source"]),
                label=f"{row['model']} {row['quantization']} on {count}× {row['device']}".replace("1× ", ""),
                count=count,
                decode_context=row.get("decode_context"),
                source_key=row["source"],
                ttft_s=row.get("ttft_s"),
                ttft_prompt=int(row.get("ttft_prompt", 0)),
                output_tokens=int(row.get("output_tokens", 0)),
                throughput=tuple((int(c), float(t)) for c, t in row.get("throughput") or []),
                kv_precision=row.get("kv_precision", "fp16"),
                in_fit=not row.get("not_fitted"),
                build=_year(src.get("build")),
            )
        )
    return out


def _test_length(test: str) -> int:
    digits = "".join(ch for ch in str(test) if ch.isdigit())
    return int(digits) if digits else 128


# ---------------------------------------------------------------- fitting


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Solve a small dense linear system (Gaussian elimination with partial pivoting)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        if abs(m[pivot][col]) < 1e-30:
            raise ValueError("singular")
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col:
                f = m[r][col] / m[col][col]
                for c in range(col, n + 1):
                    m[r][c] -= f * m[col][c]
    return [m[i][n] / m[i][i] for i in range(n)]


def _nonneg_least_squares(
    rows: list[list[float]], targets: list[float], ridge: list[float], prior: list[float], lower: list[float]
) -> list[float]:
    """Least squares with lower bounds: solve, clamp the worst violator at its bound, re-solve the rest."""
    fixed: dict[int, float] = {}
    for _ in range(len(prior) + 1):
        free = [j for j in range(len(prior)) if j not in fixed]
        if not free:
            break
        adj = [t - sum(r[j] * v for j, v in fixed.items()) for r, t in zip(rows, targets, strict=True)]
        sol = _least_squares(
            [[r[j] for j in free] for r in rows], adj, [ridge[j] for j in free], [prior[j] for j in free]
        )
        full = dict(fixed) | dict(zip(free, sol, strict=True))
        bad = [j for j in free if full[j] < lower[j]]
        if not bad:
            return [full[j] for j in range(len(prior))]
        worst = min(bad, key=lambda j: full[j] - lower[j])
        fixed[worst] = lower[worst]
    return [fixed.get(j, lower[j]) for j in range(len(prior))]


def _least_squares(
    rows: list[list[float]], targets: list[float], ridge: list[float], prior: list[float]
) -> list[float]:
    """min Σ (row·p − t)² + Σ ridge_j (p_j − prior_j)²."""
    k = len(prior)
    ata = [[sum(r[i] * r[j] for r in rows) + (ridge[i] if i == j else 0.0) for j in range(k)] for i in range(k)]
    atb = [sum(r[i] * t for r, t in zip(rows, targets, strict=True)) + ridge[i] * prior[i] for i in range(k)]
    return _solve(ata, atb)


def decode_features(m: Measurement) -> tuple[str, str, float, float, float]:
    """(group, kernel, bytes ÷ bandwidth in s, layers, billions of weights per token) of a measurement."""
    from llmpick.sizing.speed import decode_inputs

    context = (m.decode_context or 0) + max(m.gen_tokens // 2, 1)
    return decode_inputs(
        m.model, m.device, m.quantization, m.runtime, context=context, kv_precision=m.kv_precision, count=m.count
    )


def _target(m: Measurement) -> float:
    """Measured seconds per token, less the known multi-GPU cost (layer-split hand-overs, all-reduces)."""
    from llmpick.sizing.speed import multi_gpu_fixed_s

    assert m.decode_tps
    return 1 / m.decode_tps - multi_gpu_fixed_s(m.runtime, m.count, decode_features(m)[3])


def _fit_groups(
    decode: list[tuple[Measurement, Any, float]], groups: list[str]
) -> tuple[dict[str, float], dict[str, float], dict[str, float], dict[Any, float]]:
    """η⁻¹, τ, ω per group and κ per (group, kernel): alternating least squares on relative error."""
    kernels = sorted({f[1] for _, f, _ in decode})
    kappa: dict[Any, float] = {}  # by (group, kernel); legacy (Q4_0/Q8_0) is the reference: κ = 1
    inv_eta = {g: 1 / PRIOR_ETA.get(g.split("/")[0], 0.75) for g in groups}
    tau = {g: PRIOR_TAU_S.get(g.split("/")[1], 40e-6) for g in groups}
    omega = {g: 0.0 for g in groups}
    for _ in range(60):
        for g in groups:
            sel = [(f, y) for _, f, y in decode if f[0] == g]
            # relative residual: (x/κ · η⁻¹ + W · ω + L · τ) / y − 1, linear in (η⁻¹, ω, τ), the last two in ms
            # so that every column is of order one and the ridge pulls each parameter alike
            feats = [[f[2] / kappa.get((g, f[1]), 1.0) / y, f[4] * 1e-3 / y, f[3] * 1e-3 / y] for f, y in sel]
            prior = [inv_eta[g], omega[g] * 1e3, tau[g] * 1e3]
            sol = _nonneg_least_squares(feats, [1.0] * len(sel), [RIDGE, RIDGE, RIDGE], prior, lower=[1.0, 0.0, 0.0])
            inv_eta[g], omega[g], tau[g] = sol[0], sol[1] * 1e-3, sol[2] * 1e-3
        for g in groups:
            for k in kernels:
                if k == "legacy":
                    continue
                sel = [(f, y) for _, f, y in decode if f[1] == k and f[0] == g]
                if not sel:
                    continue
                # (bandwidth term / y) · (1/κ) = 1 − (W·ω + L·τ) / y, with a pull toward κ = 1
                a = [f[2] * inv_eta[f[0]] / y for f, y in sel]
                b = [1 - (f[4] * omega[f[0]] + f[3] * tau[f[0]]) / y for f, y in sel]
                den = sum(v * v for v in a) + KAPPA_RIDGE
                inv_k = (sum(u * v for u, v in zip(a, b, strict=True)) + KAPPA_RIDGE) / den
                kappa[(g, k)] = min(max(1 / inv_k, 0.4), 1.6) if inv_k > 0 else 1.0
    return inv_eta, tau, omega, kappa


# Builds get faster: llama.cpp CUDA decode, same GPU and model, measured in 2024 and 2025–26 differs by
# 10–15% (issue 12). Rows with a build date (calibration.yaml sources: `build`) are corrected to the
# newest build in the data, and estimates are for that build.
DRIFT_PLATFORMS = ("llama.cpp/nvidia", "llama.cpp/nvidia-hbm")


@cache
def _reference_build() -> float:
    builds = [_year(src.get("build")) for src in (calibration_data().get("sources") or {}).values()]
    known = [b for b in builds if b is not None]
    return max(known) if known else 0.0


def reference_build() -> float:
    """The newest llama.cpp build date in the data (fractional year): the build estimates are for."""
    return _reference_build()


def _year(build: Any) -> float | None:
    """'2025-08' → 2025.58; '2024' → 2024.5; None → None."""
    if build is None:
        return None
    text = str(build)
    year, _, month = text.partition("-")
    return int(year) + ((int(month) - 0.5) / 12 if month else 0.5)


def build_age(m: Measurement, group: str) -> float:
    """Years between the row's build and the newest build in the data (0 where unknown or not CUDA llama.cpp)."""
    if m.build is None or group not in DRIFT_PLATFORMS:
        return 0.0
    return max(_reference_build() - m.build, 0.0)


def _fit_drift(
    decode: list[tuple[Measurement, Any, float]],
    groups: list[str],
    inv_eta: dict[str, float],
    tau: dict[str, float],
    omega: dict[str, float],
    kappa: dict[Any, float],
) -> float:
    """Relative slowdown per year of build age: measured seconds ≈ current-build seconds × (1 + drift × age)."""
    num = den = 0.0
    for m, f, y in decode:
        age = build_age(m, f[0])
        if age <= 0 or f[0] not in groups:
            continue
        c = GroupConstants(f[0], 1 / inv_eta[f[0]], tau[f[0]], omega[f[0]], None)
        pred = 1 / predict_decode(m, f, c, kappa)
        num += age * (y / pred - 1)
        den += age * age
    return max(num / den, 0.0) if den else 0.0


def fit(rows: Iterable[Measurement], *, allreduce_growth: bool = True) -> Constants:
    """Fit η and τ per group and κ per kernel family (shared by all groups) on decode; μ per group and
    ρ per kernel family on prefill. Least squares on relative error, alternating between the group
    constants (linear given κ) and κ (linear given the groups) until they settle."""
    rows = [m for m in rows if m.in_fit]
    every = [(m, decode_features(m), _target(m)) for m in rows if m.decode_tps]
    # dense rows set the group constants; MoE rows then fit the routing cost on top of them
    decode = [row for row in every if not row[0].model.is_moe]
    groups = sorted({f[0] for _, f, _ in decode})
    drift = 0.0
    for _ in range(4):  # group constants on build-corrected targets, then the build drift on their residuals
        adjusted = [(m, f, y / (1 + drift * build_age(m, f[0]))) for m, f, y in decode]
        inv_eta, tau, omega, kappa = _fit_groups(adjusted, groups)
        drift = _fit_drift(decode, groups, inv_eta, tau, omega, kappa)
    decode = [(m, f, y / (1 + drift * build_age(m, f[0]))) for m, f, y in decode]
    every = [(m, f, y / (1 + drift * build_age(m, f[0]))) for m, f, y in every]
    out: dict[str, GroupConstants] = {}
    for g in groups:
        group_rows = [(m, f) for m, f, _ in decode if f[0] == g]
        c = GroupConstants(g, 1 / inv_eta[g], tau[g], omega[g], None, len(group_rows), 0)
        errs = [abs(predict_decode(m, f, c, kappa) / float(m.decode_tps or 1) - 1) for m, f in group_rows]
        out[g] = replace(c, decode_error=sum(errs) / len(errs))
    moe_layer_s, moe_drift_s, moe_points = _fit_moe(every, out, kappa)
    moe_by_platform = {}
    for platform in sorted({moe_platform(f[0]) for m, f, _ in every if m.model.is_moe}):
        rows_p = [row for row in every if moe_platform(row[1][0]) == platform]
        fitted_p = _fit_moe(rows_p, out, kappa)
        if fitted_p[2]:
            moe_by_platform[platform] = fitted_p
    # prefill: tokens/s = peak × μ_group × ρ_kernel → geometric means, alternating
    prefill = [(m, f) for m in rows if m.prefill_tps and m.count == 1 for f in [prefill_features(m)] if f[2]]
    rho = {k: 1.0 for k in {f[1] for _, f in prefill}}
    mu: dict[str, float] = {}
    for _ in range(20):
        for g in {f[0] for _, f in prefill}:
            logs = [
                math.log(float(m.prefill_tps or 1) / (float(f[2] or 1) * rho[f[1]])) for m, f in prefill if f[0] == g
            ]
            mu[g] = math.exp(sum(logs) / len(logs))
        for k in rho:
            if k == "legacy":
                continue
            logs = [
                math.log(float(m.prefill_tps or 1) / (float(f[2] or 1) * mu[f[0]])) for m, f in prefill if f[1] == k
            ]
            rho[k] = math.exp(sum(logs) / len(logs))
    for g, value in mu.items():
        base = out.get(g) or Constants({}, {}, {}).group(*g.split("/"))
        n = sum(1 for _, f in prefill if f[0] == g)
        out[g] = replace(base, mu=value, prefill_points=n)
    partial = Constants({}, {}, {}, moe_layer_s=moe_layer_s, moe_drift_s=moe_drift_s, moe_by_platform=moe_by_platform)
    routing = {g: partial.moe_layer(g)[0] for g in out}
    _fit_ttft(rows, out, kappa, routing, moe_layer_s)
    # uncertainty: twice the in-sample mean error, at least 10%, wider for small groups
    for g, c in list(out.items()):
        if c.decode_points:
            spread = max(0.10, 2.0 * (c.decode_error or 0.0)) * (1.0 if c.decode_points >= 5 else 1.5)
            if c.decode_points < 3:  # one or two rows fit themselves: keep the prior's width
                spread = max(spread, 0.35)
            out[g] = replace(c, decode_spread=min(spread, 0.5))
    consts = Constants(
        out,
        kappa,
        rho,
        len(rows),
        {m.label: m.source for m in rows},
        moe_layer_s,
        moe_points,
        drift,
        moe_drift_s,
        moe_by_platform,
    )
    if not allreduce_growth:  # the benchmark's comparison: a flat all-reduce cost
        return consts
    growth, points = _fit_allreduce(rows, consts)
    return replace(consts, allreduce_growth=growth, allreduce_points=points)


def _fit_allreduce(rows: list[Measurement], consts: Constants) -> tuple[float, int]:
    """Growth of the all-reduce cost with the tensor-parallel degree, on batched throughput over > 2 GPUs.

    Throughput = concurrency × output ÷ (output × step + prefills); the growth adds output × 2 × layers ×
    TP_ALLREDUCE_S × log2(GPUs / 2) × growth to the denominator, so one estimate per point at growth 0 gives
    the rest; least squares on relative error over growth ≥ 0 (a one-dimensional search)."""
    from llmpick.sizing.quantization import runtime_info
    from llmpick.sizing.speed import TP_ALLREDUCE_S, estimate, layers_of

    pts: list[tuple[float, float, float, float]] = []  # (numerator, denominator at 0, per-unit growth, measured)
    for m in rows:
        if not m.throughput or m.count <= 2 or runtime_info(m.runtime).multi_gpu != "tensor-parallel":
            continue
        per_unit = m.output_tokens * 2 * layers_of(m.model)[0] * TP_ALLREDUCE_S * math.log2(m.count / 2)
        for c, measured in m.throughput:
            est = estimate(
                m.model,
                m.device,
                count=m.count,
                quantization=m.quantization,
                runtime=m.runtime,
                kv_precision=m.kv_precision,
                context=m.ttft_prompt + m.output_tokens,
                prompt_tokens=m.ttft_prompt,
                concurrency=c,
                fitted=consts,
            )
            numerator = c * m.output_tokens
            pts.append((numerator, numerator / est.throughput_tokens_per_s, per_unit, measured))
    if not pts:
        return 0.0, 0

    def loss(g: float) -> float:
        return sum((n / (d + u * g) / y - 1) ** 2 for n, d, u, y in pts)

    lo, hi = 0.0, 10.0  # golden-section search; the loss is unimodal in g
    ratio = (math.sqrt(5) - 1) / 2
    for _ in range(60):
        a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
        if loss(a) <= loss(b):
            hi = b
        else:
            lo = a
    return (lo + hi) / 2, len(pts)


def _fit_ttft(
    rows: list[Measurement],
    groups: dict[str, GroupConstants],
    kappa: dict[Any, float],
    routing: dict[str, float],
    moe_layer_s: float,
) -> None:
    """Per group with time-to-first-token rows: ttft = overhead + prompt ÷ (peak × μ) + one decode step.
    Least squares on relative error for (overhead, 1/μ) when the rows have two or more prompt lengths,
    else the overhead alone with μ from the prefill fit (or the prior). Updates ``groups`` in place."""
    by: dict[str, list[tuple[float, float, float]]] = {}
    for m in rows:
        if not m.ttft_s or not m.ttft_prompt:
            continue
        from llmpick.sizing.speed import prefill_inputs

        g, _, peak = prefill_inputs(m.model, m.device, m.quantization, m.runtime, m.ttft_prompt, m.count)
        if not peak:
            continue
        c = groups.get(g) or Constants({}, {}, {}).group(*g.split("/", 1))
        f = decode_inputs_for(m, m.ttft_prompt)
        step = 1 / predict_decode(m, f, c, kappa, routing.get(f[0], moe_layer_s))
        by.setdefault(g, []).append((m.ttft_s, m.ttft_prompt / peak, step))
    for g, pts in by.items():
        base = groups.get(g) or Constants({}, {}, {}).group(*g.split("/", 1))
        inv_mu_prior = 1 / (base.mu or PRIOR_MU.get(g.split("/")[0], 0.5))
        if len({round(a, 9) for _, a, _ in pts}) >= 2:
            feats = [[1 / t, a / t] for t, a, _ in pts]
            target = [1 - d / t for t, _, d in pts]
            overhead, inv_mu = _nonneg_least_squares(feats, target, [1e-6, 1e-6], [0.0, inv_mu_prior], lower=[0.0, 1.0])
        else:
            inv_mu = inv_mu_prior
            overhead = max(sum(t - a * inv_mu - d for t, a, d in pts) / len(pts), 0.0)
        groups[g] = replace(base, mu=1 / inv_mu, request_overhead_s=overhead, ttft_points=len(pts))


def decode_inputs_for(m: Measurement, context: int) -> tuple[str, str, float, float, float]:
    from llmpick.sizing.speed import decode_inputs

    return decode_inputs(
        m.model, m.device, m.quantization, m.runtime, context=context, kv_precision=m.kv_precision, count=m.count
    )


def _fit_moe(
    rows: list[tuple[Measurement, Any, float]], groups: dict[str, GroupConstants], kappa: dict[Any, float]
) -> tuple[float, float, int]:
    """Seconds per MoE layer per token that dense constants miss (router, top-k, expert gather and the
    extra kernel launches) in the newest build, and how much more per year of build age (llama.cpp's MoE
    kernels sped up several-fold in 2025–26): least squares on relative error over the MoE rows, both ≥ 0.
    A single build date, or none, leaves the age term at 0."""
    feats: list[list[float]] = []
    target: list[float] = []
    for m, f, y in rows:
        if not m.model.is_moe or m.decode_context:
            continue  # long-context rows carry an attention cost the model does not price yet: keep them out
        c = groups.get(f[0]) or Constants({}, {}, {}).group(*f[0].split("/", 1))
        dense_s = 1 / predict_decode(m, f, c, kappa, 0.0)
        # the relative residual (dense + L·(t + d·age))/y − 1 is linear in (t, d), in ms
        feats.append([f[3] * 1e-3 / y, f[3] * build_age(m, f[0]) * 1e-3 / y])
        target.append(1 - dense_s / y)
    if not feats:
        return 0.0, 0.0, 0
    ages = {round(row[1] / row[0], 3) for row in feats if row[0]}
    if len(ages) < 2:  # one build date: the age term cannot be told apart from the constant
        num = sum(r[0] * t for r, t in zip(feats, target, strict=True))
        den = sum(r[0] * r[0] for r in feats)
        return max(num / den, 0.0) * 1e-3, 0.0, len(feats)
    t, d = _nonneg_least_squares(feats, target, [1e-6, 1e-6], [0.0, 0.0], lower=[0.0, 0.0])
    return t * 1e-3, d * 1e-3, len(feats)


KAPPA_RIDGE = 0.5  # pull of each group's κ toward 1 (as if half a measurement said κ = 1)
RIDGE = 0.05  # weak pull of η⁻¹, ω and τ (ms) toward the prior: keeps small groups physical


def predict_decode(
    m: Measurement,
    f: tuple[str, str, float, float, float],
    c: GroupConstants,
    kappa: dict[Any, float],
    moe_layer_s: float = 0.0,
) -> float:
    """Tokens/s the model gives for a measurement's configuration."""
    from llmpick.sizing.speed import multi_gpu_fixed_s

    k = kappa.get((f[0], f[1]), 1.0)
    moe = moe_layer_s * f[3] if m.model.is_moe else 0.0
    seconds = (
        f[2] / (c.eta * k) + f[4] * c.per_weight_s + c.tau_s * f[3] + multi_gpu_fixed_s(m.runtime, m.count, f[3]) + moe
    )
    return 1 / seconds


def prefill_features(m: Measurement) -> tuple[str, str, float | None]:
    """(group, kernel, TFLOPS ÷ FLOPs-per-token) — tokens/s at 100% of peak — of a measurement."""
    from llmpick.sizing.speed import prefill_inputs

    if not m.device.fp16_tflops:
        return ("", "", None)  # no sourced TFLOPS: not used for the prefill fit
    return prefill_inputs(m.model, m.device, m.quantization, m.runtime, m.prompt_tokens, m.count)


@cache
def constants() -> Constants:
    """The constants fitted on the whole calibration set: fitted once per calibration data and sizing code (the
    fit takes a good part of a second), then read from the disk cache."""
    from llmpick import diskcache

    def fit_all() -> Constants:
        try:
            rows = measurements()
        except (KeyError, TypeError, ValueError):
            rows = []
        return fit(rows)

    stamp = diskcache.files_stamp(Path(str(resources.files("llmpick.sizing") / "data")), "*.yaml")
    stamp += diskcache.source_stamp(*(f"llmpick.sizing.{m}" for m in _FIT_CODE))
    return diskcache.memo("calibration", stamp, fit_all, check=Constants)


# The modules whose code shapes the fitted constants: a change in any of them refits.
_FIT_CODE = ("calibrate", "speed", "specs", "memory", "quantization", "defaults")


def fitted_with(rows: Sequence[Measurement]) -> Constants:
    """Constants fitted on a subset (leave-one-out in the benchmark)."""
    return fit(rows)
