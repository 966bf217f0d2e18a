"""When the precision strategy fine-tunes: can the route's own hardware train the model, and roughly how long?"""

from __future__ import annotations

from llmpick.engine.candidates import Candidate
from llmpick.engine.result import Route
from llmpick.profile import Profile
from llmpick.sizing.finetune import finetune_estimate
from llmpick.sizing.specs import DeviceSpec, ModelSpec

METHODS = {"lora": "lora", "qlora": "qlora", "full-fine-tune": "full", "pretrain": "full"}
NAMES = {"lora": "LoRA", "qlora": "QLoRA", "full": "Full"}


def add_fine_tuning_fit(route: Route, candidate: Candidate, choice: str, profile: Profile) -> None:
    """A reason when the route's GPUs can fine-tune the model, a caveat when they cannot (or it is not known)."""
    method = METHODS.get(choice)
    if method is None:
        return
    if candidate.deployment not in ("local", "self-hosted") or candidate.hardware is None:
        route.caveats.append(
            f"the {choice} step needs GPUs of your own or a vendor fine-tuning service; this route only serves the model"
        )
        return
    spec = ModelSpec.from_model(candidate.model)
    if spec is None:
        route.caveats.append(f"{choice}: the model's size is not in the catalog, so fine-tuning memory is unknown")
        return
    memory = (
        profile.infrastructure.device.memory_gb
        if profile.infrastructure.device and candidate.deployment == "local"
        else None
    )
    device = DeviceSpec.from_hardware(candidate.hardware, memory_gb=memory)
    examples = max(profile.domain.labeled_examples, 1)
    est = finetune_estimate(spec, device, method=method, count=candidate.hardware_count or 1, examples=examples)
    where = f"{candidate.hardware_count or 1}× {candidate.hardware.id}"
    if est.fits:
        hours = f", roughly {est.hours:,.1f} h for {examples:,} examples × 3 epochs" if est.hours is not None else ""
        route.reasons.append(f"{NAMES[method]} fine-tuning fits {where} ({est.memory_gb:.0f} GB per GPU{hours})")
    else:
        need = f"; {est.devices_needed} would" if est.devices_needed else ""
        route.caveats.append(
            f"{NAMES[method]} fine-tuning needs {est.memory_gb:.0f} GB per GPU and does not fit {where}{need}"
        )
