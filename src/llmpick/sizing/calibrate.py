"""Fit the speed constants on published measurements (``data/calibration.yaml``).

The speed model has physically meaningful terms, fitted per *group* (an engine on a platform:
``llama.cpp/nvidia``, ``llama.cpp/apple``, ``mlx/apple``, ``server/nvidia`` …):

- decode time per token  = bytes read ÷ (bandwidth × η_group × κ_kernel) + layers × τ_group
  (η: the share of peak bandwidth the kernels reach; κ: how the format's kernel family compares with
  the legacy Q4_0/Q8_0 kernels; τ: fixed per-layer cost per token — kernel launches, synchronisation —
  which dominates on fast data-centre GPUs and is why bandwidth ÷ size alone is far off there);
- prefill tokens/s      = TFLOPS × μ_group × ρ_kernel ÷ FLOPs per token.

Constants are fitted by least squares on relative error (closed form; no numpy needed). A group with
no measurements uses the prior below and says so in the estimate's basis. Fitting takes
milliseconds and happens once per process.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

# Priors: used where a group has no measurements (and to regularise groups with few).
PRIOR_ETA = {"llama.cpp": 0.80, "mlx": 0.80, "server": 0.75}
PRIOR_TAU_S = {"nvidia": 40e-6, "amd": 60e-6, "apple": 40e-6, "cpu": 20e-6}
PRIOR_MU = {"llama.cpp": 0.55, "mlx": 0.50, "server": 0.55}
PRIOR_KAPPA = {"legacy": 1.0, "kquant": 0.9, "float": 1.0, "int": 0.9, "mlx": 1.0}
# FLOP per byte of bandwidth by hardware kind, to guess TFLOPS where no figure is known
FLOPS_PER_BYTE = {"consumer-gpu": 150.0, "workstation-gpu": 150.0, "datacenter-gpu": 280.0, "apple": 34.0, "cpu": 15.0}


@dataclass(frozen=True)
class GroupConstants:
    """Fitted (or prior) constants of one engine/platform group."""

    group: str
    eta: float  # share of peak bandwidth reached by decode
    tau_s: float  # seconds per layer per token
    mu: float | None  # share of peak TFLOPS reached by prefill
    decode_points: int = 0
    prefill_points: int = 0
    decode_error: float | None = None  # in-sample mean absolute % error of the fit
    decode_spread: float = 0.35  # relative half-width of the uncertainty range

    @property
    def calibrated(self) -> bool:
        return self.decode_points > 0


@dataclass(frozen=True)
class Constants:
    groups: dict[str, GroupConstants]
    kappa: dict[str, float]  # decode factor by kernel family
    rho: dict[str, float]  # prefill factor by kernel family
    total_points: int = 0
    sources: dict[str, str] = field(default_factory=dict)

    def group(self, engine: str, platform: str) -> GroupConstants:
        key = f"{engine}/{platform}"
        found = self.groups.get(key)
        if found is not None:
            return found
        # same engine on a sibling platform (AMD → NVIDIA constants), else the prior
        sibling = {"amd": "nvidia"}.get(platform)
        if sibling and f"{engine}/{sibling}" in self.groups:
            base = self.groups[f"{engine}/{sibling}"]
            return GroupConstants(key, base.eta, base.tau_s, base.mu, 0, 0, None, max(base.decode_spread, 0.35))
        return GroupConstants(key, PRIOR_ETA.get(engine, 0.75), PRIOR_TAU_S.get(platform, 40e-6), PRIOR_MU.get(engine, 0.5))


# ---------------------------------------------------------------- data


@cache
def calibration_data() -> dict[str, Any]:
    path = resources.files("llmpick.sizing") / "data" / "calibration.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


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
    prompt_tokens: int
    gen_tokens: int
    source: str
    label: str


def measurements() -> list[Measurement]:
    """Every row of calibration.yaml, with its device and model resolved to specs."""
    from llmpick.sizing.specs import DeviceSpec, ModelSpec

    data = calibration_data()
    sources = data.get("sources", {})
    devices = {}
    for key, d in (data.get("devices") or {}).items():
        devices[key] = DeviceSpec(
            id=d.get("catalog_id") or key, name=d.get("name", key), kind=d["kind"], memory_gb=float(d["memory_gb"]),
            bandwidth_gb_s=float(d["bandwidth_gb_s"]), fp16_tflops=d.get("fp16_tflops"), vendor=d.get("vendor"),
        )
    models = {}
    for key, m in (data.get("models") or {}).items():
        arch = {k: m[k] for k in ("layers", "hidden_size", "attention_heads", "kv_heads", "head_dim", "attention") if k in m}
        models[key] = ModelSpec(id=key, params_b=float(m["params_b"]), active_params_b=float(m.get("active_params_b", m["params_b"])), **arch)
    out = []
    for i, row in enumerate(data.get("measurements") or []):
        src = sources.get(row["source"], {})
        out.append(
            Measurement(
                index=i,
                device=devices[row["device"]],
                model=models[row["model"]],
                quantization=row["quantization"],
                runtime=row.get("runtime", "llama-cpp"),
                decode_tps=row.get("decode_tps"),
                prefill_tps=row.get("prefill_tps"),
                prompt_tokens=int(row.get("prompt_tokens", 512)),
                gen_tokens=int(row.get("gen_tokens", 128)),
                source=src.get("url", row["source"]),
                label=f"{row['model']} {row['quantization']} on {row['device']} ({row.get('runtime', 'llama-cpp')})",
            )
        )
    return out


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


def _least_squares(rows: list[list[float]], targets: list[float], ridge: list[float], prior: list[float]) -> list[float]:
    """min Σ (row·p − t)² + Σ ridge_j (p_j − prior_j)²."""
    k = len(prior)
    ata = [[sum(r[i] * r[j] for r in rows) + (ridge[i] if i == j else 0.0) for j in range(k)] for i in range(k)]
    atb = [sum(r[i] * t for r, t in zip(rows, targets, strict=True)) + ridge[i] * prior[i] for i in range(k)]
    return _solve(ata, atb)


def decode_features(m: Measurement) -> tuple[str, str, float, float]:
    """(group, kernel, bytes ÷ bandwidth in s, layers) of a measurement, as the speed model sees it."""
    from llmpick.sizing.speed import decode_inputs

    return decode_inputs(m.model, m.device, m.quantization, m.runtime, context=m.prompt_tokens + m.gen_tokens // 2)


def fit(rows: Iterable[Measurement]) -> Constants:
    """Fit η and τ per group, κ per kernel family (shared), μ per group and ρ per kernel (shared)."""
    rows = list(rows)
    decode = [(m, decode_features(m)) for m in rows if m.decode_tps]
    groups = sorted({f[0] for _, f in decode})
    kernels = sorted({f[1] for _, f in decode} - {"legacy"})
    # parameters: 1/η per group, τ per group, (κ_k − 1)/η-like correction per kernel folded in as
    # multiplicative factor: time = x·(1/η_g)·(1/κ_k) + τ_g·L. Linearise by alternating: fix κ, solve (1/η, τ).
    kappa = {k: PRIOR_KAPPA.get(k, 1.0) for k in kernels} | {"legacy": 1.0}
    inv_eta = {g: 1 / PRIOR_ETA.get(g.split("/")[0], 0.75) for g in groups}
    tau = {g: PRIOR_TAU_S.get(g.split("/")[1], 40e-6) for g in groups}
    for _ in range(30):
        # (a) per group: y/y = (x/κ)/y · inv_eta + L/y · tau   (relative residuals)
        for g in groups:
            sel = [(m, f) for m, f in decode if f[0] == g]
            if not sel:
                continue
            feats = [[(f[2] / kappa[f[1]]) * m.decode_tps, f[3] * m.decode_tps] for m, f in sel]
            targets = [1.0] * len(sel)
            prior = [inv_eta[g], tau[g]]
            ridge = [0.02, 0.02 * 1e8]  # weak pull toward the prior (τ is ~1e-5 s: scale accordingly)
            sol = _least_squares(feats, targets, ridge, prior)
            inv_eta[g] = max(sol[0], 1.0)  # η ≤ 1: no kernel beats the memory bus
            tau[g] = max(sol[1], 0.0)
        # (b) per kernel: time_bw · (1/κ) = y − τL  → 1/κ by relative least squares
        for k in kernels:
            sel = [(m, f) for m, f in decode if f[1] == k]
            if not sel:
                continue
            num = den = 0.0
            for m, f in sel:
                y = 1 / m.decode_tps
                xb = f[2] * inv_eta[f[0]] / y
                rest = (y - tau[f[0]] * f[3]) / y
                num += xb * rest
                den += xb * xb
            inv_k = num / den if den > 0 else 1.0
            kappa[k] = min(max(1 / inv_k, 0.4), 1.5) if inv_k > 0 else 1.0
    out: dict[str, GroupConstants] = {}
    for g in groups:
        sel = [(m, f) for m, f in decode if f[0] == g]
        errs = [abs(1 / (_decode_time(f, inv_eta[g], tau[g], kappa) * m.decode_tps) - 1) for m, f in sel]
        out[g] = GroupConstants(g, 1 / inv_eta[g], tau[g], None, len(sel), 0, sum(errs) / len(errs) if errs else None)
    # prefill: tokens/s = F·μ·ρ / flops  → μ per group (log-mean), ρ per kernel (log-mean of residual)
    prefill = [(m, prefill_features(m)) for m in rows if m.prefill_tps]
    rho = {k: 1.0 for k in {f[1] for _, f in prefill}}
    mu: dict[str, float] = {}
    for _ in range(10):
        for g in {f[0] for _, f in prefill}:
            logs = [math.log(m.prefill_tps * f[2] / rho[f[1]]) for m, f in prefill if f[0] == g and f[2]]
            if logs:
                mu[g] = math.exp(sum(logs) / len(logs))
        for k in rho:
            logs = [math.log(m.prefill_tps * f[2] / mu[f[0]]) for m, f in prefill if f[1] == k and f[2] and f[0] in mu]
            if logs and k != "legacy":
                rho[k] = math.exp(sum(logs) / len(logs))
    for g, value in mu.items():
        base = out.get(g) or Constants({}, {}, {}).group(*g.split("/"))
        n = sum(1 for _, f in prefill if f[0] == g)
        out[g] = GroupConstants(g, base.eta, base.tau_s, value, base.decode_points, n, base.decode_error, base.decode_spread)
    # uncertainty: spread from the in-sample error, floored, wider for small groups
    for g, c in list(out.items()):
        if c.decode_points:
            spread = max(0.10, 2.0 * (c.decode_error or 0.0)) * (1.0 if c.decode_points >= 5 else 1.5)
            out[g] = GroupConstants(g, c.eta, c.tau_s, c.mu, c.decode_points, c.prefill_points, c.decode_error, min(spread, 0.5))
    sources = {m.label: m.source for m in rows}
    return Constants(out, kappa, rho, len(rows), sources)


def _decode_time(f: tuple[str, str, float, float], inv_eta: float, tau: float, kappa: dict[str, float]) -> float:
    return f[2] * inv_eta / kappa.get(f[1], 1.0) + tau * f[3]


def prefill_features(m: Measurement) -> tuple[str, str, float | None]:
    """(group, kernel, TFLOPS ÷ FLOPs-per-token) — tokens/s at 100% of peak — of a measurement."""
    from llmpick.sizing.speed import prefill_inputs

    return prefill_inputs(m.model, m.device, m.quantization, m.runtime, m.prompt_tokens)


@cache
def constants() -> Constants:
    """The constants fitted on the whole calibration set (cached per process)."""
    try:
        rows = measurements()
    except (KeyError, TypeError, ValueError):
        rows = []
    return fit(rows)


def fitted_with(rows: Sequence[Measurement]) -> Constants:
    """Constants fitted on a subset (leave-one-out in the benchmark)."""
    return fit(rows)
