"""Memory formulas pinned on hand-checked cases."""

from __future__ import annotations

import math

import pytest

from llmpick.sizing import memory as mem
from llmpick.sizing.quantization import get_format, runtime_info
from llmpick.sizing.specs import DeviceSpec, ModelSpec
from tests.sizing_specs import LLAMA3_8B, LLAMA3_70B

G = 1e9 / 2**30  # decimal GB → GiB (memory figures are in GiB, the unit GPU memory is sold in)
RTX_4090 = DeviceSpec.custom(24, 1008, fp16_tflops=330.3, name="RTX 4090")
LLAMA_CPP = runtime_info("llama-cpp")


def test_weights_8b_at_q4_k_m_and_fp16() -> None:
    assert mem.weights_gb(8.03, get_format("gguf-q4_k_m")) == pytest.approx(
        8.03 * 4.86 / 8 * G
    )  # 4.54 GiB (file: 4.58)
    assert mem.weights_gb(8.03, get_format("fp16")) == pytest.approx(14.957, abs=1e-3)  # llama.cpp: 14.96 GiB


def test_gqa_kv_cache_of_llama_3_8b() -> None:
    # 32 layers × 2 (K, V) × 8 KV heads × 128 dims × 2 bytes = 131,072 bytes per token
    layout = mem.kv_layout(LLAMA3_8B)
    assert layout.bytes_per_sequence(1) == 131072
    assert mem.kv_cache_gb(LLAMA3_8B, 4096) == pytest.approx(0.5)  # 512 MiB
    assert mem.kv_cache_gb(LLAMA3_8B, 4096, concurrency=4, kv_precision="fp8") == pytest.approx(1.0)


def test_mha_and_mqa_kv_heads() -> None:
    mha = ModelSpec.custom(6.74, layers=32, attention_heads=32, hidden_size=4096)  # Llama 2 7B: K,V for every head
    assert mem.kv_layout(mha).bytes_per_sequence(1) == 32 * 2 * 32 * 128 * 2
    mqa = ModelSpec.custom(7, layers=32, attention_heads=71, head_dim=64, attention="mqa")  # Falcon 7B
    assert mem.kv_layout(mqa).bytes_per_sequence(1) == 32 * 2 * 1 * 64 * 2


def test_mla_kv_cache_is_the_compressed_latent() -> None:
    # DeepSeek-V3: 61 layers × (512 latent + 64 RoPE) × 2 bytes = 70,272 bytes per token (vs ~4.9 MB for MHA)
    mla = ModelSpec.custom(
        671,
        37,
        layers=61,
        attention_heads=128,
        kv_heads=128,
        head_dim=128,
        attention="mla",
        kv_lora_rank=512,
        qk_rope_head_dim=64,
    )
    assert mem.kv_layout(mla).bytes_per_sequence(1) == 61 * 576 * 2


def test_sliding_window_layers_stop_growing_past_the_window() -> None:
    model = ModelSpec.custom(
        9, layers=40, attention_heads=16, kv_heads=8, head_dim=128, sliding_window=4096, sliding_window_layers=20
    )
    per_layer = 2 * 8 * 128 * 2
    layout = mem.kv_layout(model)
    assert layout.bytes_per_sequence(2048) == per_layer * 40 * 2048  # inside the window: every layer grows
    assert layout.bytes_per_sequence(32768) == per_layer * (20 * 32768 + 20 * 4096)
    # the inverse agrees with the forward formula on both sides of the window
    for tokens in (1000, 4096, 50000):
        budget = layout.bytes_per_sequence(tokens)
        assert layout.tokens_for_budget(budget) == tokens


def test_unknown_architecture_falls_back_to_a_llama_like_cache() -> None:
    layout = mem.kv_layout(ModelSpec.custom(8))
    assert layout.bytes_per_sequence(1) == pytest.approx(131072)
    assert "architecture not in the catalog" in layout.description


def test_8b_q4_fits_a_24_gib_card_and_fp16_long_context_does_not() -> None:
    q4 = mem.memory_fit(LLAMA3_8B, get_format("gguf-q4_k_m"), RTX_4090, LLAMA_CPP, context=4096)
    assert q4.available_gb == pytest.approx(24)
    assert q4.overhead_gb == pytest.approx(0.6 + 0.02 * q4.weights_gb)
    assert q4.fits
    fp16_long = mem.memory_fit(LLAMA3_8B, get_format("fp16"), RTX_4090, LLAMA_CPP, context=131072)
    assert fp16_long.kv_cache_gb == pytest.approx(16.0)
    assert not fp16_long.fits
    # the longest context that does fit: (24 − 14.96 − 0.6 − 0.30) GiB ÷ 131,072 B per token
    weights = 16.06 * G
    budget = 24 - weights - 0.6 - 0.02 * weights
    assert mem.max_context(fp16_long, LLAMA3_8B) == math.floor(budget * 2**30 / 131072) == 66714
    assert mem.max_concurrency(fp16_long, 8192) == math.floor(budget * 2**30 / (131072 * 8192))


def test_70b_on_two_gpus_with_vllm_tensor_parallel() -> None:
    h100 = DeviceSpec.custom(80, 3350, kind="datacenter-gpu", fp16_tflops=989)
    vllm = runtime_info("vllm")
    one = mem.memory_fit(LLAMA3_70B, get_format("bf16"), h100, vllm, count=1, context=4096)
    two = mem.memory_fit(LLAMA3_70B, get_format("bf16"), h100, vllm, count=2, context=4096)
    assert not one.fits
    assert two.available_gb == pytest.approx(0.9 * 160)  # vLLM's --gpu-memory-utilization 0.9
    assert two.weights_gb == pytest.approx(141.1 * G)  # 131.4 GiB (llama.cpp: 131.43 GiB for F16)
    assert two.overhead_gb == pytest.approx(2 * 1.5 + 0.02 * 141.1 * G)
    assert two.fits


def test_moe_keeps_every_expert_in_memory() -> None:
    mixtral = ModelSpec.custom(46.7, 12.9, layers=32, attention_heads=32, kv_heads=8, head_dim=128)
    fit = mem.memory_fit(mixtral, get_format("gguf-q4_k_m"), RTX_4090, LLAMA_CPP)
    assert fit.weights_gb == pytest.approx(46.7 * 4.86 / 8 * G)
    assert not fit.fits


def test_apple_usable_memory_is_the_gpu_wired_limit() -> None:
    mac = DeviceSpec.custom(64, 400, kind="apple", name="M1 Max")
    small = DeviceSpec.custom(16, 120, kind="apple", name="M4")
    assert mem.available_gb(LLAMA_CPP, mac, 1) == pytest.approx(64 * 0.75)
    assert mem.available_gb(LLAMA_CPP, small, 1) == pytest.approx(16 * 0.667)
