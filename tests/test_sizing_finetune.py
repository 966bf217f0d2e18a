"""Fine-tuning memory: full ≈ 16 bytes/param with Adam mixed precision, LoRA, QLoRA."""

from __future__ import annotations

import pytest

from llmpick.errors import EstimateError
from llmpick.sizing.finetune import finetune_estimate, hardware_that_can_finetune
from llmpick.sizing.specs import DeviceSpec, ModelSpec

LLAMA3_8B = ModelSpec.custom(8.03, layers=32, hidden_size=4096, attention_heads=32, kv_heads=8, head_dim=128)
H100 = DeviceSpec.custom(80, 3350, kind="datacenter-gpu", fp16_tflops=989, name="H100")
RTX = DeviceSpec.custom(24, 1008, fp16_tflops=330.3, name="RTX 4090")
G = 1e9 / 2**30  # memory in GiB, the unit GPU memory is sold in
ACTIVATIONS = 512 * 4096 * (2 * 32 + 34) / 2**30  # tokens × hidden × (2 B per layer checkpoint + one layer's 34 B)


def test_full_fine_tuning_is_16_bytes_per_parameter_sharded() -> None:
    one = finetune_estimate(LLAMA3_8B, H100, method="full")
    assert one.breakdown["weights and optimizer states"] == pytest.approx(8.03 * 16 * G)  # 119.7 GiB
    assert one.memory_gb == pytest.approx(8.03 * 16 * G + ACTIVATIONS + 1.0)
    assert not one.fits and one.devices_needed == 2
    two = finetune_estimate(LLAMA3_8B, H100, method="full", count=2)
    assert two.fits and two.breakdown["weights and optimizer states"] == pytest.approx(8.03 * 8 * G)


def test_lora_keeps_bf16_weights_and_small_adapters() -> None:
    est = finetune_estimate(LLAMA3_8B, RTX, method="lora")
    assert est.breakdown["frozen weights"] == pytest.approx(8.03 * 2 * G)
    assert est.breakdown["adapters (weights, gradients, Adam)"] == pytest.approx(8.03 * 0.005 * 16 * G)
    assert est.fits  # ≈ 16.6 GiB on 24 GiB


def test_qlora_fits_a_small_gpu() -> None:
    est = finetune_estimate(LLAMA3_8B, DeviceSpec.custom(8, 448), method="qlora")
    assert est.breakdown["frozen weights"] == pytest.approx(8.03 * 4.127 / 8 * G)
    assert est.memory_gb < 8 and est.fits


def test_time_from_flops_and_utilisation() -> None:
    est = finetune_estimate(LLAMA3_8B, H100, method="lora", examples=1000, tokens_per_example=512, epochs=3)
    assert est.hours == pytest.approx(6 * 8.03e9 * 1_536_000 / (989e12 * 0.30) / 3600)
    assert finetune_estimate(LLAMA3_8B, DeviceSpec.custom(24, 1008), method="lora").hours is None  # no TFLOPS


def test_bad_method_and_sizes() -> None:
    with pytest.raises(
        EstimateError, match="--method: unknown fine-tuning method 'dpo' \\(allowed: full, lora, qlora\\)"
    ):
        finetune_estimate(LLAMA3_8B, H100, method="dpo")
    with pytest.raises(EstimateError, match="--epochs"):
        finetune_estimate(LLAMA3_8B, H100, method="lora", epochs=0)


def test_which_hardware_can_do_it() -> None:
    results = hardware_that_can_finetune(LLAMA3_8B, "full", [H100, RTX, DeviceSpec.custom(8, 448, name="small")])
    ids = [r.device_id for r in results]
    assert "small" not in [r.device_id for r in results if r.devices_needed > 8]
    assert all(r.fits for r in results)
    assert results[0].hours is not None  # fastest first; devices without TFLOPS last
    assert len(ids) >= 1
