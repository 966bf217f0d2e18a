"""Speed formulas pinned with fixed constants, plus estimate/best_fit behaviour."""

from __future__ import annotations

from dataclasses import replace

import pytest

from llmpick.errors import EstimateError
from llmpick.sizing.calibrate import Constants, GroupConstants, constants, reference_build
from llmpick.sizing.quantization import get_format
from llmpick.sizing.specs import DeviceSpec, ModelSpec
from llmpick.sizing.speed import (
    TP_ALLREDUCE_S,
    TP_EFFICIENCY,
    allreduce_s,
    best_fit,
    effective_format,
    estimate,
    native_split,
    weights_read_gb,
)
from tests.sizing_specs import LLAMA3_8B, LLAMA3_70B

MIXTRAL = ModelSpec(
    id="mixtral",
    params_b=46.7,
    active_params_b=12.9,
    layers=32,
    hidden_size=4096,
    attention_heads=32,
    kv_heads=8,
    head_dim=128,
    attention="gqa",
    context_window=32768,
)
RTX = DeviceSpec.custom(24, 1008, fp16_tflops=165.0, name="24 GiB GPU")
H100 = DeviceSpec.custom(80, 3350, kind="datacenter-gpu", fp16_tflops=989.0, name="H100")
FIXED = Constants(
    groups={
        "llama.cpp/nvidia": GroupConstants(
            "llama.cpp/nvidia", eta=0.8, tau_s=40e-6, per_weight_s=0.0, mu=0.5, decode_points=10
        ),
        "server/nvidia-hbm": GroupConstants("server/nvidia-hbm", eta=0.7, tau_s=20e-6, per_weight_s=0.0, mu=0.6),
    },
    kappa={},
    rho={},
)
KV_PER_TOKEN = 131072  # bytes, Llama 3 8B at FP16


def test_decode_8b_q4_k_m_is_bytes_over_effective_bandwidth_plus_fixed_cost() -> None:
    est = estimate(LLAMA3_8B, RTX, context=4096, fitted=FIXED)
    assert est.quantization == "gguf-q4_k_m" and est.runtime == "llama-cpp"
    bytes_gb = 8.03 * 4.86 / 8 + KV_PER_TOKEN * 2048 / 1e9  # weights + KV read at half the context
    seconds = bytes_gb / (1008 * 0.8) + 32 * 40e-6
    assert est.decode_tokens_per_s == pytest.approx(1 / seconds)  # ≈ 130.5 tokens/s
    assert est.decode_tokens_per_s == pytest.approx(130.5, abs=0.2)
    # one stream: the reply's decode steps plus the prompt's prefill
    reply = est.context - est.prompt_tokens
    per_request = reply / est.decode_tokens_per_s + est.prompt_tokens / est.prefill_tokens_per_s
    assert est.throughput_tokens_per_s == pytest.approx(reply / per_request)
    assert any("1008 GB/s × η 0.80" in line for line in est.basis)


def test_decode_8b_fp16_reads_16_gb_per_token() -> None:
    est = estimate(LLAMA3_8B, RTX, quantization="fp16", context=4096, fitted=FIXED)
    seconds = (16.06 + KV_PER_TOKEN * 2048 / 1e9) / (1008 * 0.8) + 32 * 40e-6
    assert est.decode_tokens_per_s == pytest.approx(1 / seconds)  # ≈ 47 tokens/s


def test_prefill_and_time_to_first_token() -> None:
    est = estimate(LLAMA3_8B, RTX, context=4096, prompt_tokens=2048, fitted=FIXED)
    flops = 2 * 8.03e9 + 4 * 32 * (32 * 128) * (2048 / 2)
    assert est.prefill_tokens_per_s == pytest.approx(165e12 * 0.5 / flops)  # ≈ 4,970 tokens/s
    assert est.time_to_first_token_s == pytest.approx(2048 / est.prefill_tokens_per_s + 1 / est.decode_tokens_per_s)


def test_moe_uses_active_parameters_for_speed_and_total_for_memory() -> None:
    est = estimate(MIXTRAL, DeviceSpec.custom(48, 1008, fp16_tflops=165.0), context=4096, fitted=FIXED)
    assert est.weights_gb == pytest.approx(46.7 * 4.86 / 8 * 1e9 / 2**30)
    bytes_gb = 12.9 * 4.86 / 8 + KV_PER_TOKEN * 2048 / 1e9
    assert est.decode_tokens_per_s == pytest.approx(1 / (bytes_gb / (1008 * 0.8) + 32 * 40e-6))


def test_70b_on_two_gpus_tensor_parallel() -> None:
    est = estimate(LLAMA3_70B, H100, count=2, runtime="vllm", context=4096, fitted=FIXED)
    assert est.quantization == "bf16" and est.fits
    kv_gb = 80 * 2 * 8 * 128 * 2 * 2048 / 1e9
    seconds = (141.1 + kv_gb) / (2 * 3350 * TP_EFFICIENCY * 0.7) + 80 * 20e-6 + 2 * 80 * TP_ALLREDUCE_S
    assert est.decode_tokens_per_s == pytest.approx(1 / seconds)
    single = estimate(LLAMA3_70B, H100, count=1, runtime="vllm", quantization="fp8", context=2048, fitted=FIXED)
    assert single.fits and single.max_context < 16384  # FP8 70B on one 80 GiB GPU: only a short context


def test_batched_throughput_grows_with_concurrency_but_less_than_linearly() -> None:
    one = estimate(LLAMA3_8B, H100, runtime="vllm", context=2048, concurrency=1, fitted=FIXED)
    many = estimate(LLAMA3_8B, H100, runtime="vllm", context=2048, concurrency=32, fitted=FIXED)
    assert many.throughput_tokens_per_s > 10 * one.throughput_tokens_per_s
    assert many.throughput_tokens_per_s < 32 * one.throughput_tokens_per_s


def test_uncalibrated_groups_say_so_and_get_a_wide_range() -> None:
    est = estimate(LLAMA3_8B, H100, runtime="vllm", fitted=FIXED)
    assert not est.calibrated
    assert any("prior" in line for line in est.basis)
    low, high = est.decode_range
    assert low < est.decode_tokens_per_s < high


def test_the_published_calibration_reproduces_a_known_measurement() -> None:
    # XiongjieDai, RTX 4090, Llama 3 8B Q4_K_M, tg512: 130.58 tokens/s (a calibration row; not a timing)
    rtx4090 = DeviceSpec.custom(24, 1008, fp16_tflops=330.3, name="RTX 4090")
    est = estimate(LLAMA3_8B, rtx4090, context=512, prompt_tokens=0)
    assert est.calibrated
    assert est.decode_tokens_per_s == pytest.approx(130.58, rel=0.15)
    # estimates are for the newest llama.cpp build in the data; that row's build is from May 2024
    consts = constants()
    now = 130.58 * (1 + consts.build_drift * (reference_build() - (2024 + 4.5 / 12)))
    assert est.decode_range[0] <= now <= est.decode_range[1]


def test_json_has_the_contract_keys() -> None:
    data = estimate(LLAMA3_8B, RTX, fitted=FIXED).to_json_dict()
    for key in (
        "memory_gb",
        "fits",
        "decode_tokens_per_s",
        "prefill_tokens_per_s",
        "time_to_first_token_s",
        "throughput_tokens_per_s",
        "max_context",
        "max_concurrency",
        "basis",
    ):
        assert key in data


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"runtime": "mlx-lm"}, "--runtime: mlx-lm does not run on nvidia"),
        ({"quantization": "awq-4bit"}, "--quantization: llama-cpp cannot run awq-4bit"),
        ({"quantization": "mlx-4bit", "runtime": "lm-studio"}, "--quantization"),
        ({"count": 0}, "--count"),
        ({"context": 0}, "--context"),
        ({"concurrency": -1}, "--concurrency"),
        ({"context": 200000}, "--context: llama-3-8b handles at most 131072"),
        ({"offload_gb": 8, "runtime": "vllm", "quantization": "fp16"}, "--runtime: vllm does not run|--offload-gb"),
    ],
)
def test_bad_input_raises_estimate_error_naming_the_option(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(EstimateError, match=message):
        estimate(LLAMA3_8B, RTX, **kwargs)  # type: ignore[arg-type]


def test_cpu_offload_lets_a_too_big_model_run_slowly() -> None:
    on_gpu = estimate(LLAMA3_70B, RTX, quantization="gguf-q4_k_m", context=4096, fitted=FIXED)
    offload = estimate(LLAMA3_70B, RTX, quantization="gguf-q4_k_m", context=4096, offload_gb=32, fitted=FIXED)
    assert not on_gpu.fits and offload.fits
    assert offload.decode_tokens_per_s < on_gpu.decode_tokens_per_s / 2
    assert any("system RAM" in line for line in offload.basis)


def test_best_fit_prefers_quality_then_steps_down() -> None:
    assert best_fit(LLAMA3_8B, RTX).quantization == "fp16"  # type: ignore[union-attr]
    assert best_fit(LLAMA3_8B, DeviceSpec.custom(8, 448)).quantization == "gguf-q6_k"  # type: ignore[union-attr]
    seventy = best_fit(LLAMA3_70B, DeviceSpec.custom(48, 768, kind="workstation-gpu"))
    assert seventy is not None and seventy.quantization == "gguf-q4_k_m"
    assert best_fit(LLAMA3_70B, DeviceSpec.custom(12, 504)) is None


def test_best_fit_goes_below_4bit_only_when_nothing_else_fits_and_says_so() -> None:
    est = best_fit(LLAMA3_70B, DeviceSpec.custom(32, 1792))
    assert est is not None and est.quantization == "gguf-q2_k" and est.below_4bit
    assert any("below 4-bit" in line for line in est.basis)


def test_best_fit_lowers_concurrency_when_the_peak_does_not_fit_one_set() -> None:
    est = best_fit(LLAMA3_70B, DeviceSpec.custom(48, 768, kind="workstation-gpu"), concurrency=16, context=4096)
    assert est is not None and est.quantization == "gguf-q4_k_m"
    assert 1 <= est.concurrency < 16 and est.fits
    assert any("more replicas carry the rest" in line for line in est.basis)


def test_best_fit_server_runtime_on_hbm() -> None:
    est = best_fit(LLAMA3_70B, H100, runtime="vllm", count=2, context=8192, concurrency=1)
    assert est is not None and est.quantization == "bf16"
    # four 8k sequences do not fit beside BF16 weights: a format where the whole peak fits wins
    busy = best_fit(LLAMA3_70B, H100, runtime="vllm", count=2, context=8192, concurrency=4)
    assert busy is not None and busy.quantization == "fp8" and busy.concurrency == 4
    assert best_fit(LLAMA3_70B, H100, runtime="vllm", count=1, context=2048).quantization in ("fp8", "int8")  # type: ignore[union-attr]


H100_SXM = DeviceSpec(
    id="h100-sxm-80gb",
    name="H100 SXM 80GB",
    kind="datacenter-gpu",
    memory_gb=80,
    bandwidth_gb_s=3350,
    fp16_tflops=989.4,
    vendor="nvidia",
)
A100 = DeviceSpec(
    id="a100-80gb",
    name="A100 80GB",
    kind="datacenter-gpu",
    memory_gb=80,
    bandwidth_gb_s=2039,
    fp16_tflops=312,
    vendor="nvidia",
)


def test_fp8_prefills_at_the_fp8_rate_only_where_the_gpu_has_fp8_tensor_cores() -> None:
    def ratio(device: DeviceSpec) -> float:
        fp8 = estimate(LLAMA3_8B, device, runtime="vllm", quantization="fp8", context=4096)
        bf16 = estimate(LLAMA3_8B, device, runtime="vllm", quantization="bf16", context=4096)
        return fp8.prefill_tokens_per_s / bf16.prefill_tokens_per_s

    assert ratio(H100_SXM) > 1.5 * ratio(A100)
    fp8 = estimate(LLAMA3_8B, H100_SXM, runtime="vllm", quantization="fp8")
    assert any("FP8 TFLOPS" in line for line in fp8.basis)


def test_batched_throughput_pays_for_the_prefill_of_long_prompts() -> None:
    short = estimate(
        LLAMA3_70B,
        H100_SXM,
        count=2,
        runtime="vllm",
        quantization="fp8",
        context=5500,
        prompt_tokens=500,
        concurrency=50,
    )
    long = estimate(
        LLAMA3_70B,
        H100_SXM,
        count=2,
        runtime="vllm",
        quantization="fp8",
        context=5500,
        prompt_tokens=5000,
        concurrency=50,
    )
    assert long.throughput_tokens_per_s < short.throughput_tokens_per_s / 2
    assert any("prefills of 5000 tokens" in line for line in long.basis)


def test_moe_decode_pays_an_expert_routing_cost_per_layer() -> None:
    dense_like = ModelSpec(
        id=None,
        params_b=12.9,
        active_params_b=12.9,
        layers=32,
        hidden_size=4096,
        attention_heads=32,
        kv_heads=8,
        head_dim=128,
    )
    moe = estimate(MIXTRAL, DeviceSpec.custom(80, 1008), context=4096)
    dense = estimate(dense_like, DeviceSpec.custom(80, 1008), context=4096)
    assert moe.decode_tokens_per_s < dense.decode_tokens_per_s
    assert any("expert routing" in line for line in moe.basis)


def test_calibrated_estimates_state_the_held_out_range() -> None:
    est = estimate(LLAMA3_8B, RTX, context=4096)
    assert any("when their source was left out" in line for line in est.basis)
    low, high = est.decode_range
    assert low < est.decode_tokens_per_s < high


def test_offload_splits_by_whole_layers_and_the_cpu_layers_set_the_pace() -> None:
    auto = estimate(LLAMA3_70B, RTX, quantization="gguf-q4_k_m", context=4096, offload_gb=32)
    line = next(line for line in auto.basis if line.startswith("layer split:"))
    assert "of 80 layers on the GPU" in line
    fewer = estimate(LLAMA3_70B, RTX, quantization="gguf-q4_k_m", context=4096, offload_gb=32, gpu_layers=20)
    assert fewer.decode_tokens_per_s < auto.decode_tokens_per_s
    too_many = estimate(LLAMA3_70B, RTX, quantization="gguf-q4_k_m", context=4096, offload_gb=32, gpu_layers=80)
    assert not too_many.fits and any("-ngl 80" in line for line in too_many.basis)


GPT_OSS_20B = ModelSpec(
    id="gpt-oss-20b",
    params_b=20.91,
    active_params_b=3.61,
    layers=24,
    hidden_size=2880,
    attention_heads=64,
    kv_heads=8,
    head_dim=64,
    attention="gqa",
    experts=32,
    experts_per_token=4,
)


def test_gpt_oss_reads_its_dense_weights_at_their_own_bits_not_the_file_average() -> None:
    # the checkpoint: experts in MXFP4 (4.25 bits), everything else BF16; its size gives the expert count
    mxfp4 = get_format("mxfp4")
    dense_b, dense_bits, experts_b = native_split(
        GPT_OSS_20B, effective_format(GPT_OSS_20B, mxfp4, "server")[0], "server"
    ) or (0, 0, 0)
    assert dense_bits == 16.0
    assert experts_b == pytest.approx(19.1 * 4 / 32, rel=0.01)  # ~19.1B expert weights, 4 of 32 per token
    assert dense_b + experts_b == pytest.approx(3.61)
    # the GGUF keeps the MXFP4 experts; its other tensors are 8-bit-ish (from the file size)
    gguf_fmt, _ = effective_format(GPT_OSS_20B, mxfp4, "llama.cpp")
    split = native_split(GPT_OSS_20B, gguf_fmt, "llama.cpp")
    assert split is not None and 8.0 < split[1] < 9.5
    file_average = GPT_OSS_20B.active_params_b * gguf_fmt.bytes_per_param
    assert weights_read_gb(GPT_OSS_20B, gguf_fmt, "llama.cpp") > 1.15 * file_average
    # a model released in no special format reads active × bits
    q4 = get_format("gguf-q4_k_m")
    assert weights_read_gb(LLAMA3_8B, q4, "llama.cpp") == pytest.approx(8.03 * q4.bytes_per_param)
    assert native_split(MIXTRAL, q4, "llama.cpp") is None


def test_moe_routing_is_fitted_per_platform_and_falls_back_to_all_rows() -> None:
    consts = constants()
    assert {"nvidia", "apple"} <= set(consts.moe_by_platform)
    assert consts.moe_layer("llama.cpp/nvidia-hbm") == consts.moe_by_platform["nvidia"]
    assert consts.moe_layer("llama.cpp/apple-m1") == consts.moe_by_platform["apple"]
    assert consts.moe_layer("server/amd-hbm") == consts.moe_by_platform["nvidia"]  # AMD: its sibling's
    assert consts.moe_layer("llama.cpp/riscv") == (consts.moe_layer_s, consts.moe_drift_s, consts.moe_points)


def test_all_reduce_cost_grows_with_the_gpus_it_spans_at_a_fitted_rate() -> None:
    assert allreduce_s(1, 1.0) == 0.0
    assert allreduce_s(2, 5.0) == TP_ALLREDUCE_S  # the two-GPU cost is the reference
    assert allreduce_s(8, 1.0) == pytest.approx(3 * TP_ALLREDUCE_S)  # two doublings beyond two GPUs
    consts = constants()
    assert consts.allreduce_growth > 0 and consts.allreduce_points > 0  # fitted on published TP4/TP8 sweeps
    h100 = DeviceSpec.custom(80, 3350, kind="datacenter-gpu", fp16_tflops=989.4, name="H100 SXM")
    fitted = estimate(LLAMA3_70B, h100, count=8, runtime="vllm", context=2048, concurrency=32)
    flat = estimate(
        LLAMA3_70B,
        h100,
        count=8,
        runtime="vllm",
        context=2048,
        concurrency=32,
        fitted=replace(consts, allreduce_growth=0.0),
    )
    assert fitted.throughput_tokens_per_s < flat.throughput_tokens_per_s
    assert any("all-reduces per layer" in line for line in fitted.basis)


def test_a_group_fitted_on_one_or_two_rows_states_a_wide_range() -> None:
    strix = DeviceSpec.custom(128, 256, vendor="amd", name="Ryzen AI Max+ 395")  # llama.cpp/amd: one published row
    est = estimate(LLAMA3_8B, strix, context=4096)
    low, high = est.decode_range
    assert est.calibrated and high / est.decode_tokens_per_s - 1 >= 0.35 - 1e-9
    assert any("fitted on only 1 published measurement" in line for line in est.basis)
