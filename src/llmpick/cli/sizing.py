"""`llmpick estimate | fit | cost | finetune`: will it fit, how fast, how many GPUs, what it costs."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from llmpick.catalog.catalog import Catalog
from llmpick.catalog.schema import Task
from llmpick.cli.common import (
    AS_OF_OPTION,
    CATALOG_OPTION,
    OutputFormat,
    active_catalog,
    err_console,
    parse_as_of,
    reports_errors,
    write_output,
)
from llmpick.engine import quality
from llmpick.engine.policy import load_policy
from llmpick.errors import EstimateError
from llmpick.profile import check_against_catalog, load_profile
from llmpick.render.columns import Column, width_table
from llmpick.sizing.detect import Machine, detect, match_catalog
from llmpick.sizing.finetune import METHODS, finetune_estimate, hardware_that_can_finetune
from llmpick.sizing.ids import UnknownChoiceError, normalize_hardware, normalize_kv, normalize_quant, normalize_runtime
from llmpick.sizing.measured import measured_decode
from llmpick.sizing.quantization import kv_precisions
from llmpick.sizing.specs import HARDWARE_KINDS, DeviceSpec, ModelSpec
from llmpick.sizing.speed import Estimate, best_fit, estimate

console = Console(highlight=False)
FIT_COLUMNS = [  # `fit` at any terminal width: model ids whole, the note and context limit give way first
    Column("#", keep=9, justify="right"),
    Column("model", keep=10),
    Column("params", keep=5, shrink_to=8),
    Column("quality", keep=7, shrink_to=10),
    Column("format", keep=8),
    Column("GB", keep=8, justify="right"),
    Column("tok/s", keep=9, justify="right"),
    Column("TTFT s", keep=4, justify="right"),
    Column("max ctx", keep=3, justify="right"),
    Column("note", keep=2, shrink_to=10),
]


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
                f"--model: {model_id} has no parameter count in the catalog"
                + (" (its weights are not public)" if not model.is_open else "")
                + "; "
                "size a custom model with --params-b"
            )
        return spec
    if params_b is None:
        raise EstimateError(
            "--model or --params-b: say which model (a catalog id, or its size in billions of parameters)"
        )
    if params_b <= 0:
        raise EstimateError(f"--params-b: the parameter count must be positive (got {params_b:g})")
    if active_params_b is not None and active_params_b <= 0:
        raise EstimateError(f"--active-params-b: must be positive (got {active_params_b:g})")
    return ModelSpec.custom(params_b, active_params_b, **{k: v for k, v in arch.items() if v is not None})


def _device_spec(
    catalog: Catalog,
    hardware: str | None,
    memory_gb: float | None,
    bandwidth: float | None,
    tflops: float | None,
    kind: str | None,
    name: str | None = None,
) -> DeviceSpec:
    if hardware is not None:
        hw_id = normalize_hardware(hardware, catalog.hardware, {h.id: h.name for h in catalog.hardware.values()})
        device = DeviceSpec.from_hardware(catalog.device(hw_id), memory_gb=memory_gb)
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
    return DeviceSpec.custom(memory_gb, bandwidth, kind=kind or "consumer-gpu", fp16_tflops=tflops, name=name)


def _check_choice(option: str, value: str | None, allowed: list[str]) -> None:
    if value is not None and value.lower() not in allowed:
        raise UnknownChoiceError(option.removeprefix("--"), value, allowed)


def _runtime_id(runtime: str | None) -> str | None:
    return normalize_runtime(runtime) if runtime is not None else None


def _emit(data: Any, output: Path | None) -> None:
    write_output(json.dumps(data, indent=2, ensure_ascii=False), output)


def _fmt_tps(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


# ---------------------------------------------------------------- estimate


@reports_errors
def estimate_cmd(
    model: str | None = typer.Option(None, "--model", "-m", help="Catalog model id."),
    params_b: float | None = typer.Option(None, "--params-b", help="Custom model: total parameters, billions."),
    active_params_b: float | None = typer.Option(
        None, "--active-params-b", help="Custom MoE model: active parameters, billions."
    ),
    layers: int | None = typer.Option(None, "--layers", help="Custom model: transformer layers."),
    kv_heads: int | None = typer.Option(None, "--kv-heads", help="Custom model: key/value heads."),
    head_dim: int | None = typer.Option(None, "--head-dim", help="Custom model: dimension per head."),
    attention_heads: int | None = typer.Option(
        None, "--attention-heads", help="Custom model: query heads (attention cost of long prompts)."
    ),
    context_window: int | None = typer.Option(
        None, "--context-window", help="Custom model: longest context it handles."
    ),
    hardware: str | None = typer.Option(None, "--hardware", "-H", help="Catalog hardware id."),
    memory_gb: float | None = typer.Option(
        None, "--memory-gb", help="Custom device memory (or override of the catalog's)."
    ),
    bandwidth_gb_s: float | None = typer.Option(None, "--bandwidth-gb-s", help="Custom device memory bandwidth, GB/s."),
    tflops: float | None = typer.Option(None, "--tflops", help="Custom device dense FP16 TFLOPS."),
    kind: str | None = typer.Option(None, "--kind", help="Custom device kind: " + ", ".join(HARDWARE_KINDS)),
    device_name: str | None = typer.Option(
        None, "--device-name", help="Custom device name (e.g. 'Apple M1 Max': M1 chips get their own constants)."
    ),
    count: int = typer.Option(1, "--count", "-k", help="Number of devices (tensor parallel or layer split)."),
    quantization: str | None = typer.Option(
        None, "--quantization", "-q", help="Weight format (default: the runtime's)."
    ),
    runtime: str | None = typer.Option(
        None, "--runtime", "-r", help="Runtime id (default: llama-cpp, vllm on data-centre GPUs)."
    ),
    context: int = typer.Option(4096, "--context", "-c", help="Tokens per sequence (prompt + reply)."),
    concurrency: int = typer.Option(1, "--concurrency", help="Sequences served at once."),
    prompt_tokens: int | None = typer.Option(
        None, "--prompt-tokens", help="Prompt length for time to first token (default: half the context)."
    ),
    kv_precision: str = typer.Option(
        "fp16", "--kv-precision", help="KV cache precision: " + ", ".join(kv_precisions())
    ),
    offload_gb: float = typer.Option(
        0.0, "--offload-gb", help="llama.cpp: system RAM for layers that do not fit on the GPU."
    ),
    gpu_layers: int | None = typer.Option(
        None, "--gpu-layers", "--ngl", help="llama.cpp -ngl: layers on the GPU, the rest on the CPU."
    ),
    host_bandwidth_gb_s: float = typer.Option(
        89.6, "--host-bandwidth-gb-s", help="System RAM bandwidth for offloaded layers."
    ),
    output_format: OutputFormat = typer.Option(OutputFormat.TABLE, "--format", "-f"),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
    catalog_files: list[Path] = CATALOG_OPTION,
) -> None:
    """Memory, fit and speed of a model on hardware (catalog ids or custom specs)."""
    catalog = active_catalog(catalog_files)
    runtime = _runtime_id(runtime)
    quantization = normalize_quant(quantization) if quantization is not None else None
    kv_precision = normalize_kv(kv_precision)
    spec = _model_spec(
        catalog,
        model,
        params_b,
        active_params_b,
        layers=layers,
        kv_heads=kv_heads,
        head_dim=head_dim,
        attention_heads=attention_heads,
        context_window=context_window,
        attention="gqa" if kv_heads else None,
    )
    device = _device_spec(catalog, hardware, memory_gb, bandwidth_gb_s, tflops, kind, device_name)
    est = estimate(
        spec,
        device,
        count=count,
        quantization=quantization,
        runtime=runtime,
        context=context,
        concurrency=concurrency,
        prompt_tokens=prompt_tokens,
        kv_precision=kv_precision,
        offload_gb=offload_gb,
        gpu_layers=gpu_layers,
        host_bandwidth_gb_s=host_bandwidth_gb_s,
    )
    best = best_fit(
        spec,
        device,
        count=count,
        runtime=est.runtime,
        context=min(context, spec.context_window or context),
        concurrency=concurrency,
        prompt_tokens=prompt_tokens,
    )
    # What `llmpick eval` measured on this very hardware, runtime and model, shown next to the estimate.
    measured = measured_decode(device.id, est.runtime, model) if model and hardware else None
    if output_format is OutputFormat.JSON:
        data = est.to_json_dict() | {
            "model": spec.label,
            "device": device.name,
            "best_quantization": best.quantization if best else None,
            "measured_decode_tokens_per_s": measured,
        }
        _emit(data, output)
        return
    _print_estimate(est, spec, device, best)
    if measured is not None:
        Console().print(
            f"measured by llmpick eval on this hardware and runtime: [bold]{measured:,.1f}[/] tokens/s "
            f"(estimate {est.decode_tokens_per_s:,.1f})"
        )


def _print_estimate(est: Estimate, spec: ModelSpec, device: DeviceSpec, best: Estimate | None) -> None:
    on = f"{est.count}× {device.name}" if est.count > 1 else device.name
    table = Table(title=f"{spec.label} on {on} — {est.runtime}, {est.quantization}", show_header=False)
    table.add_column("figure", style="bold")
    table.add_column("value")
    verdict = "[green]fits[/]" if est.fits else "[red]does not fit[/]"
    table.add_row("memory", f"{est.memory_gb:.1f} GB of {est.available_gb:.1f} GB usable — {verdict}")
    table.add_row(
        "  weights / KV cache / overhead", f"{est.weights_gb:.1f} / {est.kv_cache_gb:.2f} / {est.overhead_gb:.1f} GB"
    )
    table.add_row(
        "decode (single stream)",
        f"{_fmt_tps(est.decode_tokens_per_s)} tokens/s "
        f"(range {_fmt_tps(est.decode_range[0])}–{_fmt_tps(est.decode_range[1])})",
    )
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
    memory_gb: float | None = typer.Option(
        None, "--memory-gb", help="Custom device memory (or override of the catalog's)."
    ),
    bandwidth_gb_s: float | None = typer.Option(None, "--bandwidth-gb-s", help="Custom device bandwidth, GB/s."),
    tflops: float | None = typer.Option(None, "--tflops", help="Custom device dense FP16 TFLOPS."),
    kind: str | None = typer.Option(None, "--kind", help="Custom device kind: " + ", ".join(HARDWARE_KINDS)),
    count: int | None = typer.Option(
        None, "--count", "-k", help="Number of devices (default: 1, or as many as were detected)."
    ),
    task: Task | None = typer.Option(None, "--task", "-t", help="Only models that do this task."),
    runtime: str | None = typer.Option(None, "--runtime", "-r", help="Runtime id (default by hardware kind)."),
    context: int = typer.Option(4096, "--context", "-c", help="Tokens per sequence."),
    min_tokens_per_s: float = typer.Option(
        5.0, "--min-tokens-per-s", help="Below this decode speed a model ranks as too slow."
    ),
    output_format: OutputFormat = typer.Option(OutputFormat.TABLE, "--format", "-f"),
    output: Path | None = typer.Option(None, "--output", "-o"),
    catalog_files: list[Path] = CATALOG_OPTION,
) -> None:
    """Which catalog models run on this hardware, best first (quality index, then speed). Without
    --hardware or a custom spec, the machine it runs on is detected (nvidia-smi, rocm-smi, sysctl, /proc)."""
    catalog = active_catalog(catalog_files)
    runtime = _runtime_id(runtime)
    if count is not None and count < 1:
        raise EstimateError(f"--count: must be at least 1 (got {count})")
    if context < 1:
        raise EstimateError(f"--context: must be at least 1 (got {context})")
    if hardware is None and memory_gb is None and bandwidth_gb_s is None:
        device, found = _detected_device(catalog)
        count = count or found
    else:
        device = _device_spec(catalog, hardware, memory_gb, bandwidth_gb_s, tflops, kind)
    count = count or 1
    rows = fit_rows(
        catalog, device, count=count, task=task, runtime=runtime, context=context, min_tokens_per_s=min_tokens_per_s
    )
    if output_format is OutputFormat.JSON:
        _emit({"hardware": device.id, "count": count, "context": context, "models": rows}, output)
        return
    on = f"{count}× {device.name}" if count > 1 else device.name
    cells = [
        [
            str(row["rank"]),
            row["model"],
            row["params"],
            f"{row['quality']:.2f} {row['quality_tier']}" if row["quality"] is not None else "unrated",
            row["quantization"].removeprefix("gguf-"),
            f"{row['memory_gb']:.1f}",
            _fmt_tps(row["decode_tokens_per_s"]),
            f"{row['time_to_first_token_s']:.2f}",
            f"{row['max_context']:,}",
            row["note"],
        ]
        for row in rows
    ]
    console.print(
        width_table(
            FIT_COLUMNS,
            cells,
            width=console.width,
            title=f"Models that run on {on} ({context:,}-token context), best first",
        )
    )
    if not rows:
        console.print("no open model in the catalog fits this hardware at any quantization its runtime runs")


def _detected_device(catalog: Catalog, machine: Machine | None = None) -> tuple[DeviceSpec, int]:
    """The catalog device this machine has (and how many), as detected; asks when the catalog does not
    know it and a person is at the terminal, else exits 2 saying what was found."""
    machine = machine or detect()
    for line in machine.describe():
        err_console.print(f"detected: {line}", markup=False)
    rows = [(h.id, h.name, h.spec.memory_gb) for h in catalog.hardware.values()]
    found = machine.accelerators[0] if machine.accelerators else None
    if found is None and machine.ram_gb and "cpu-only" in catalog.hardware:
        err_console.print(f"using cpu-only with {machine.ram_gb:.0f} GB of RAM", markup=False)
        return DeviceSpec.from_hardware(catalog.device("cpu-only"), memory_gb=round(machine.ram_gb)), 1
    hw_id = match_catalog(found, rows) if found is not None else None
    if hw_id is not None and found is not None:
        err_console.print(f"using {hw_id}" + (f" × {found.count}" if found.count > 1 else ""), markup=False)
        memory = round(found.memory_gb) if found.vendor == "apple" else None  # a Mac's own memory size
        return DeviceSpec.from_hardware(catalog.device(hw_id), memory_gb=memory), found.count
    what = found.name if found is not None else "no GPU"
    if sys.stdin.isatty():
        answer = typer.prompt(f"found {what}, which the catalog does not list; its catalog hardware id")
        hw_id = normalize_hardware(answer, catalog.hardware, {h.id: h.name for h in catalog.hardware.values()})
        return DeviceSpec.from_hardware(catalog.device(hw_id)), found.count if found is not None else 1
    raise EstimateError(
        f"--hardware: detected {what}, which the catalog does not list; give --hardware ID "
        f"(known: {', '.join(sorted(catalog.hardware))}) or --memory-gb and --bandwidth-gb-s"
    )


def fit_rows(
    catalog: Catalog,
    device: DeviceSpec,
    *,
    count: int = 1,
    task: Task | None = None,
    runtime: str | None = None,
    context: int = 4096,
    min_tokens_per_s: float = 5.0,
) -> list[dict[str, Any]]:
    """Open catalog models that fit, best quantization each, ranked: usable speed and ≥4-bit first, then
    the quality index (engine.quality.rate; unrated models after rated ones), then decode speed."""
    policy = load_policy()
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
        note = "; ".join(
            n
            for n in (
                "below 4-bit" if est.below_4bit else "",
                "slow" if slow else "",
                f"context capped at {est.context:,}" if est.context < context else "",
            )
            if n
        )
        row = {
            "model": model.id,
            "name": model.name,
            "params": f"{spec.params_b:g}B" + (f" ({spec.active_params_b:g}B active)" if spec.is_moe else ""),
            "params_b": spec.params_b,
            "active_params_b": spec.active_params_b,
            "quantization": est.quantization,
            "runtime": est.runtime,
            "memory_gb": round(est.memory_gb, 2),
            "decode_tokens_per_s": round(est.decode_tokens_per_s, 1),
            "decode_range": [round(v, 1) for v in est.decode_range],
            "prefill_tokens_per_s": round(est.prefill_tokens_per_s, 0),
            "time_to_first_token_s": round(est.time_to_first_token_s, 3),
            "max_context": est.max_context,
            "tasks": [t.value for t in model.tasks],
            "note": note,
        }
        capped = est.context < context
        rating = quality.rate(model, policy, catalog)
        row["quality"] = round(rating.score, 3) if rating.score is not None else None
        row["quality_tier"] = rating.tier
        unrated = rating.score is None
        found.append(((slow, est.below_4bit, capped, unrated, -(rating.score or 0.0), -est.decode_tokens_per_s), row))
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
    catalog_files: list[Path] = CATALOG_OPTION,
    as_of: str | None = AS_OF_OPTION,
) -> None:
    """The cheapest route of each kind per model at the profile's workload (the same routes and costs as
    `recommend`, budget aside), its breakdown, and where self-running starts to pay."""
    from llmpick.engine.cost_report import cost_report

    catalog = active_catalog(catalog_files)
    profile = load_profile(profile_path)
    check_against_catalog(profile, catalog.hardware, str(profile_path))
    if model is not None:
        catalog.model(model)  # unknown id → exit 2 naming the known ones
    report = cost_report(profile, catalog, model_id=model, as_of=parse_as_of(as_of))
    if output_format is OutputFormat.JSON:
        _emit(report, output)
        return
    w = profile.workload
    table = Table(
        title=f"{profile.name}: monthly cost at {w.requests_per_day:,.0f} requests/day "
        f"({w.input_tokens:,} in / {w.output_tokens:,} out tokens)"
    )
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
    console.print("[bold]assumptions[/]")
    for line in report["assumptions"]:
        console.print(f"  - {line}", markup=False)


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
    catalog_files: list[Path] = CATALOG_OPTION,
) -> None:
    """Memory and rough time of full fine-tuning, LoRA or QLoRA — on one device, or which catalog hardware can."""
    catalog = active_catalog(catalog_files)
    _check_choice("--method", method, list(METHODS))
    spec = _model_spec(catalog, model, params_b, None)
    if hardware is None and memory_gb is None:
        devices = [DeviceSpec.from_hardware(h) for h in sorted(catalog.hardware.values(), key=lambda h: h.id)]
        results = hardware_that_can_finetune(
            spec, method.lower(), devices, examples=examples, tokens_per_example=tokens_per_example, epochs=epochs
        )
    else:
        device = _device_spec(catalog, hardware, memory_gb, bandwidth_gb_s, tflops, kind)
        results = [
            finetune_estimate(
                spec,
                device,
                method=method.lower(),
                count=count,
                examples=examples,
                tokens_per_example=tokens_per_example,
                epochs=epochs,
            )
        ]
    if output_format is OutputFormat.JSON:
        _emit({"model": spec.label, "method": method.lower(), "results": [r.to_json_dict() for r in results]}, output)
        return
    table = Table(title=f"{method.lower()} fine-tuning of {spec.label}")
    for col in ("hardware", "count", "GB per device", "fits", "hours"):
        table.add_column(col, justify="left" if col == "hardware" else "right")
    for r in results:
        table.add_row(
            r.device_id or "",
            str(r.count),
            f"{r.memory_gb:.1f}",
            "yes" if r.fits else f"no (needs {r.devices_needed or '>64'})",
            f"{r.hours:.2f}" if r.hours is not None else "unknown",
        )
    console.print(table)
    if len(results) == 1:
        for line in results[0].basis:
            console.print(f"  - {line}", markup=False)
    elif not results:
        console.print(f"no catalog hardware can {method} fine-tune {spec.label} within 8 devices")
