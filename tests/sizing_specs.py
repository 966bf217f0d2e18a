"""Model shapes the sizing tests share: hand-checked architecture figures, pinned so the formulas' tests
do not move when the catalog does (Llama 3 8B and 70B from their model configs)."""

from __future__ import annotations

from llmpick.sizing.specs import ModelSpec

LLAMA3_8B = ModelSpec(
    id="llama-3-8b",
    params_b=8.03,
    active_params_b=8.03,
    layers=32,
    hidden_size=4096,
    attention_heads=32,
    kv_heads=8,
    head_dim=128,
    attention="gqa",
    context_window=131072,
)
LLAMA3_70B = ModelSpec(
    id="llama-3-70b",
    params_b=70.55,
    active_params_b=70.55,
    layers=80,
    hidden_size=8192,
    attention_heads=64,
    kv_heads=8,
    head_dim=128,
    attention="gqa",
    context_window=131072,
)
