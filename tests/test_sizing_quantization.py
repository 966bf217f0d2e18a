"""The weight-format table: every format the issue names, realistic bits, sources, runtime support."""

from __future__ import annotations

import pytest

from llmpick.errors import EstimateError
from llmpick.sizing.quantization import by_quality, formats, get_format, kv_bytes_per_element, runtime_info

REQUIRED = [
    "fp32",
    "fp16",
    "bf16",
    "fp8",
    "int8",
    "awq-4bit",
    "gptq-4bit",
    "gguf-q8_0",
    "gguf-q6_k",
    "gguf-q5_k_m",
    "gguf-q4_k_m",
    "gguf-q4_0",
    "gguf-q3_k_m",
    "gguf-q2_k",
    "mlx-4bit",
    "mlx-8bit",
]


def test_every_format_the_issue_names_is_in_the_table_with_a_source() -> None:
    table = formats()
    for fid in REQUIRED:
        assert fid in table
        assert table[fid].source_url.startswith("https://")


@pytest.mark.parametrize(
    ("fid", "lo", "hi"),
    [
        ("fp16", 16, 16),
        ("fp32", 32, 32),
        ("gguf-q8_0", 8.5, 8.5),
        ("gguf-q6_k", 6.5, 6.6),
        ("gguf-q5_k_m", 5.6, 5.75),
        ("gguf-q4_k_m", 4.8, 4.95),
        ("gguf-q4_0", 4.5, 4.7),
        ("gguf-q3_k_m", 3.85, 4.05),
        ("gguf-q2_k", 2.95, 3.2),
        ("mlx-4bit", 4.5, 4.5),
        ("awq-4bit", 4.15, 5.0),
    ],
)
def test_bits_per_weight_are_whole_file_figures(fid: str, lo: float, hi: float) -> None:
    # llama.cpp's table for Llama-3.1-8B: Q4_K_M 4.89, Q8_0 8.50, Q6_K 6.56, Q5_K_M 5.70, Q2_K 3.16 bits/weight
    assert lo <= get_format(fid).bits_per_weight <= hi


def test_unknown_format_names_the_option_and_the_allowed_values() -> None:
    with pytest.raises(EstimateError, match=r"--quantization: unknown format 'q4'.*gguf-q4_k_m"):
        get_format("q4")


def test_quality_order_follows_the_issue() -> None:
    order = [
        f.id
        for f in by_quality(
            [
                "gguf-q2_k",
                "gguf-q4_0",
                "awq-4bit",
                "gguf-q4_k_m",
                "gguf-q5_k_m",
                "gguf-q6_k",
                "gguf-q8_0",
                "bf16",
                "fp32",
                "gguf-q3_k_m",
            ]
        )
    ]
    assert order[0] == "bf16" and order[-1] == "fp32"
    assert order.index("gguf-q8_0") < order.index("gguf-q6_k") < order.index("gguf-q5_k_m") < order.index("gguf-q4_k_m")
    assert order.index("gguf-q4_k_m") < order.index("awq-4bit") < order.index("gguf-q4_0") < order.index("gguf-q3_k_m")
    assert order.index("gguf-q3_k_m") < order.index("gguf-q2_k")


def test_below_4bit_flags_only_the_3_and_2_bit_gguf_types() -> None:
    assert {f for f, q in formats().items() if q.below_4bit} == {"gguf-q3_k_m", "gguf-q2_k", "gguf-iq3_m", "gguf-iq2_m"}


def test_kv_precisions() -> None:
    assert kv_bytes_per_element("fp16") == 2.0
    assert kv_bytes_per_element("fp8") == 1.0
    with pytest.raises(EstimateError, match="--kv-precision"):
        kv_bytes_per_element("int3")


def test_runtime_defaults_and_engines() -> None:
    assert runtime_info("llama-cpp").default_format == "gguf-q4_k_m"
    assert runtime_info("ollama").engine == "llama.cpp"
    assert runtime_info("mlx-lm").default_format == "mlx-4bit"
    assert runtime_info("vllm").engine == "server"
    assert runtime_info("vllm").multi_gpu == "tensor-parallel"
    with pytest.raises(EstimateError, match="--runtime: unknown runtime 'vlm'"):
        runtime_info("vlm")


def test_mxfp4_is_offered_only_to_models_released_in_it() -> None:
    from llmpick.sizing.quantization import by_quality, formats_for

    ids = ["bf16", "gguf-q4_k_m", "mxfp4", "gguf-q3_k_m"]
    assert "mxfp4" not in [f.id for f in by_quality(ids)]
    assert "mxfp4" not in [f.id for f in formats_for("llama-3.1-8b-instruct", ids)]
    assert [f.id for f in formats_for("gpt-oss-120b", ids)][0] == "mxfp4"


def test_common_spellings_map_to_format_and_kv_ids() -> None:
    from llmpick.sizing.ids import normalize_kv, normalize_quant, normalize_runtime

    assert [normalize_quant(q) for q in ("Q4_K_M", "q4-k-m", "FP8", "MXFP4", "awq", "IQ3_M", "bfloat16")] == [
        "gguf-q4_k_m",
        "gguf-q4_k_m",
        "fp8",
        "mxfp4",
        "awq-4bit",
        "gguf-iq3_m",
        "bf16",
    ]
    assert [normalize_runtime(r) for r in ("llama.cpp", "vLLM", "LM Studio", "TensorRT-LLM")] == [
        "llama-cpp",
        "vllm",
        "lm-studio",
        "tensorrt-llm",
    ]
    assert normalize_kv("FP8_E4M3") == "fp8"
    with pytest.raises(EstimateError, match="did you mean"):
        normalize_kv("fp9")
