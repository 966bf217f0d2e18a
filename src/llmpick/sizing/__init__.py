"""Sizing: will a model fit, how fast will it answer, how many GPUs does the traffic need, what does it cost.

Modules:

- :mod:`~llmpick.sizing.quantization` — weight formats and their bits per weight (sourced data file).
- :mod:`~llmpick.sizing.specs` — :class:`ModelSpec` and :class:`DeviceSpec`, from the catalog or custom.
- :mod:`~llmpick.sizing.memory` — weights, KV cache, runtime overhead; largest context and concurrency.
- :mod:`~llmpick.sizing.speed` — decode/prefill tokens per second, time to first token, batched throughput;
  :func:`estimate` and :func:`best_fit`.
- :mod:`~llmpick.sizing.calibrate` — fits the speed constants on published measurements (calibration.yaml).
- :mod:`~llmpick.sizing.capacity` — GPU sets a workload needs.
- :mod:`~llmpick.sizing.cost` — monthly cost of API, self-hosted and local routes; cost curves; break-even.
- :mod:`~llmpick.sizing.finetune` — memory and time of full fine-tuning, LoRA and QLoRA.
- :mod:`~llmpick.sizing.defaults` — the cost defaults (utilization, staff, amortisation, power), sourced.
"""

from __future__ import annotations

from llmpick.sizing.specs import DeviceSpec, ModelSpec
from llmpick.sizing.speed import Estimate, best_fit, estimate

__all__ = ["DeviceSpec", "Estimate", "ModelSpec", "best_fit", "estimate"]
