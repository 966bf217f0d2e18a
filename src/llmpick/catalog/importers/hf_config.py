"""Architecture from Hugging Face ``config.json`` files of the official repos: ``hf/<org>/<repo>/config.json`` in
the refresh folder, for models whose ``hf_repo`` names that repo (imported records only; curated facts win)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from llmpick.catalog.importers import Context, source


def run(folder: Path | None, ctx: Context) -> None:
    root = folder / "hf" if folder else None
    if root is None or not root.is_dir():
        return
    for model_id in ctx.enrichable():
        record = ctx.models.get(model_id) or ctx.catalog.models[model_id].model_dump(mode="json")
        repo = record.get("hf_repo")
        path = root / str(repo) / "config.json" if repo else None
        if path is None or not path.is_file():
            continue
        config = json.loads(path.read_text(encoding="utf-8"))
        arch = architecture(config)
        if arch:
            record = ctx.editable(model_id)
            record["sources"]["config"] = source(f"https://huggingface.co/{repo}/blob/main/config.json", ctx.today)
            record["architecture"] = arch | {"source": "config"}


def architecture(config: dict[str, Any]) -> dict[str, Any]:
    """The sizing figures of a transformers config (text_config for multimodal models)."""
    cfg = config.get("text_config") or config
    heads = cfg.get("num_attention_heads")
    kv = cfg.get("num_key_value_heads") or heads
    out: dict[str, Any] = {
        "layers": cfg.get("num_hidden_layers"),
        "hidden_size": cfg.get("hidden_size"),
        "attention_heads": heads,
        "kv_heads": kv,
        "head_dim": cfg.get("head_dim")
        or (cfg["hidden_size"] // heads if heads and cfg.get("hidden_size") and not cfg.get("kv_lora_rank") else None),
        "experts": cfg.get("num_local_experts") or cfg.get("num_experts") or cfg.get("n_routed_experts"),
        "experts_per_token": cfg.get("num_experts_per_tok"),
    }
    if cfg.get("kv_lora_rank"):
        out |= {
            "attention": "mla",
            "kv_lora_rank": cfg["kv_lora_rank"],
            "qk_rope_head_dim": cfg.get("qk_rope_head_dim"),
        }
    elif heads and kv:
        out["attention"] = "mha" if kv == heads else ("mqa" if kv == 1 else "gqa")
    if cfg.get("sliding_window"):
        out["sliding_window"] = cfg["sliding_window"]
    return {k: v for k, v in out.items() if v is not None}
