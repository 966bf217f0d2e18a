"""Measured decode speeds: what `llmpick eval` saw on a known hardware/runtime/model, shown next to estimates.

A small JSON file in the user data folder (or $LLMPICK_MEASURED_DECODE), written atomically.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def decode_file() -> Path:
    """Where measured decode speeds live: $LLMPICK_MEASURED_DECODE, else the user data folder."""
    override = os.environ.get("LLMPICK_MEASURED_DECODE")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("llmpick")) / "measured_decode.json"


def _key(hardware_id: str, runtime: str, model_id: str) -> str:
    return f"{hardware_id}|{runtime}|{model_id}"


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (FileNotFoundError, ValueError):
        return {}


def record_decode(
    hardware_id: str,
    runtime: str,
    model_id: str,
    tokens_per_s: float,
    *,
    suite: str = "",
    measured_at: str = "",
    path: Path | None = None,
) -> None:
    path = path or decode_file()
    data = _read(path)
    data[_key(hardware_id, runtime, model_id)] = {
        "tokens_per_s": round(tokens_per_s, 2),
        "suite": suite,
        "measured_at": measured_at,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def measured_decode(hardware_id: str, runtime: str, model_id: str, path: Path | None = None) -> float | None:
    """The last measured single-stream decode speed (tokens/s) of this model on this hardware and runtime."""
    entry = _read(path or decode_file()).get(_key(hardware_id, runtime, model_id))
    return float(entry["tokens_per_s"]) if entry else None
