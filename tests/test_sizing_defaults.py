"""Cost defaults: one place, each sourced, each overridable one named like its profile field."""

from __future__ import annotations

from llmpick.profile import CostAssumptions
from llmpick.sizing.cost import OVERRIDABLE, resolve_assumptions
from llmpick.sizing.defaults import cost_defaults, memory_defaults, memory_sources


def test_every_default_has_a_source_and_date() -> None:
    for d in cost_defaults().values():
        assert d.source.startswith("https://"), d.name
        assert d.as_of and d.note
    for name, url in memory_sources().items():
        assert url.startswith("https://"), name


def test_overridable_defaults_match_the_profile_fields() -> None:
    assert set(OVERRIDABLE) == set(CostAssumptions.model_fields)
    assert set(OVERRIDABLE) <= set(cost_defaults())


def test_profile_overrides_win_and_are_reported() -> None:
    a = resolve_assumptions(CostAssumptions(gpu_utilization=0.5, power_usd_per_kwh=0.3, redundancy=True))
    assert (a.gpu_utilization, a.power_usd_per_kwh, a.redundancy) == (0.5, 0.3, True)
    assert a.ops_staff_usd_per_month == cost_defaults()["ops_staff_usd_per_month"].value
    lines = a.describe()
    assert any(line.startswith("gpu_utilization = 50% (set in the profile)") for line in lines)
    assert any("ops_staff_usd_per_month" in line and "default" in line for line in lines)
    assert resolve_assumptions(None).gpu_utilization == cost_defaults()["gpu_utilization"].value


def test_memory_defaults_are_plausible() -> None:
    d = memory_defaults()
    assert 0.8 <= d["server_memory_fraction"] <= 0.95
    assert 0.6 <= d["apple_gpu_fraction_small"] < d["apple_gpu_fraction_large"] <= 0.8
