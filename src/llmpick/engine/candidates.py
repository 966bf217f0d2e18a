"""Step 1: enumerate candidate routes — model × provider or runtime × deployment × hardware/quantization.

Enumeration only builds routes and attaches their facts (price, estimate); it judges nothing.
Hard rules live in constraints.py, preferences in scoring.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from llmpick.catalog.catalog import Catalog
from llmpick.catalog.prices import PriceQuote, offering_price
from llmpick.catalog.schema import Hardware, HardwareKind, Model, Offering, Provider, ProviderKind
from llmpick.engine.policy import Policy
from llmpick.engine.quantize import choose_estimate
from llmpick.engine.stages import Stage
from llmpick.profile import Profile
from llmpick.sizing.capacity import seconds_per_request
from llmpick.sizing.cost import CostBreakdown
from llmpick.sizing.specs import DeviceSpec, ModelSpec
from llmpick.sizing.speed import Estimate


@dataclass
class Candidate:
    """One way to serve a stage of the profile. Cost and scores are filled in by later steps."""

    model: Model
    deployment: str  # local | saas-api | hosted-open | self-hosted
    provider: Provider | None = None
    offering: Offering | None = None
    runtime: str | None = None
    hardware: Hardware | None = None
    hardware_count: int | None = None
    owned_hardware: bool = False
    estimate: Estimate | None = None
    price: PriceQuote | None = None
    fit_problem: str | None = None  # why nothing fits, for self-run routes that cannot run
    cost: CostBreakdown | None = None  # filled in by costing, after the static rules
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """'model via provider', or 'model via runtime on [N×] hardware'."""
        where = self.provider.id if self.provider else self.runtime or "?"
        if self.hardware is None:
            return f"{self.model.id} via {where}"
        count = f"{self.hardware_count}× " if (self.hardware_count or 1) > 1 else ""
        return f"{self.model.id} via {where} on {count}{self.hardware.id}"

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.model.id, self.deployment, self.provider.id if self.provider else "", self.runtime or "")

    @property
    def monthly_usd(self) -> float | None:
        """The route's monthly cost, once costed and where every price is known."""
        return self.cost.total_usd if self.cost is not None else None

    @property
    def decode_tokens_per_s(self) -> float | None:
        if self.estimate is not None:
            return self.estimate.decode_tokens_per_s
        if self.offering and self.offering.speed:
            return self.offering.speed.output_tokens_per_s
        return None

    @property
    def time_to_first_token_s(self) -> float | None:
        if self.estimate is not None:
            return self.estimate.time_to_first_token_s
        if self.offering and self.offering.speed:
            return self.offering.speed.ttft_s
        return None


def api_deployment(model: Model, provider: Provider) -> str:
    if provider.kind is ProviderKind.MANAGED_INFRA:
        return "self-hosted"
    return "hosted-open" if model.is_open else "saas-api"


def enumerate_candidates(profile: Profile, catalog: Catalog, stage: Stage, policy: Policy) -> list[Candidate]:
    """Every route that could serve `stage`, before any rule is applied (deterministic order)."""
    out: list[Candidate] = []
    context = profile.workload.needed_context
    for model in sorted(catalog.models.values(), key=lambda m: m.id):
        if not stage.relevant(model):
            continue
        for offering in sorted(catalog.offerings_of(model.id), key=lambda o: o.provider):
            provider = catalog.provider(offering.provider)
            if provider.kind is ProviderKind.MANAGED_INFRA:
                continue  # managed endpoints are self-hosting on rented GPUs: covered below
            out.append(
                Candidate(
                    model=model,
                    deployment=api_deployment(model, provider),
                    provider=provider,
                    offering=offering,
                    price=offering_price(offering, catalog.as_of),
                )
            )
        if not model.is_open:
            continue
        spec = ModelSpec.from_model(model)
        if spec is None:
            continue  # parameters unknown: self-run routes cannot be sized (constraints say so)
        out.extend(_local_candidates(profile, catalog, policy, model, spec, context))
        out.extend(_self_hosted_candidates(profile, catalog, policy, model, spec, context))
    return out


def _speed_need(profile: Profile, policy: Policy) -> float:
    tier = profile.speed.value if profile.speed else ("moderate" if profile.domain.knowledge_base else "fast")
    return policy.speed_tiers[tier].min_tokens_per_s


def _local_candidates(
    profile: Profile, catalog: Catalog, policy: Policy, model: Model, spec: ModelSpec, context: int
) -> list[Candidate]:
    device = profile.infrastructure.device
    if device is not None:
        machines = [(catalog.device(device.model), device.memory_gb, True)]
    elif profile.infrastructure.gpus:
        return []  # the team serves from its GPUs: buying a desktop is not the question
    else:
        machines = [(catalog.hardware[h], None, False) for h in policy.hardware.purchasable if h in catalog.hardware]
    out: list[Candidate] = []
    for hardware, memory_gb, owned in machines:
        runtimes = [r for r in policy.hardware.local_runtimes.get(_family(hardware), []) if r in catalog.runtimes]
        if not runtimes:
            continue
        runtime = runtimes[0]
        fit = choose_estimate(
            spec,
            DeviceSpec.from_hardware(hardware, memory_gb=memory_gb),
            runtime=runtime,
            formats=tuple(catalog.runtime(runtime).support.formats),
            count=1,
            context=context,
            concurrency=1,
            prompt_tokens=profile.workload.input_tokens,
            speed_need=_speed_need(profile, policy),
        )
        candidate = Candidate(
            model=model,
            deployment="local",
            runtime=runtime,
            hardware=hardware,
            hardware_count=1,
            owned_hardware=owned,
            estimate=fit,
        )
        if len(runtimes) > 1:
            candidate.notes.append(f"also runs in {', '.join(runtimes[1:])}")
        if fit is None:
            memory = memory_gb or hardware.spec.memory_gb
            candidate.fit_problem = (
                f"does not fit in {memory:g} GB of {hardware.name} at any quantization {runtime} runs"
            )
        else:
            candidate.fit_problem = _local_capacity_problem(fit, profile, policy, hardware.name)
        out.append(candidate)
    return out


def _local_capacity_problem(fit: Estimate, profile: Profile, policy: Policy, machine: str) -> str | None:
    """One machine answers one request at a time: the day's requests must fit in its working hours."""
    workload = profile.workload
    seconds = seconds_per_request(fit, workload)
    available = workload.hours_per_day * 3600 * policy.hardware.local_max_busy_fraction
    if workload.requests_per_day * seconds <= available:
        return None
    capacity = available / seconds if seconds > 0 else 0
    return (
        f"one {machine} at about {fit.decode_tokens_per_s:.0f} tokens/s serves about {capacity:,.0f} requests/day "
        f"({seconds:.1f} s each, busy at most {policy.hardware.local_max_busy_fraction:.0%} of {workload.hours_per_day:g} h); "
        f"the workload has {workload.requests_per_day:,.0f}"
    )


def _self_hosted_candidates(
    profile: Profile, catalog: Catalog, policy: Policy, model: Model, spec: ModelSpec, context: int
) -> list[Candidate]:
    runtime = policy.hardware.server_runtime
    if runtime not in catalog.runtimes:
        return []
    formats = tuple(f for f in catalog.runtime(runtime).support.formats if f in policy.hardware.server_formats)
    concurrency = profile.workload.peak_concurrency
    pools = profile.infrastructure.gpus
    if pools:
        options = [(catalog.device(p.model), [p.count], True) for p in pools]
    else:
        options = [
            (catalog.hardware[h], policy.hardware.counts, False)
            for h in policy.hardware.rentable
            if h in catalog.hardware
        ]
    out: list[Candidate] = []
    for hardware, counts, owned in options:
        for count in counts:
            fit = choose_estimate(
                spec,
                DeviceSpec.from_hardware(hardware),
                runtime=runtime,
                formats=formats,
                count=count,
                context=context,
                concurrency=concurrency,
                prompt_tokens=profile.workload.input_tokens,
                speed_need=_speed_need(profile, policy),
            )
            if fit is None and not owned:
                continue
            candidate = Candidate(
                model=model,
                deployment="self-hosted",
                runtime=runtime,
                hardware=hardware,
                hardware_count=count,
                owned_hardware=owned,
                estimate=fit,
            )
            if fit is None:
                candidate.fit_problem = (
                    f"does not fit on {count}× {hardware.name} ({count * hardware.spec.memory_gb:g} GB) "
                    f"with {context:,} tokens of context at 4-bit or more"
                )
            out.append(candidate)
            if fit is not None:
                break  # the smallest count that fits on this GPU type
    return out


def _family(hardware: Hardware) -> str:
    if hardware.kind is HardwareKind.APPLE:
        return "apple"
    if hardware.kind is HardwareKind.CPU:
        return "cpu"
    return hardware.vendor if hardware.vendor in ("nvidia", "amd") else "cpu"
