"""ModelSpec / DeviceSpec: validation, catalog conversion, the speed class a device belongs to."""

from __future__ import annotations

import datetime as dt

import pytest

from llmpick.catalog.schema import Hardware, HardwareKind, HardwareSpec, Source
from llmpick.errors import EstimateError
from llmpick.sizing.specs import DeviceSpec, ModelSpec


def hardware(**spec: float | None) -> Hardware:
    values = {"memory_gb": 24.0, "bandwidth_gb_s": 1008.0, "fp16_tflops": None, "tdp_w": 450.0} | spec
    return Hardware(
        id="test-gpu",
        name="Test GPU",
        vendor="nvidia",
        kind=HardwareKind.CONSUMER_GPU,
        sources={"s": Source(url="https://example.com/spec", as_of=dt.date(2026, 1, 1))},
        spec=HardwareSpec(source="s", **values),  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("params", "active", "message"),
    [
        (0, None, "--params-b"),
        (-3, None, "--params-b"),
        (8, 0, "--active-params-b"),
        (8, 9, "cannot exceed"),
    ],
)
def test_model_sizes_must_be_positive(params: float, active: float | None, message: str) -> None:
    with pytest.raises(EstimateError, match=message):
        ModelSpec.custom(params, active)


def test_moe_is_detected_from_active_parameters() -> None:
    assert ModelSpec.custom(46.7, 12.9).is_moe
    assert not ModelSpec.custom(8).is_moe


def test_device_sizes_must_be_positive() -> None:
    with pytest.raises(EstimateError, match="--memory-gb"):
        DeviceSpec.custom(0, 100)
    with pytest.raises(EstimateError, match="--bandwidth-gb-s"):
        DeviceSpec.custom(24, -1)
    with pytest.raises(EstimateError, match="--kind"):
        DeviceSpec.custom(24, 100, kind="tpu")


def test_from_hardware_uses_the_catalog_spec_and_a_memory_override() -> None:
    d = DeviceSpec.from_hardware(hardware(fp16_tflops=100.0), memory_gb=12)
    assert (d.memory_gb, d.bandwidth_gb_s, d.fp16_tflops, d.kind, d.platform) == (
        12,
        1008,
        100.0,
        "consumer-gpu",
        "nvidia",
    )


def test_speed_classes() -> None:
    assert DeviceSpec.custom(80, 3350, kind="datacenter-gpu").speed_class == "nvidia-hbm"
    assert DeviceSpec.custom(48, 864, kind="datacenter-gpu").speed_class == "nvidia"  # GDDR data-centre card (L40S)
    assert DeviceSpec.custom(64, 400, kind="apple", name="Apple M1 Max").speed_class == "apple-m1"
    assert DeviceSpec.custom(128, 546, kind="apple", name="Apple M4 Max").speed_class == "apple"
    assert DeviceSpec.custom(64, 90, kind="cpu").platform == "cpu"


def test_from_model_on_the_catalog() -> None:
    from llmpick.catalog.loader import load_builtin_catalog

    catalog = load_builtin_catalog()
    closed = [m for m in catalog.models.values() if m.parameters is None or m.parameters.total_b is None]
    for model in closed[:3]:
        assert ModelSpec.from_model(model) is None
    sized = [m for m in catalog.models.values() if m.parameters and m.parameters.total_b]
    if not sized:
        pytest.skip("no catalog model with a parameter count yet")
    spec = ModelSpec.from_model(sized[0])
    assert spec is not None and spec.params_b == sized[0].parameters.total_b  # type: ignore[union-attr]
    assert spec.active_params_b <= spec.params_b
