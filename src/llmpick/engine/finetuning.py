"""When the precision strategy fine-tunes: a training plan for each route — where it trains (the route's own
GPUs, or GPUs rented for the run), how much memory per GPU, roughly how long and what it costs.

A route whose model cannot be trained anywhere the profile allows ranks below routes that can (recommend.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from llmpick.engine.candidates import SELF_RUN, Candidate, device_of, spec_of
from llmpick.engine.result import Route, TrainingPlan
from llmpick.profile import Profile, Residency
from llmpick.sizing.cost import pick_rent
from llmpick.sizing.finetune import FinetuneEstimate, finetune_estimate, hardware_that_can_finetune

if TYPE_CHECKING:
    from llmpick.engine.evaluation import Run

METHODS = {"lora": "lora", "qlora": "qlora", "full-fine-tune": "full", "pretrain": "full"}
NAMES = {"lora": "LoRA", "qlora": "QLoRA", "full": "Full"}
EPOCHS = 3
TOKENS_PER_EXAMPLE = 512


@dataclass(frozen=True)
class Plan:
    feasible: bool
    out: TrainingPlan | None
    note: str


def training_plan(candidate: Candidate, choice: str, profile: Profile, run: Run) -> Plan:
    """Where and how this route's model is trained for the strategy `choice`."""
    method = METHODS.get(choice)
    if method is None:
        return Plan(True, None, "")
    if candidate.deployment not in SELF_RUN or candidate.hardware is None:
        if candidate.model.fine_tuning and candidate.model.fine_tuning.vendor_api:
            return Plan(True, TrainingPlan(method=method, where="vendor fine-tuning service"), "")
        return Plan(False, None, f"the {choice} step needs weights you train yourself or a vendor fine-tuning service")
    spec = spec_of(candidate.model)
    if spec is None:
        return Plan(False, None, f"{choice}: the model's size is not in the catalog, so training memory is unknown")
    examples = max(profile.domain.labeled_examples, 1)
    memory = (
        profile.infrastructure.device.memory_gb
        if profile.infrastructure.device and candidate.deployment == "local"
        else None
    )
    own = finetune_estimate(
        spec,
        device_of(candidate.hardware, memory),
        method=method,
        count=candidate.hardware_count or 1,
        examples=examples,
        tokens_per_example=TOKENS_PER_EXAMPLE,
        epochs=EPOCHS,
    )
    if own.fits:
        where = "the route's own GPUs" if candidate.acquisition != "rented" else "the route's rented GPUs"
        cost = _rent_cost(own, candidate.hardware, profile, run) if candidate.acquisition == "rented" else None
        return Plan(True, _plan(own, where, cost), "")
    on_premises = profile.data.residency is Residency.ON_PREMISES or profile.data.air_gapped
    if on_premises:
        return Plan(
            False,
            _plan(own, "nowhere the profile allows", None),
            f"{NAMES[method]} needs {own.memory_gb:.0f} GB per GPU and does not fit {candidate.hardware_count or 1}× "
            f"{candidate.hardware.id}; the data must stay on premises, so GPUs cannot be rented for it",
        )
    rentable = [run.catalog.hardware[h] for h in run.policy.hardware.rentable if h in run.catalog.hardware]
    options = hardware_that_can_finetune(
        spec,
        method,
        [device_of(h) for h in rentable],
        examples=examples,
        tokens_per_example=TOKENS_PER_EXAMPLE,
        epochs=EPOCHS,
    )
    priced = []
    for est in options:
        hardware = run.catalog.hardware[est.device_id or ""]
        cost = _rent_cost(est, hardware, profile, run)
        if cost is not None:
            priced.append((cost, est))
    if not priced:
        return Plan(
            False,
            _plan(own, "nowhere in the catalog", None),
            f"no rentable GPU set in the catalog can {choice} {candidate.model.id}",
        )
    cost, est = min(priced, key=lambda p: p[0])
    return Plan(True, _plan(est, f"rented for the run: {est.count}× {est.device_id}", cost), "")


def _rent_cost(est: FinetuneEstimate, hardware: object, profile: Profile, run: Run) -> float | None:
    if est.hours is None:
        return None
    quote, _ = pick_rent(hardware, profile.infrastructure.cloud, False)  # type: ignore[arg-type]
    if quote is None:
        return None
    return round(est.hours * est.count * quote.usd_per_gpu_hour, 2)


def _plan(est: FinetuneEstimate, where: str, cost: float | None) -> TrainingPlan:
    return TrainingPlan(
        method=est.method,
        where=where,
        hardware=est.device_id,
        count=est.count,
        memory_gb_per_gpu=round(est.memory_gb, 1),
        hours=round(est.hours, 2) if est.hours is not None else None,
        cost_usd=cost,
        epochs=EPOCHS,
        tokens_per_example=TOKENS_PER_EXAMPLE,
    )


def add_fine_tuning_fit(route: Route, candidate: Candidate, choice: str, profile: Profile, run: Run) -> None:
    """The route's training plan, with a reason when it can be trained and a caveat when it cannot."""
    plan = training_plan(candidate, choice, profile, run)
    route.training = plan.out
    if not plan.feasible:
        route.caveats.append(plan.note)
        return
    if plan.out is None or plan.out.hardware is None:
        return
    out = plan.out
    hours = (
        f", roughly {out.hours:,.1f} h for {max(profile.domain.labeled_examples, 1):,} examples × {EPOCHS} epochs"
        if out.hours is not None
        else ""
    )
    cost = f", about ${out.cost_usd:,.0f} of GPU time" if out.cost_usd is not None else ""
    route.reasons.append(
        f"{NAMES[out.method]} fine-tuning on {out.where} ({out.memory_gb_per_gpu:.0f} GB per GPU{hours}{cost})"
    )
