"""Fine-tuning kit (LoRA / QLoRA): a TRL `trl sft` config with PEFT adapters, sized as llmpick sized the run.

The values come from the recommendation's training plan when it carries one, otherwise from the assumptions
llmpick's fine-tuning estimate checked the route's hardware with (``llmpick.sizing.finetune``): adapters of rank
about 16, 512 tokens per example, micro-batch 1, gradient checkpointing, 3 epochs.
"""

from __future__ import annotations

from typing import Any

import yaml

from llmpick.deploy.kit import Context, Part, Target, kit_part

TRL_DOCS = "https://huggingface.co/docs/trl/en/sft_trainer"
SIZING = "llmpick's fine-tuning estimate (llmpick.sizing.finetune), which checked the route's GPUs with it"
DEFAULTS = {"rank": 16, "sequence_length": 512, "micro_batch": 1, "epochs": 3, "gradient_checkpointing": True}


@kit_part("finetune")
def build(ctx: Context) -> Part | None:
    if ctx.precision not in ("lora", "qlora"):
        return None
    target = next((t for t in ctx.targets if t.is_private), None) or (ctx.targets[0] if ctx.targets else None)
    if target is None:
        return None
    plan = _plan(ctx, target)
    part = Part(
        "finetune",
        f"{ctx.precision.upper() if ctx.precision == 'qlora' else 'LoRA'} fine-tuning (TRL + PEFT)",
        "finetune",
    )

    def value(key: str, name: str) -> Any:
        part.set(name, plan[key][0], plan[key][1])
        return plan[key][0]

    repo = target.model.hf_repo if target.model else target.model_id
    config: dict[str, Any] = {
        "model_name_or_path": part.set("model_name_or_path", repo, "catalog `hf_repo`"),
        "dataset_name": "data/train.jsonl",
        "output_dir": f"adapters/{target.model_id}",
        "use_peft": True,
        "lora_r": value("rank", "lora_r"),
        "lora_alpha": 2 * plan["rank"][0],
        "lora_dropout": 0.05,
        "lora_target_modules": "all-linear",
        "per_device_train_batch_size": value("micro_batch", "per_device_train_batch_size"),
        "gradient_accumulation_steps": 16,
        "max_length": value("sequence_length", "max_length (tokens per example)"),
        "gradient_checkpointing": value("gradient_checkpointing", "gradient_checkpointing"),
        "num_train_epochs": value("epochs", "num_train_epochs"),
        "learning_rate": 2.0e-4,
        "bf16": True,
        "logging_steps": 10,
        "save_strategy": "epoch",
    }
    part.set("lora_alpha", config["lora_alpha"], "2 × rank, the LoRA paper's usual scaling")
    part.set("lora_target_modules", "all-linear", "adapters on every linear layer, as the memory estimate assumes")
    if ctx.precision == "qlora":
        config.update({"load_in_4bit": True, "bnb_4bit_quant_type": "nf4", "use_bnb_nested_quant": True})
        part.set(
            "load_in_4bit / nf4 / nested quant",
            "true / nf4 / true",
            "precision `qlora`: NF4 with double quantisation (QLoRA paper)",
        )
    hardware = f"{target.route.get('hardware_count') or 1} × {target.route.get('hardware') or 'GPU'}"
    part.set("hardware", hardware, target.field("hardware") + " / `hardware_count`")
    part.files["sft.yaml"] = (
        f"# TRL supervised fine-tuning with PEFT adapters for {target.model_id} on {hardware} — see README.md.\n"
        f'# Docs: {TRL_DOCS}. Data: data/train.jsonl, one {{"messages": [...]}} conversation per line.\n'
        + yaml.safe_dump(config, sort_keys=False)
    )
    part.files["train.sh"] = (
        "#!/usr/bin/env bash\n# pip install trl peft" + (" bitsandbytes" if ctx.precision == "qlora" else "") + "\n"
        'set -euo pipefail\ncd "$(dirname "$0")"\nexec trl sft --config sft.yaml\n'
    )
    part.executable.add("train.sh")
    part.steps = [
        "Put your labelled examples in `finetune/data/train.jsonl` (chat messages per line).",
        f"`bash {part.folder}/train.sh` on {hardware}; the adapter lands in `finetune/adapters/`.",
        "Serve it with the base model (vLLM kit: `--enable-lora`, `--lora-modules NAME=finetune/adapters/…`).",
    ]
    part.notes.append(
        "gradient_accumulation_steps 16, learning_rate 2e-4, lora_dropout 0.05: common starting "
        f"points in the TRL/PEFT guides ({TRL_DOCS}), to tune on your data."
    )
    return part


def _plan(ctx: Context, target: Target) -> dict[str, tuple[Any, str]]:
    raw = ctx.rec.get("training_plan") or target.route.get("training_plan") or target.route.get("fine_tuning") or {}
    raw = raw if isinstance(raw, dict) else {}
    names = {
        "rank": ("lora_rank", "rank"),
        "sequence_length": ("sequence_length", "max_length", "tokens_per_example"),
        "micro_batch": ("micro_batch", "batch_size"),
        "epochs": ("epochs",),
        "gradient_checkpointing": ("gradient_checkpointing",),
    }
    out: dict[str, tuple[Any, str]] = {}
    for key, keys in names.items():
        found = next(((k, raw[k]) for k in keys if raw.get(k) is not None), None)
        out[key] = (found[1], f"training plan `{found[0]}`") if found else (DEFAULTS[key], SIZING)
    return out
