"""`llmpick estimate | fit | cost | finetune`: will it fit, how fast, how many GPUs, what it costs."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from llmpick.catalog.catalog import Catalog
from llmpick.catalog.loader import load_builtin_catalog
from llmpick.catalog.prices import offering_price
from llmpick.catalog.schema import Hardware, HardwareKind, Model, Task
from llmpick.cli.common import OutputFormat, reports_errors, write_output
from llmpick.errors import EstimateError
from llmpick.profile import Profile, check_against_catalog, load_profile
from llmpick.render.columns import Column, width_table
from llmpick.sizing.cost import (
    Assumptions,
    CostBreakdown,
    api_monthly_cost,
    break_even,
    local_monthly_cost,
    resolve_assumptions,
    self_hosted_monthly_cost,
)
from llmpick.sizing.finetune import METHODS, finetune_estimate, hardware_that_can_finetune
from llmpick.sizing.measured import measured_decode
from llmpick.sizing.quantization import formats, kv_precisions, runtime_ids
from llmpick.sizing.specs import HARDWARE_KINDS, DeviceSpec, ModelSpec
from llmpick.sizing.speed import Estimate, best_fit, estimate

console = Console(highlight=False)
FIT_COLUMNS = [  # `fit` at any terminal width: model ids whole, the note and context limit give way first
    Column("#", keep=9, justify="right"),
    Column("model", keep=10),
    Column("params", keep=5, shrink_to=8),
    Column("format", keep=8),
    Column("GB", keep=8, justify="right"),
    Column("tok/s", keep=9, justify="right"),
    Column("TTFT s", keep=4, justify="right"),
    Column("max ctx", keep=3, justify="right"),
    Column("note", keep=2, shrink_to=10),
]
SERVER_RUNTIME = "vllm"
COUNTS = (1, 2, 4, 8)
VOLUMES = [10 * 10 ** (i / 4) for i in range(21)]  # 10 … 1,000,000 requests/day


def register(app: typer.Typer) -> None:
    app.command("estimate")(estimate_cmd)
    app.command("fit")(fit_cmd)
    app.command("cost")(cost_cmd)
    app.command("finetune")(finetune_cmd)


# ---------------------------------------------------------------- shared helpers


def _model_spec(
    catalog: Catalog, model_id: str | None, params_b: float | None, active_params_b: float | None, **arch: Any
) -> ModelSpec:
    if model_id is not None and params_b is not None:
        raise EstimateError("--model and --params-b: give one of them (a catalog id, or a custom size)")
    if model_id is not None:
        model = catalog.model(model_id)
        spec = ModelSpec.from_model(model)
        if spec is None:
            raise EstimateError(
                f"--model: {model_id} has no published parameter count (its weights are not public); "
                "size a custom model with --params-b"
            )
        return spec
    if params_b is None:
        raise EstimateError("--model or --params-b: say which model (a catalog id, or its size in billions of parameters)")
    if params_b <= 0:
        raise EstimateError(f"--params-b: the parameter count must be positive (got {params_b:g})")
    if active_params_b is not None and active_params_b <= 0:
        raise EstimateError(f"--active-params-b: must be positive (got {active_params_b:g})")
    return ModelSpec.custom(params_b, active_params_b, **{k: v for k, v in arch.items() if v is not None})


def _device_spec(
    catalog: Catalog, hardware: str | None, memory_gb: float | None, bandwidth: float | None,
    tflops: float | None, kind: str | None,
) -> DeviceSpec:
    if hardware is not None:
        device = DeviceSpec.from_hardware(catalog.device(hardware), memory_gb=memory_gb)
        if memory_gb is not None and memory_gb <= 0:
            raise EstimateError(f"--memory-gb: must be positive (got {memory_gb:g})")
        return device
    if memory_gb is None or bandwidth is None:
        raise EstimateError(
            "--hardware: give a catalog id (known: " + ", ".join(sorted(catalog.hardware)) + "), "
            "or a custom device with --memory-gb and --bandwidth-gb-s"
        )
    if kind is not None and kind not in HARDWARE_KINDS:
        raise EstimateError(f"--kind: unknown hardware kind {kind!r} (allowed: {', '.join(HARDWARE_KINDS)})")
    return DeviceSpec.custom(memory_gb, bandwidth, kind=kind or "consumer-gpu", fp16_tflops=tflops)


def _check_choice(option: str, value: str | None, allowed: list[str]) -> None:
    if value is not None and value.lower() not in allowed:
        raise EstimateError(f"{option}: unknown value {value!r} (allowed: {', '.join(allowed)})")


def _emit(data: Any, output: Path | None) -> None:
    write_output(json.dumps(data, indent=2, ensure_ascii=False), output)


def _fmt_tps(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


# ---------------------------------------------------------------- estimate


@reports_errors
def estimate_cmd(
    model: str | None = typer.Option(None, "--model", "-m", help="Catalog model id."),
    params_b: float | None = typer.Option(None, "--params-b", help="Custom model: total parameters, billions."),
    active_params_b: float | None = typer.Option(None, "--active-params-b", help="Custom MoE model: active parameters, billions."),
    layers: int | None = typer.Option(None, "--layers", help="Custom model: transformer layers."),
    kv_heads: int | None = typer.Option(None, "--kv-heads", help="Custom model: key/value heads."),
    head_dim: int | None = typer.Option(None, "--head-dim", help="Custom model: dimension per head."),
    context_window: int | None = typer.Option(None, "--context-window", help="Custom model: longest context it handles."),
    hardware: str | None = typer.Option(None, "--hardware", "-H", help="Catalog hardware id."),
    memory_gb: float | None = typer.Option(None, "--memory-gb", help="Custom device memory (or override of the catalog's)."),
    bandwidth_gb_s: float | None = typer.Option(None, "--bandwidth-gb-s", help="Custom device memory bandwidth, GB/s."),
    tflops: float | None = typer.Option(None, "--tflops", help="Custom device dense FP16 TFLOPS."),
    kind: str | None = typer.Option(None, "--kind", help="Custom device kind: " + ", ".join(HARDWARE_KINDS)),
    count: int = typer.Option(1, "--count", "-k", help="Number of devices (tensor parallel or layer split)."),
    quantization: str | None = typer.Option(None, "--quantization", "-q", help="Weight format (default: the runtime's)."),
    runtime: str | None = typer.Option(None, "--runtime", "-r", help="Runtime id (default: llama-cpp, vllm on data-centre GPUs)."),
    context: int = typer.Option(4096, "--context", "-c", help="Tokens per sequence (prompt + reply)."),
    concurrency: int = typer.Option(1, "--concurrency", help="Sequences served at once."),
    prompt_tokens: int | None = typer.Option(None, "--prompt-tokens", help="Prompt length for time to first token (default: half the context)."),
    kv_precision: str = typer.Option("fp16", "--kv-precision", help="KV cache precision: " + ", ".join(kv_precisions())),
    offload_gb: float = typer.Option(0.0, "--offload-gb", help="llama.cpp: system RAM for layers that do not fit on the GPU."),
    output_format: OutputFormat = typer.Option(OutputFormat.TABLE, "--format", "-f"),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
) -> None:
    """Memory, fit and speed of a model on hardware (catalog ids or custom specs)."""
    catalog = load_builtin_catalog()
    _check_choice("--runtime", runtime, runtime_ids())
    _check_choice("--quantization", quantization, list(formats()))
    _check_choice("--kv-precision", kv_precision, kv_precisions())
    spec = _model_spec(catalog, model, params_b, active_params_b, layers=layers, kv_heads=kv_heads, head_dim=head_dim,
                       context_window=context_window, attention="gqa" if kv_heads else None)
    device = _device_spec(catalog, hardware, memory_gb, bandwidth_gb_s, tflops, kind)
    est = estimate(spec, device, count=count, quantization=quantization.lower() if quantization else None,
                   runtime=runtime.lower() if runtime else None, context=context, concurrency=concurrency,
                   prompt_tokens=prompt_tokens, kv_precision=kv_precision.lower(), offload_gb=offload_gb)
    best = best_fit(spec, device, count=count, runtime=est.runtime, context=min(context, spec.context_window or context),
                    concurrency=concurrency, prompt_tokens=prompt_tokens)
    # What `llmpick eval` measured on this very hardware, runtime and model, shown next to the estimate.
    measured = measured_decode(hardware, est.runtime, model) if model and hardware else None
    if output_format is OutputFormat.JSON:
        data = est.to_json_dict() | {"model": spec.label, "device": device.name,
                                     "best_quantization": best.quantization if best else None,
                                     "measured_decode_tokens_per_s": measured}
        _emit(data, output)
        return
    _print_estimate(est, spec, device, best)
    if measured is not None:
        Console().print(f"measured by llmpick eval on this hardware and runtime: [bold]{measured:,.1f}[/] tokens/s "
                        f"(estimate {est.decode_tokens_per_s:,.1f})")


def _print_estimate(est: Estimate, spec: ModelSpec, device: DeviceSpec, best: Estimate | None) -> None:
    on = f"{est.count}× {device.name}" if est.count > 1 else device.name
    table = Table(title=f"{spec.label} on {on} — {est.runtime}, {est.quantization}", show_header=False)
    table.add_column("figure", style="bold")
    table.add_column("value")
    verdict = "[green]fits[/]" if est.fits else "[red]does not fit[/]"
    table.add_row("memory", f"{est.memory_gb:.1f} GB of {est.available_gb:.1f} GB usable — {verdict}")
    table.add_row("  weights / KV cache / overhead", f"{est.weights_gb:.1f} / {est.kv_cache_gb:.2f} / {est.overhead_gb:.1f} GB")
    table.add_row("decode (single stream)", f"{_fmt_tps(est.decode_tokens_per_s)} tokens/s "
                  f"(range {_fmt_tps(est.decode_range[0])}–{_fmt_tps(est.decode_range[1])})")
    table.add_row("prefill", f"{_fmt_tps(est.prefill_tokens_per_s)} tokens/s")
    table.add_row("time to first token", f"{est.time_to_first_token_s:.2f} s for {est.prompt_tokens} prompt tokens")
    table.add_row(f"throughput at {est.concurrency} concurrent", f"{_fmt_tps(est.throughput_tokens_per_s)} tokens/s")
    table.add_row("max context", f"{est.max_context:,} tokens at {est.concurrency} concurrent")
    table.add_row("max concurrency", f"{est.max_concurrency} sequences of {est.context:,} tokens")
    table.add_row("best quantization that fits", best.quantization if best else "none")
    console.print(table)
    console.print("[bold]basis[/]")
    for line in est.basis:
        console.print(f"  - {line}", markup=False)


# ---------------------------------------------------------------- fit


@reports_errors
def fit_cmd(
    hardware: str | None = typer.Option(None, "--hardware", "-H", help="Catalog hardware id."),
    memory_gb: float | None = typer.Option(None, "--memory-gb", help="Custom device memory (or override of the catalog's)."),
    bandwidth_gb_s: float | None = typer.Option(None, "--bandwidth-gb-s", help="Custom device bandwidth, GB/s."),
    tflops: float | None = typer.Option(None, "--tflops", help="Custom device dense FP16 TFLOPS."),
    kind: str | None = typer.Option(None, "--kind", help="Custom device kind: " + ", ".join(HARDWARE_KINDS)),
    count: int = typer.Option(1, "--count", "-k", help="Number of devices."),
    task: Task | None = typer.Option(None, "--task", "-t", help="Only models that do this task."),
    runtime: str | None = typer.Option(None, "--runtime", "-r", help="Runtime id (default by hardware kind)."),
    context: int = typer.Option(4096, "--context", "-c", help="Tokens per sequence."),
    min_tokens_per_s: float = typer.Option(5.0, "--min-tokens-per-s", help="Below this decode speed a model ranks as too slow."),
    output_format: OutputFormat = typer.Option(OutputFormat.TABLE, "--format", "-f"),
    output: Path | None = typer.Option(None, "--output", "-o"),
) -> None:
    """Which catalog models run on this hardware: best quantization, speed, ranked."""
    catalog = load_builtin_catalog()
    _check_choice("--runtime", runtime, runtime_ids())
    if count < 1:
        raise EstimateError(f"--count: must be at least 1 (got {count})")
    if context < 1:
        raise EstimateError(f"--context: must be at least 1 (got {context})")
    device = _device_spec(catalog, hardware, memory_gb, bandwidth_gb_s, tflops, kind)
    rows = fit_rows(catalog, device, count=count, task=task, runtime=runtime, context=context,
                    min_tokens_per_s=min_tokens_per_s)
    if output_format is OutputFormat.JSON:
        _emit({"hardware": device.id, "count": count, "context": context, "models": rows}, output)
        return
    on = f"{count}× {device.name}" if count > 1 else device.name
    cells = [[str(row["rank"]), row["model"], row["params"], row["quantization"].removeprefix("gguf-"),
              f"{row['memory_gb']:.1f}", _fmt_tps(row["decode_tokens_per_s"]),
              f"{row['time_to_first_token_s']:.2f}", f"{row['max_context']:,}", row["note"]] for row in rows]
    console.print(width_table(FIT_COLUMNS, cells, width=console.width,
                              title=f"Models that run on {on} ({context:,}-token context), best first"))
    if not rows:
        console.print("no open model in the catalog fits this hardware at any quantization its runtime runs")


def fit_rows(
    catalog: Catalog, device: DeviceSpec, *, count: int = 1, task: Task | None = None, runtime: str | None = None,
    context: int = 4096, min_tokens_per_s: float = 5.0,
) -> list[dict[str, Any]]:
    """Open catalog models that fit, best quantization each, ranked: usable speed and ≥4-bit first, then size."""
    found: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    for model in catalog.filter_models(task=task, include_retired=False):
        if not model.is_open:
            continue
        spec = ModelSpec.from_model(model)
        if spec is None:
            continue
        est = best_fit(spec, device, count=count, runtime=runtime, context=context)
        if est is None:
            continue
        slow = est.decode_tokens_per_s < min_tokens_per_s
        note = "; ".join(n for n in ("below 4-bit" if est.below_4bit else "", "slow" if slow else "",
                                      f"context capped at {est.context:,}" if est.context < context else "") if n)
        row = {
            "model": model.id, "name": model.name,
            "params": f"{spec.params_b:g}B" + (f" ({spec.active_params_b:g}B active)" if spec.is_moe else ""),
            "params_b": spec.params_b, "active_params_b": spec.active_params_b,
            "quantization": est.quantization, "runtime": est.runtime, "memory_gb": round(est.memory_gb, 2),
            "decode_tokens_per_s": round(est.decode_tokens_per_s, 1),
            "decode_range": [round(v, 1) for v in est.decode_range],
            "prefill_tokens_per_s": round(est.prefill_tokens_per_s, 0),
            "time_to_first_token_s": round(est.time_to_first_token_s, 3),
            "max_context": est.max_context, "tasks": [t.value for t in model.tasks], "note": note,
        }
        capped = est.context < context
        found.append(((slow, est.below_4bit, capped, -spec.params_b, -est.decode_tokens_per_s), row))
    ranked = [row for _, row in sorted(found, key=lambda item: item[0])]
    for rank, row in enumerate(ranked, start=1):
        row["rank"] = rank
    return ranked


# ---------------------------------------------------------------- cost


@reports_errors
def cost_cmd(
    profile_path: Path = typer.Argument(..., metavar="PROFILE", help="Requirements profile (YAML)."),
    model: str | None = typer.Option(None, "--model", "-m", help="Only this catalog model (all its routes)."),
    output_format: OutputFormat = typer.Option(OutputFormat.TABLE, "--format", "-f"),
    output: Path | None = typer.Option(None, "--output", "-o"),
) -> None:
    """Every suitable route's monthly cost at the profile's workload, its breakdown, and the break-even volume."""
    catalog = load_builtin_catalog()
    profile = load_profile(profile_path)
    check_against_catalog(profile, catalog.hardware, str(profile_path))
    if model is not None:
        catalog.model(model)  # unknown id → exit 2 naming the known ones
    report = cost_report(profile, catalog, model_id=model)
    if output_format is OutputFormat.JSON:
        _emit(report, output)
        return
    w = profile.workload
    table = Table(title=f"{profile.name}: monthly cost at {w.requests_per_day:,.0f} requests/day "
                        f"({w.input_tokens:,} in / {w.output_tokens:,} out tokens)")
    for col in ("#", "model", "route", "where", "$/month", "breakdown"):
        table.add_column(col, justify="right" if col in ("#", "$/month") else "left", no_wrap=col == "model")
    shown = report["routes"] if model else [r for r in report["routes"] if r["monthly_cost_usd"] is not None]
    for i, route in enumerate(shown, start=1):
        total = f"{route['monthly_cost_usd']:,.2f}" if route["monthly_cost_usd"] is not None else "unknown"
        lines = "; ".join(f"{line['item']} ${line['usd']:,.2f}" for line in route["lines"])
        if route["unknown"]:
            lines += ("; " if lines else "") + "; ".join(route["unknown"])
        table.add_row(str(i), route["model"], route["deployment"], route["where"], total, lines)
    console.print(table)
    hidden = len(report["routes"]) - len(shown)
    if hidden:
        console.print(f"{hidden} more route(s) have no known price (see --format json, or --model ID)")
    be = report["break_even"]
    if be is not None:
        console.print(f"[bold]break-even[/]: {be['reason']}", soft_wrap=True, markup=True)
    for other in report["break_even_by_model"][:5]:
        if be is None or other["reason"] != be["reason"]:
            console.print(f"  - {other['reason']}", soft_wrap=True, markup=False)
    console.print("[bold]assumptions[/]")
    for line in report["assumptions"]:
        console.print(f"  - {line}", markup=False)


def _task_models(profile: Profile, catalog: Catalog, model_id: str | None) -> list[Model]:
    if model_id is not None:
        return [catalog.model(model_id)]
    wanted = set(profile.tasks)
    models = [m for m in catalog.filter_models(include_retired=False) if wanted <= set(m.tasks)]
    if not models:
        models = catalog.filter_models(task=profile.tasks[0], include_retired=False)
    excluded = set(profile.preferences.exclude)
    return [m for m in models if m.id not in excluded and m.vendor not in excluded]


def cost_report(profile: Profile, catalog: Catalog, model_id: str | None = None) -> dict[str, Any]:
    """Routes with their monthly cost (all routes of one model, or the cheapest of each kind per model)."""
    assumptions = resolve_assumptions(profile.assumptions)
    tasks = [t.value for t in profile.tasks]
    w = profile.workload
    context = w.needed_context
    routes: list[dict[str, Any]] = []
    for model in _task_models(profile, catalog, model_id):
        per_model: list[dict[str, Any]] = []
        for offering in catalog.offerings_of(model.id):
            provider = catalog.providers.get(offering.provider)
            if provider is None or provider.id in profile.preferences.exclude:
                continue
            quote = offering_price(offering, catalog.as_of)
            if quote is None:
                cost = CostBreakdown(None, [], [f"no price for {model.id} at {provider.name} in genai-prices or the catalog"])
            else:
                cost = api_monthly_cost(quote, w, tasks, assumptions)
            per_model.append(_route(model, provider.kind.value, provider.id, cost,
                                    fn=_api_fn(quote, profile, tasks, assumptions)))
        spec = ModelSpec.from_model(model) if model.is_open else None
        if spec is not None:
            per_model.extend(_self_run_routes(model, spec, profile, catalog, assumptions, context))
        if model_id is None:
            per_model = _cheapest_per_kind(per_model)
        routes.extend(per_model)
    routes.sort(key=lambda r: (r["monthly_cost_usd"] is None, r["monthly_cost_usd"] or 0.0, r["model"], r["where"]))
    by_model = []
    for mid in dict.fromkeys(r["model"] for r in routes):
        found = _break_even([r for r in routes if r["model"] == mid], curves=False)
        if found is not None:
            by_model.append(found)
    by_model.sort(key=lambda b: (b["requests_per_day"] is None, b["requests_per_day"] or 0))
    # the headline compares like with like: the same model by API and on its own GPUs, at the lowest
    # crossing any model has; only when no model has both does it pit the cheapest of each against the other
    headline = by_model[0] if by_model else _break_even(routes)
    for r in routes:
        r.pop("_fn", None)
    return {
        "profile": profile.name,
        "requests_per_day": w.requests_per_day,
        "routes": routes,
        "break_even": headline,
        "break_even_by_model": by_model,
        "assumptions": assumptions.describe(),
    }


def _route(model: Model, deployment: str, where: str, cost: CostBreakdown, *, fn: Any, est: Estimate | None = None,
           hardware: str | None = None, count: int | None = None) -> dict[str, Any]:
    return {
        "model": model.id,
        "deployment": deployment,
        "where": where,
        "hardware": hardware,
        "hardware_count": count,
        "quantization": est.quantization if est else None,
        "decode_tokens_per_s": round(est.decode_tokens_per_s, 1) if est else None,
        "monthly_cost_usd": cost.total_usd,
        "lines": [line.model_dump() for line in cost.lines],
        "unknown": list(cost.unknown),
        "notes": list(cost.notes),
        "_fn": fn,
    }


def _api_fn(quote: Any, profile: Profile, tasks: list[str], assumptions: Assumptions) -> Any:
    def at(volume: float) -> float | None:
        if quote is None:
            return None
        return api_monthly_cost(quote, profile.workload.model_copy(update={"requests_per_day": volume}), tasks, assumptions).total_usd
    return at


def _self_run_routes(
    model: Model, spec: ModelSpec, profile: Profile, catalog: Catalog, assumptions: Assumptions, context: int
) -> list[dict[str, Any]]:
    w = profile.workload
    out: list[dict[str, Any]] = []
    # GPUs the team owns or has reserved
    for pool in profile.infrastructure.gpus:
        hw = catalog.device(pool.model)
        est = _fit_or_none(spec, DeviceSpec.from_hardware(hw), pool.count, None, context, w.peak_concurrency, w.input_tokens)
        if est is not None:
            cost = self_hosted_monthly_cost(est, hw, w, assumptions, owned=True)
            out.append(_route(model, "self-hosted", f"own {pool.count}× {hw.id}", cost, est=est, hardware=hw.id,
                              count=pool.count, fn=_self_fn(est, hw, profile, assumptions, owned=True)))
    # a local device
    device = profile.infrastructure.device
    if device is not None:
        hw = catalog.device(device.model)
        est = _fit_or_none(spec, DeviceSpec.from_hardware(hw, device.memory_gb), 1, None, context, 1, w.input_tokens)
        if est is not None:
            cost = local_monthly_cost(hw, w, assumptions, owned=True, est=est)
            out.append(_route(model, "local", f"own {hw.id}", cost, est=est, hardware=hw.id, count=1,
                              fn=_local_fn(hw, est, profile, assumptions)))
    # rented data-centre GPUs: the smallest count that fits, per GPU type
    if SERVER_RUNTIME in runtime_ids():
        for hw in sorted(catalog.hardware.values(), key=lambda h: h.id):
            if hw.kind is not HardwareKind.DATACENTER_GPU or hw.rent is None:
                continue
            for count in COUNTS:
                est = _fit_or_none(spec, DeviceSpec.from_hardware(hw), count, SERVER_RUNTIME, context,
                                   w.peak_concurrency, w.input_tokens)
                if est is not None:
                    cost = self_hosted_monthly_cost(est, hw, w, assumptions)
                    out.append(_route(model, "self-hosted", f"{count}× {hw.id} (rented)", cost, est=est,
                                      hardware=hw.id, count=count, fn=_self_fn(est, hw, profile, assumptions)))
                    break
    return out


def _fit_or_none(spec: ModelSpec, device: DeviceSpec, count: int, runtime: str | None, context: int,
                 concurrency: int, prompt: int) -> Estimate | None:
    try:
        return best_fit(spec, device, count=count, runtime=runtime, context=context, concurrency=concurrency,
                        prompt_tokens=min(prompt, context))
    except EstimateError:
        return None  # this runtime does not run on that hardware


def _self_fn(est: Estimate, hw: Hardware, profile: Profile, assumptions: Assumptions, owned: bool = False) -> Any:
    def at(volume: float) -> float | None:
        workload = profile.workload.model_copy(update={"requests_per_day": volume})
        return self_hosted_monthly_cost(est, hw, workload, assumptions, owned=owned).total_usd
    return at


def _local_fn(hw: Hardware, est: Estimate, profile: Profile, assumptions: Assumptions) -> Any:
    def at(volume: float) -> float | None:
        workload = profile.workload.model_copy(update={"requests_per_day": volume})
        return local_monthly_cost(hw, workload, assumptions, owned=True, est=est).total_usd
    return at


def _cheapest_per_kind(routes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    best: dict[str, dict[str, Any]] = {}
    for r in routes:
        key = r["deployment"]
        current = best.get(key)
        cost = r["monthly_cost_usd"] if r["monthly_cost_usd"] is not None else math.inf
        if current is None or cost < (current["monthly_cost_usd"] if current["monthly_cost_usd"] is not None else math.inf):
            best[key] = r
    return list(best.values())


def _break_even(routes: list[dict[str, Any]], curves: bool = True) -> dict[str, Any] | None:
    api = [r for r in routes if r["deployment"] in ("saas-api", "hosted-open") and r["monthly_cost_usd"] is not None]
    own = [r for r in routes if r["deployment"] in ("self-hosted", "local") and r["monthly_cost_usd"] is not None]
    if not api or not own:
        return None
    a, s = api[0], own[0]  # routes are sorted by cost
    crossing = break_even(a["_fn"], s["_fn"], VOLUMES[0], VOLUMES[-1])
    label_a, label_s = f"{a['model']} via {a['where']}", f"{s['model']} on {s['where']}"
    if crossing is None:
        reason = (f"{label_a} and {label_s} do not cross between {VOLUMES[0]:,.0f} and {VOLUMES[-1]:,.0f} requests/day")
    else:
        reason = f"above about {crossing:,.0f} requests/day {label_s} costs less than {label_a}"
    out: dict[str, Any] = {"api_route": label_a, "self_hosted_route": label_s,
                           "requests_per_day": round(crossing) if crossing is not None else None, "reason": reason}
    if curves:
        out["curves"] = {label_a: _curve(a["_fn"]), label_s: _curve(s["_fn"])}
    return out


def _curve(fn: Any) -> list[dict[str, float]]:
    out = []
    for v in VOLUMES:
        usd = fn(v)
        if usd is not None:
            out.append({"requests_per_day": round(v, 1), "monthly_cost_usd": usd})
    return out


# ---------------------------------------------------------------- finetune


@reports_errors
def finetune_cmd(
    model: str | None = typer.Option(None, "--model", "-m", help="Catalog model id."),
    params_b: float | None = typer.Option(None, "--params-b", help="Custom model: parameters, billions."),
    method: str = typer.Option(..., "--method", help="full, lora or qlora."),
    hardware: str | None = typer.Option(None, "--hardware", "-H", help="Catalog hardware id (default: list what can)."),
    memory_gb: float | None = typer.Option(None, "--memory-gb", help="Custom device memory."),
    bandwidth_gb_s: float | None = typer.Option(None, "--bandwidth-gb-s", help="Custom device bandwidth."),
    tflops: float | None = typer.Option(None, "--tflops", help="Custom device dense FP16 TFLOPS."),
    kind: str | None = typer.Option(None, "--kind", help="Custom device kind."),
    count: int = typer.Option(1, "--count", "-k", help="Number of devices."),
    examples: int = typer.Option(1000, "--examples", help="Training examples."),
    tokens_per_example: int = typer.Option(512, "--tokens-per-example", help="Tokens per example."),
    epochs: int = typer.Option(3, "--epochs", help="Passes over the data."),
    output_format: OutputFormat = typer.Option(OutputFormat.TABLE, "--format", "-f"),
    output: Path | None = typer.Option(None, "--output", "-o"),
) -> None:
    """Memory and rough time of full fine-tuning, LoRA or QLoRA — on one device, or which catalog hardware can."""
    catalog = load_builtin_catalog()
    _check_choice("--method", method, list(METHODS))
    spec = _model_spec(catalog, model, params_b, None)
    if hardware is None and memory_gb is None:
        devices = [DeviceSpec.from_hardware(h) for h in sorted(catalog.hardware.values(), key=lambda h: h.id)]
        results = hardware_that_can_finetune(spec, method.lower(), devices, examples=examples,
                                             tokens_per_example=tokens_per_example, epochs=epochs)
    else:
        device = _device_spec(catalog, hardware, memory_gb, bandwidth_gb_s, tflops, kind)
        results = [finetune_estimate(spec, device, method=method.lower(), count=count, examples=examples,
                                     tokens_per_example=tokens_per_example, epochs=epochs)]
    if output_format is OutputFormat.JSON:
        _emit({"model": spec.label, "method": method.lower(), "results": [r.to_json_dict() for r in results]}, output)
        return
    table = Table(title=f"{method.lower()} fine-tuning of {spec.label}")
    for col in ("hardware", "count", "GB per device", "fits", "hours"):
        table.add_column(col, justify="left" if col == "hardware" else "right")
    for r in results:
        table.add_row(r.device_id or "", str(r.count), f"{r.memory_gb:.1f}", "yes" if r.fits else f"no (needs {r.devices_needed or '>64'})",
                      f"{r.hours:.2f}" if r.hours is not None else "unknown")
    console.print(table)
    if len(results) == 1:
        for line in results[0].basis:
            console.print(f"  - {line}", markup=False)
    elif not results:
        console.print(f"no catalog hardware can {method} fine-tune {spec.label} within 8 devices")
