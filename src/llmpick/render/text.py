"""Small formatting helpers shared by the renderers, so every view says numbers the same way."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing llmpick.engine would load the whole engine for `llmpick decisions --help`
    from llmpick.engine.result import Route


def money(value: float | None) -> str:
    if value is None:
        return "unknown"
    if value < 10:
        return f"${value:,.2f}"
    return f"${value:,.0f}"


def speed(value: float | None) -> str:
    return "unknown" if value is None else f"{value:,.0f} tok/s"


def where(route: Route) -> str:
    """provider, or runtime on hardware: 'vllm on 2× h100-sxm-80gb'."""
    if route.provider:
        return route.provider
    hardware = ""
    if route.hardware:
        count = f"{route.hardware_count}× " if route.hardware_count and route.hardware_count > 1 else ""
        hardware = f" on {count}{route.hardware}"
    quant = f" ({route.quantization})" if route.quantization else ""
    return f"{route.runtime or '?'}{hardware}{quant}"
