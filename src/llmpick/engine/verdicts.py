"""The framework's four verdicts: openness, task, precision & domain knowledge, deployment & speed.

Precision and speed follow from the profile alone (they shape which routes qualify); openness and
deployment follow from the best route that survives, with the profile facts that pushed it there.
"""

from __future__ import annotations

from llmpick.catalog.catalog import Catalog
from llmpick.engine.context import SpeedTarget
from llmpick.engine.policy import Policy
from llmpick.engine.result import (
    DeploymentVerdict,
    OpennessVerdict,
    PrecisionVerdict,
    SpeedVerdict,
    TaskVerdict,
)
from llmpick.engine.stages import Stage
from llmpick.profile import Level, Profile, Residency, Sensitivity


def precision_verdict(profile: Profile, policy: Policy, catalog: Catalog) -> PrecisionVerdict:
    """Prompting → RAG → LoRA/QLoRA → full fine-tuning → pre-training, from the domain section."""
    domain, custom, team = profile.domain, profile.customization, profile.team
    steps: list[str] = []
    reasons: list[str] = []
    if custom.train_from_scratch:
        reasons.append(
            "customization.train_from_scratch: pre-train a model of your own (needs an open-source model's training code and data)"
        )
        return PrecisionVerdict(choice="pretrain", steps=["pretrain", "full-fine-tune"], reasons=reasons)
    if domain.knowledge_base:
        steps.append("rag")
        reasons.append("domain.knowledge_base: ground answers in your documents with retrieval (RAG)")
        if domain.knowledge_changes == "often":
            reasons.append(
                "domain.knowledge_changes is often: RAG keeps answers current without retraining; fine-tuning would go stale"
            )
    tune = _tuning_step(profile, policy, catalog, reasons)
    if tune:
        steps.append(tune)
    if not steps:
        reasons.append(
            f"domain.expertise is {domain.expertise} with no knowledge base: a general model with good prompts is enough"
        )
        return PrecisionVerdict(choice="prompting", steps=["prompting"], reasons=reasons)
    if team.ml_expertise is Level.NONE and tune:
        reasons.append(
            "team.ml_expertise is none: fine-tuning needs ML skills — use a vendor's fine-tuning service or get help"
        )
    return PrecisionVerdict(choice=steps[-1], steps=steps, reasons=reasons)  # type: ignore[arg-type]


def _tuning_step(profile: Profile, policy: Policy, catalog: Catalog, reasons: list[str]) -> str | None:
    domain, custom = profile.domain, profile.customization
    examples = domain.labeled_examples
    rules = policy.fine_tuning
    if custom.custom_loss or custom.modify_architecture:
        reasons.append("customization asks for a custom loss or architecture: full fine-tuning of an open-source model")
        return "full-fine-tune"
    if domain.expertise != "expert":
        if domain.expertise == "moderate" and not domain.knowledge_base:
            reasons.append(
                "domain.expertise is moderate: start with prompting and add RAG over your material (the seed's moderate specialisation)"
            )
        return None
    if examples >= rules.full_min_examples and profile.team.ml_expertise is Level.STRONG:
        reasons.append(
            f"domain.expertise is expert with {examples:,} labeled examples and a strong ML team: full fine-tuning"
        )
        return "full-fine-tune"
    if examples >= rules.lora_min_examples:
        small_gpus = _small_gpu_memory(profile, catalog)
        method = "qlora" if small_gpus else "lora"
        why = " on the memory available (4-bit base weights)" if small_gpus else ""
        reasons.append(
            f"domain.expertise is expert with {examples:,} labeled examples: parameter-efficient fine-tuning ({method.upper()}){why}"
        )
        return method
    reasons.append(
        f"domain.expertise is expert but only {examples:,} labeled examples (fewer than {rules.lora_min_examples}): "
        "collect examples before fine-tuning; rely on RAG and careful prompting meanwhile"
    )
    return None


def _small_gpu_memory(profile: Profile, catalog: Catalog) -> bool:
    """QLoRA is the choice when the team's own GPUs total under 48 GB (a 7–8B model in 16-bit plus LoRA needs ~20–40 GB)."""
    total = 0.0
    for pool in profile.infrastructure.gpus:
        hw = catalog.hardware.get(pool.model)
        total += (hw.spec.memory_gb if hw else 0) * pool.count
    if profile.infrastructure.device:
        device = profile.infrastructure.device
        hw = catalog.hardware.get(device.model)
        total += device.memory_gb or (hw.spec.memory_gb if hw else 0)
    return 0 < total < 48


def speed_verdict(target: SpeedTarget) -> SpeedVerdict:
    """The run's speed target as a verdict: computed once (engine.context.speed_target), used everywhere."""
    ttft = f"; first token ≤ {target.ttft_s * 1000:g} ms" if target.ttft_s is not None else ""
    return SpeedVerdict(
        choice=target.tier,  # type: ignore[arg-type]
        reasons=[f"{target.reason} (≥ {target.min_tokens_per_s:g} tokens/s{ttft})"],
        source=target.source,
        min_tokens_per_s=target.min_tokens_per_s,
        ttft_ms=target.ttft_s * 1000 if target.ttft_s is not None else None,
    )


def task_verdict(profile: Profile, stages: list[Stage], pipeline: list[str]) -> TaskVerdict:
    tasks = [t.value for t in profile.tasks]
    reasons = []
    if len(stages) > 1:
        reasons.append(
            "the tasks need different kinds of model: combine them in a modular pipeline ("
            + " → ".join(s.name for s in sorted(stages, key=lambda s: s.position))
            + "), one model per stage"
        )
    else:
        reasons.append(f"one model serves {', '.join(tasks)}")
    if any(t in ("vision", "multimodal") for t in tasks):
        reasons.append("vision/multimodal: the model must accept images as input")
    return TaskVerdict(tasks=tasks, reasons=reasons, pipeline=pipeline)


def openness_verdict(profile: Profile, top_openness: str | None, top_name: str | None) -> OpennessVerdict:
    reasons: list[str] = []
    custom = profile.customization
    if any(custom.model_dump().values()):
        asked = [k for k, v in custom.model_dump().items() if v]
        reasons.append(f"customization ({', '.join(asked)}) needs weights, training code and data: open-source")
        choice = "open-source"
    elif top_openness == "unknown":
        choice = "proprietary"
        reasons.append("the catalog does not record whether the best route's weights are released: treated as API-only")
    elif top_openness is not None:
        choice = top_openness
    elif _must_self_run(profile):
        choice = "open-weight"  # nothing fits, but the constraints already say: weights you run yourself
        reasons.append("no route meets every constraint; the data rules still point to open weights you run yourself")
    else:
        choice = "proprietary"
    if _must_self_run(profile):
        reasons.append("data must stay on your premises: only a model whose weights you can run qualifies")
    if profile.data.sensitivity in (Sensitivity.CONFIDENTIAL, Sensitivity.REGULATED) and choice != "proprietary":
        reasons.append(
            f"data.sensitivity is {profile.data.sensitivity.value}: running the weights yourself keeps the data in your control"
        )
    if profile.preferences.avoid_vendor_lock_in and choice != "proprietary":
        reasons.append("preferences.avoid_vendor_lock_in: open weights can move between hosts and runtimes")
    if profile.budget.monthly_usd is not None and profile.budget.monthly_usd < 100 and choice != "proprietary":
        reasons.append(f"budget.monthly_usd is ${profile.budget.monthly_usd:,.0f}: open weights cost no licence fees")
    if choice == "proprietary":
        if profile.team.ml_expertise is Level.NONE:
            reasons.append("team.ml_expertise is none: an API needs no infrastructure or ML skills")
        if profile.quality.value in ("high", "frontier"):
            reasons.append(
                f"quality is {profile.quality.value}: the best proprietary models lead the benchmarks out of the box"
            )
        if profile.team.time_to_market == "fast":
            reasons.append("team.time_to_market is fast: plug-and-play APIs ship soonest")
        if profile.team.needs_vendor_support:
            reasons.append("team.needs_vendor_support: proprietary vendors offer SLAs and enterprise support")
    if top_name:
        reasons.append(f"the best-scoring route uses {top_name} ({top_openness})")
    if choice == "open-weight":
        reasons.append(
            "open weights allow LoRA/QLoRA fine-tuning and self-hosting; training code and data are not needed here"
        )
    return OpennessVerdict(choice=choice, reasons=reasons)  # type: ignore[arg-type]


def _must_self_run(profile: Profile) -> bool:
    return profile.data.residency is Residency.ON_PREMISES or profile.data.air_gapped


def deployment_verdict(profile: Profile, top_deployment: str | None, top_label: str | None) -> DeploymentVerdict:
    data, infra, team = profile.data, profile.infrastructure, profile.team
    reasons: list[str] = []
    if data.air_gapped:
        reasons.append("data.air_gapped: no network route — local machines or your own servers only")
    if data.residency is Residency.ON_PREMISES:
        reasons.append("data.residency is on-premises: the model runs where the data is")
    if infra.device and top_deployment == "local":
        reasons.append(f"infrastructure.device: your {infra.device.model} runs the model locally (Ollama / LM Studio)")
    if infra.gpus and top_deployment == "self-hosted":
        pools = ", ".join(f"{p.count}× {p.model}" for p in infra.gpus)
        reasons.append(f"infrastructure.gpus: serve it on your {pools} with a serving engine (vLLM, SGLang)")
    if top_deployment == "saas-api":
        reasons.append("a managed API: no infrastructure to run, scales with use, vendor SLA")
    if top_deployment == "hosted-open":
        reasons.append("a host serving open weights: no infrastructure, and the weights stay portable")
    if team.ml_expertise is Level.NONE and top_deployment in ("saas-api", "hosted-open"):
        reasons.append("team.ml_expertise is none: a managed API avoids running GPUs")
    if top_label:
        reasons.append(f"best-scoring route: {top_label}")
    else:
        reasons.append("no route meets every constraint: the deployment the constraints point to (see what to relax)")
    return DeploymentVerdict(choice=top_deployment or _fallback_deployment(profile), reasons=reasons)  # type: ignore[arg-type]


def _fallback_deployment(profile: Profile) -> str:
    """The kind of deployment the framework points to when no route survives."""
    if profile.data.air_gapped or profile.data.residency is Residency.ON_PREMISES:
        return "self-hosted" if profile.infrastructure.gpus else "local"
    return "saas-api"
