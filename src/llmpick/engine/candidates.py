"""Step 1: enumerate candidate routes — model × provider or runtime × deployment × hardware/quantization.

Enumeration builds routes and attaches their facts: the price, the speed estimate, how the hardware is had
(`acquisition`: owned, rented, bought or api) and how much traffic the route can carry (`capacity`). It judges
nothing: a route whose hardware cannot fit the model or carry the workload records why (`fit_problem`,
`capacity_problem`), and the rules in constraints.py exclude it with that reason.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from llmpick.catalog.catalog import Catalog
from llmpick.catalog.prices import PriceQuote, offering_price
from llmpick.catalog.schema import Hardware, HardwareKind, Model, Offering, Provider, ProviderKind
from llmpick.engine.context import ServiceNeeds, SpeedTarget
from llmpick.engine.policy import Policy
from llmpick.engine.quantize import choose_estimate, smallest_fitting
from llmpick.engine.stages import Stage
from llmpick.memo import RecordMemo
from llmpick.profile import Profile
from llmpick.sizing.capacity import plan_sets, seconds_per_request
from llmpick.sizing.cost import CostBreakdown, rents_in_cloud
from llmpick.sizing.specs import DeviceSpec, ModelSpec
from llmpick.sizing.speed import Estimate

SELF_RUN = ("local", "self-hosted")
API = ("saas-api", "hosted-open")


@dataclass
class Candidate:
    """One way to serve a stage of the profile. Cost and scores are filled in by later steps."""

    model: Model
    deployment: str  # local | saas-api | hosted-open | self-hosted
    provider: Provider | None = None
    offering: Offering | None = None
    runtime: str | None = None
    hardware: Hardware | None = None
    hardware_count: int | None = None  # GPUs per set (tensor-parallel size)
    acquisition: str = "api"  # owned | rented | bought | api
    replicas: int = 1  # sets serving the workload (spare excluded)
    max_replicas: int | None = None  # owned pools: how many sets the GPUs you have make
    capacity_requests_per_day: float | None = None  # what one set carries at the profile's sizes and hours
    operated: bool = True  # self-hosted: staff run it as a service (not a card in someone's own machine)
    estimate: Estimate | None = None
    price: PriceQuote | None = None  # attached when the route is costed
    fit_problem: str | None = None  # why nothing fits, for self-run routes that cannot run
    capacity_problem: str | None = None  # why the hardware cannot carry the workload
    cost: CostBreakdown | None = None  # filled in by costing, after the static rules
    notes: list[str] = field(default_factory=list)
    # the rules' scope keys of this route, by rule group (constraints.violations): they read only the fields
    # above that a route is made with, so a copy shares them
    scope_keys: dict[int, tuple[int, Hashable]] | None = field(default=None, init=False, repr=False, compare=False)

    def __copy__(self) -> Candidate:
        # a shallow copy, as copy.copy's generic path (__reduce_ex__) makes it at several times the cost:
        # every route that passes the static rules is copied before it is costed
        twin = object.__new__(type(self))
        twin.__dict__.update(self.__dict__)
        return twin

    @property
    def owned_hardware(self) -> bool:
        return self.acquisition == "owned"

    @property
    def label(self) -> str:
        """'model via provider', or 'model via runtime on [N×] hardware'."""
        where = self.provider.id if self.provider else self.runtime or "?"
        if self.hardware is None:
            return f"{self.model.id} via {where}"
        count = f"{self.hardware_count}× " if (self.hardware_count or 1) > 1 else ""
        sets = f" ×{self.replicas} replicas" if self.replicas > 1 else ""
        return f"{self.model.id} via {where} on {count}{self.hardware.id}{sets}"

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

    @property
    def speed_measured(self) -> bool:
        """A speed from a sourced measurement or a sizing estimate, rather than unknown."""
        return self.decode_tokens_per_s is not None


@dataclass(frozen=True)
class Setting:
    """What enumeration needs from the run: the catalog and policy, and the decisions made once per run."""

    catalog: Catalog
    policy: Policy
    speed: SpeedTarget
    service: ServiceNeeds
    as_of: dt.date  # prices and lifecycle are read on this day
    gpu_utilization: float


def attach_price(candidate: Candidate, profile: Profile, as_of: dt.date) -> None:
    """The offering's price on the as-of day at the workload's prompt tier (API routes; self-run routes have none)."""
    if candidate.offering is not None:
        candidate.price = offering_price(candidate.offering, as_of, prompt_tokens=profile.workload.input_tokens)


def api_deployment(model: Model, provider: Provider) -> str:
    if provider.kind is ProviderKind.MANAGED_INFRA:
        return "self-hosted"
    return "hosted-open" if model.is_open else "saas-api"


def enumerate_candidates(
    profile: Profile,
    stage: Stage,
    setting: Setting,
    *,
    ruled_out: Callable[[Model], bool] | None = None,
    api: bool = True,
) -> list[Candidate]:
    """Every route that could serve `stage`, before any rule is applied (deterministic order); `api=False`: only
    the routes you run yourself (the API routes are the catalog's alone, see `api_routes`).

    `ruled_out(model)`: the rules already exclude every self-run route of this model, whatever the hardware
    (quality, licence, context…). Its self-run routes are then listed without sizing: sizing is most of the
    work, and the same rules exclude them for the same reasons."""
    out: list[Candidate] = []
    for model, shared in _stage_models(setting.catalog, stage):
        if api:
            out.extend(shared)  # shared by every run: priced when costed, on a copy (`Run.cost`)
        if not model.is_open:
            continue
        spec = spec_of(model)
        if not stage.is_language:
            out.extend(_media_candidates(profile, setting, model, spec, stage))
            continue
        if spec is None:
            continue  # parameters unknown: self-run routes cannot be sized (constraints say so)
        if ruled_out is not None and ruled_out(model):
            out.extend(_unsized(profile, setting, model))
            continue
        out.extend(_local_candidates(profile, setting, model, spec))
        out.extend(_self_hosted_candidates(profile, setting, model, spec))
    return out


_STAGE_MODELS: RecordMemo[list[tuple[Model, list[Candidate]]]] = RecordMemo(limit=64)


def api_routes(catalog: Catalog, stage: Stage) -> list[Candidate]:
    """The stage's API routes in `enumerate_candidates`' order: made once per catalog and stage, shared by every
    run (never written to: a run costs a copy)."""
    return _API_ROUTES.get(
        (catalog,), stage, lambda: [c for _, routes in _stage_models(catalog, stage) for c in routes]
    )


_API_ROUTES: RecordMemo[list[Candidate]] = RecordMemo(limit=64)


def _stage_models(catalog: Catalog, stage: Stage) -> list[tuple[Model, list[Candidate]]]:
    """The models worth enumerating for a stage, in id order, each with its API routes in provider order: the
    catalog's facts alone decide them, so they are made once per catalog and stage and shared by every run (a
    run copies a route before it writes to it; an excluded route is never written to)."""

    def listed() -> list[tuple[Model, list[Candidate]]]:
        found = []
        for model in sorted(catalog.models.values(), key=lambda m: m.id):
            if not stage.relevant(model):
                continue
            routes = []
            for offering in sorted(catalog.offerings_of(model.id), key=lambda o: o.provider):
                provider = catalog.provider(offering.provider)
                if provider.kind is not ProviderKind.MANAGED_INFRA:  # managed endpoints: self-hosting, below
                    deployment = api_deployment(model, provider)
                    routes.append(Candidate(model=model, deployment=deployment, provider=provider, offering=offering))
            found.append((model, routes))
        return found

    return _STAGE_MODELS.get((catalog,), stage, listed)


# ---------------------------------------------------------------- speech and image stages: one machine or one GPU

MEDIA_OVERHEAD_GB = 1.0  # runtime, audio/image buffers beside the weights


def _media_candidates(
    profile: Profile, setting: Setting, model: Model, spec: ModelSpec | None, stage: Stage
) -> list[Candidate]:
    """Open speech-to-text, text-to-speech and image models on your machine, one of your GPUs, or one rented GPU,
    with a runtime made for the task (faster-whisper, whisper.cpp, MeloTTS, diffusers). Memory is checked from the
    weights at 16-bit; speed is not sized (no calibration for these models), so capacity is left unknown."""
    catalog, policy = setting.catalog, setting.policy
    task = stage.tasks[0]
    runtimes = [r for r in catalog.runtimes.values() if task in r.support.tasks]
    if not runtimes:
        return []
    device = profile.infrastructure.device
    machines: list[tuple[Hardware, float | None, str, str]] = []
    if device is not None:
        machines.append((catalog.device(device.model), device.memory_gb, "owned", "local"))
    for pool in profile.infrastructure.gpus:
        machines.append((catalog.device(pool.model), None, "owned", "self-hosted"))
    if device is None and not profile.infrastructure.gpus:
        cloud = profile.infrastructure.cloud
        rentable = [catalog.hardware[h] for h in policy.hardware.rentable if h in catalog.hardware]
        in_cloud = [h for h in rentable if rents_in_cloud(h, cloud)] or rentable
        machines += [(h, None, "rented", "self-hosted") for h in in_cloud[:1]]  # the smallest GPU rented suffices
    weights_gb = spec.params_b * 2 * 1e9 / 2**30 if spec is not None else None  # 16-bit weights
    out: list[Candidate] = []
    for hardware, memory_gb, acquisition, deployment in machines:
        family = _family(hardware)
        usable = [r for r in runtimes if family in r.support.hardware_kinds]
        if not usable:
            continue
        memory = memory_gb or hardware.spec.memory_gb
        candidate = Candidate(
            model=model,
            deployment=deployment,
            runtime=usable[0].id,
            hardware=hardware,
            hardware_count=1,
            acquisition=acquisition,
            operated=deployment == "self-hosted" and _operated(hardware, 1, setting),
        )
        if weights_gb is None:
            candidate.notes.append(
                f"the catalog has no parameter count for {model.name}: check that it fits {memory:g} GB"
            )
        elif weights_gb + MEDIA_OVERHEAD_GB > memory:
            candidate.fit_problem = f"{weights_gb:.1f} GB of 16-bit weights do not fit {memory:g} GB of {hardware.name}"
        candidate.notes.append(
            f"{usable[0].name} serves {task.value}; speed and capacity are not sized for {task.value} models "
            "(no published measurements in the calibration data): try it on your own audio or prompts"
        )
        if len(usable) > 1:
            candidate.notes.append(f"also runs in {', '.join(r.name for r in usable[1:])}")
        out.append(candidate)
    return out


# ---------------------------------------------------------------- local: one machine, one request at a time


def _unsized(profile: Profile, setting: Setting, model: Model) -> list[Candidate]:
    """A ruled-out model's self-run routes, one per deployment the profile allows, without hardware or sizing."""
    out: list[Candidate] = []
    machines = _local_machines(profile, setting)
    if machines:
        out.append(Candidate(model=model, deployment="local", acquisition=machines[0][2]))
    if profile.infrastructure.gpus:
        out.append(Candidate(model=model, deployment="self-hosted", acquisition="owned"))
    elif setting.policy.hardware.rentable:
        out.append(Candidate(model=model, deployment="self-hosted", acquisition="rented"))
    return out


def _local_machines(profile: Profile, setting: Setting) -> list[tuple[Hardware, float | None, str]]:
    """The one machine a local route runs on: the profile's device, or desktops and laptops it could buy."""
    catalog, policy = setting.catalog, setting.policy
    device = profile.infrastructure.device
    if device is not None:
        return [(catalog.device(device.model), device.memory_gb, "owned")]
    if profile.infrastructure.gpus:
        return []  # the team serves from its GPUs: buying a desktop is not the question
    if profile.budget.upfront_usd == 0 or not setting.service.consumer_hardware_ok:
        return []  # nothing may be bought, or a desktop or laptop is the wrong class of hardware for a service
    return [(catalog.hardware[h], None, "bought") for h in policy.hardware.purchasable if h in catalog.hardware]


def _local_candidates(profile: Profile, setting: Setting, model: Model, spec: ModelSpec) -> list[Candidate]:
    catalog, policy = setting.catalog, setting.policy
    out: list[Candidate] = []
    for hardware, memory_gb, acquisition in _local_machines(profile, setting):
        runtimes = [r for r in policy.hardware.local_runtimes.get(_family(hardware), []) if r in catalog.runtimes]
        if not runtimes:
            continue
        runtime = runtimes[0]
        fit = choose_estimate(
            spec,
            device_of(hardware, memory_gb),
            runtime=runtime,
            formats=tuple(catalog.runtime(runtime).support.formats),
            count=1,
            context=profile.workload.needed_context,
            concurrency=1,
            prompt_tokens=profile.workload.input_tokens,
            speed_need=setting.speed.min_tokens_per_s,
        )
        candidate = Candidate(
            model=model,
            deployment="local",
            runtime=runtime,
            hardware=hardware,
            hardware_count=1,
            acquisition=acquisition,
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
            candidate.capacity_requests_per_day = local_capacity(fit, profile, policy)
            candidate.capacity_problem = _local_capacity_problem(candidate, profile, setting)
        out.append(candidate)
    return out


def local_capacity(fit: Estimate, profile: Profile, policy: Policy) -> float:
    """Requests a day one machine answers, one at a time, busy at most the policy's share of its hours."""
    seconds = seconds_per_request(fit, profile.workload)
    available = profile.workload.hours_per_day * 3600 * policy.hardware.local_max_busy_fraction
    return available / seconds if seconds > 0 else math.inf


def _local_capacity_problem(candidate: Candidate, profile: Profile, setting: Setting) -> str | None:
    fit, policy = candidate.estimate, setting.policy
    assert fit is not None and candidate.hardware is not None
    workload = profile.workload
    machine = candidate.hardware.name
    peak_cap = policy.service.consumer_max_peak_concurrency
    if workload.peak_concurrency > peak_cap:
        return (
            f"one {machine} answers about one request at a time; a peak of {workload.peak_concurrency} concurrent "
            f"requests (more than {peak_cap}) needs a server that batches them"
        )
    capacity = candidate.capacity_requests_per_day or 0.0
    if workload.requests_per_day <= capacity:
        return None
    seconds = seconds_per_request(fit, workload)
    return (
        f"one {machine} at about {fit.decode_tokens_per_s:.0f} tokens/s serves about {capacity:,.0f} requests/day "
        f"({seconds:.1f} s each, busy at most {policy.hardware.local_max_busy_fraction:.0%} of {workload.hours_per_day:g} h); "
        f"the workload has {workload.requests_per_day:,.0f}"
    )


# ---------------------------------------------------------------- self-hosted: GPU sets with a serving engine


def _self_hosted_candidates(profile: Profile, setting: Setting, model: Model, spec: ModelSpec) -> list[Candidate]:
    catalog, policy = setting.catalog, setting.policy
    pools = profile.infrastructure.gpus
    out: list[Candidate] = []
    if pools:
        return [_owned_pool(profile, setting, model, spec, catalog.device(pool.model), pool.count) for pool in pools]
    cloud = profile.infrastructure.cloud
    rentable = [catalog.hardware[h] for h in policy.hardware.rentable if h in catalog.hardware]
    in_cloud = [h for h in rentable if rents_in_cloud(h, cloud)]
    for gpu in in_cloud or rentable:
        rented = _smallest_set(profile, setting, model, spec, gpu, "rented")
        if rented is not None:
            if cloud in ("aws", "azure", "gcp") and not in_cloud:
                rented.notes.append(f"no {cloud} rent for {gpu.id} in the catalog: the cheapest rent is used")
            out.append(rented)
    # Servers are bought only when the profile says money for hardware exists (budget.upfront_usd above 0):
    # a capital purchase is a decision the team makes, not a default.
    upfront = profile.budget.upfront_usd
    if (
        setting.service.kind == "service"
        and upfront is not None
        and upfront > 0
        and profile.infrastructure.device is None
    ):
        for hardware_id in policy.hardware.purchasable_service:
            server = catalog.hardware.get(hardware_id)
            if server is not None and server.purchase is not None:
                bought = _smallest_set(profile, setting, model, spec, server, "bought")
                if bought is not None:
                    out.append(bought)
    return out


def _server_estimates(
    profile: Profile,
    setting: Setting,
    spec: ModelSpec,
    hardware: Hardware,
    count: int,
    concurrency: int,
    *,
    first_only: bool = False,
) -> list[Estimate]:
    """The best-fitting estimate of each serving engine that runs on this hardware (policy order);
    `first_only`: just the first engine that runs here (a cheap probe of whether the GPU count fits at all)."""
    device = device_of(hardware)
    workload = profile.workload
    found: list[Estimate] = []
    for runtime, formats in _server_engines(setting.catalog, setting.policy, device.platform):
        fit = choose_estimate(
            spec,
            device,
            runtime=runtime,
            formats=formats,
            count=count,
            context=workload.needed_context,
            concurrency=concurrency,
            prompt_tokens=workload.input_tokens,
            speed_need=setting.speed.min_tokens_per_s,
        )
        if fit is not None:
            found.append(fit)
            if first_only:
                break
    return found


Engines = tuple[tuple[str, tuple[str, ...]], ...]  # (runtime, the formats it may serve) in policy order
_ENGINES: RecordMemo[Engines] = RecordMemo()


def _server_engines(catalog: Catalog, policy: Policy, platform: str) -> Engines:
    """The serving engines that run on a platform, in policy order, with the formats each may serve (per
    catalog and policy: every self-hosted route of every model asks)."""

    def engines() -> Engines:
        out = []
        for runtime in policy.hardware.server_runtimes:
            info = catalog.runtimes.get(runtime)
            if info is None or platform not in info.support.hardware_kinds:
                continue
            formats = tuple(f for f in info.support.formats if f in policy.hardware.server_formats)
            if formats:
                out.append((runtime, formats))
        return tuple(out)

    return _ENGINES.get((catalog, policy), platform, engines)


def _pick_engine(found: list[Estimate], profile: Profile, setting: Setting) -> tuple[Estimate, list[str]]:
    """The engine that serves the workload with the fewest sets (then the fastest); the others as alternatives."""
    if len(found) == 1:
        return found[0], []
    ranked = sorted(
        (
            (plan_sets(e, profile.workload, setting.gpu_utilization).sets, -e.throughput_tokens_per_s, i, e)
            for i, e in enumerate(found)
        ),
    )
    best_sets, best = ranked[0][0], ranked[0][3]
    return best, [e.runtime for sets, _, _, e in ranked[1:] if sets == best_sets]


def _smallest_set(
    profile: Profile, setting: Setting, model: Model, spec: ModelSpec, hardware: Hardware, acquisition: str
) -> Candidate | None:
    """Rented or bought GPUs: the smallest GPU count that fits, with as many replicas as the workload needs."""
    device, workload = device_of(hardware), profile.workload
    fitting = smallest_fitting(
        spec,
        device,
        _server_engines(setting.catalog, setting.policy, device.platform),
        tuple(setting.policy.hardware.counts),
        context=workload.needed_context,
        concurrency=workload.peak_concurrency,
        prompt_tokens=workload.input_tokens,
        speed_need=setting.speed.min_tokens_per_s,
    )
    if fitting is None:
        return None
    count, found = fitting
    fit, others = _pick_engine(list(found), profile, setting)
    sets = plan_sets(fit, workload, setting.gpu_utilization).sets
    candidate = Candidate(
        model=model,
        deployment="self-hosted",
        runtime=fit.runtime,
        hardware=hardware,
        hardware_count=count,
        acquisition=acquisition,
        replicas=max(sets, 1),
        estimate=fit,
        capacity_requests_per_day=set_capacity(fit, profile, setting.gpu_utilization),
    )
    if others:
        candidate.notes.append(f"{', '.join(others)} would serve it on the same GPUs")
    return candidate


def _owned_pool(
    profile: Profile, setting: Setting, model: Model, spec: ModelSpec, hardware: Hardware, owned: int
) -> Candidate:
    """GPUs you have: split into tensor-parallel sets (smallest that fits first), replicas of that set serve."""
    best: Candidate | None = None
    for tp in setting.policy.hardware.tensor_parallel_sizes:
        if tp > owned:
            break
        concurrency = profile.workload.peak_concurrency
        if not _server_estimates(profile, setting, spec, hardware, tp, concurrency, first_only=True):
            continue  # engines share the memory model: if the first does not fit this split, none does
        found = _server_estimates(profile, setting, spec, hardware, tp, concurrency)
        fit, others = _pick_engine(found, profile, setting)
        needed = plan_sets(fit, profile.workload, setting.gpu_utilization).sets
        available = owned // tp
        candidate = Candidate(
            model=model,
            deployment="self-hosted",
            runtime=fit.runtime,
            hardware=hardware,
            hardware_count=tp,
            acquisition="owned",
            operated=_operated(hardware, owned, setting),
            replicas=min(max(needed, 1), available),
            max_replicas=available,
            estimate=fit,
            capacity_requests_per_day=set_capacity(fit, profile, setting.gpu_utilization),
        )
        if others:
            candidate.notes.append(f"{', '.join(others)} would serve it on the same GPUs")
        if needed <= available:
            if available > 1 and tp < owned:
                candidate.notes.append(
                    f"your {owned}× {hardware.id} make {available} sets of {tp}; the workload needs {needed}"
                )
            return candidate
        carried = (candidate.capacity_requests_per_day or 0) * available
        candidate.capacity_problem = (
            f"your {owned}× {hardware.name} make {available} set(s) of {tp}, carrying about {carried:,.0f} requests/day "
            f"at a peak of {available * max(fit.max_concurrency, 0)} concurrent; the workload needs {needed} sets "
            f"({profile.workload.requests_per_day:,.0f} requests/day, peak {profile.workload.peak_concurrency})"
        )
        best = best or candidate
    if best is not None:
        return best
    context = profile.workload.needed_context
    return Candidate(
        model=model,
        deployment="self-hosted",
        runtime=setting.policy.hardware.server_runtime,
        hardware=hardware,
        hardware_count=owned,
        acquisition="owned",
        fit_problem=(
            f"does not fit on {owned}× {hardware.name} ({owned * hardware.spec.memory_gb:g} GB) "
            f"with {context:,} tokens of context at 4-bit or more"
        ),
    )


def _operated(hardware: Hardware, gpus: int, setting: Setting) -> bool:
    """Owned consumer or workstation cards in one machine, for personal or team use, are run like a desktop:
    the same no-staff rule as a device declared under infrastructure.device. A service, or data-centre GPUs,
    need operators."""
    desk = hardware.kind in (HardwareKind.CONSUMER_GPU, HardwareKind.WORKSTATION_GPU)
    return not (desk and gpus <= 8 and setting.service.kind != "service")


def set_capacity(fit: Estimate, profile: Profile, utilization: float) -> float:
    """Requests a day one GPU set carries at the profile's token sizes and hours, at the planned utilization."""
    seconds = seconds_per_request(fit, profile.workload)
    if seconds <= 0:
        return math.inf
    return profile.workload.hours_per_day * 3600 * utilization / seconds


_DEVICES: RecordMemo[DeviceSpec] = RecordMemo()
_SPECS: RecordMemo[ModelSpec | None] = RecordMemo()


def device_of(hardware: Hardware, memory_gb: float | None = None) -> DeviceSpec:
    """The sizing view of a catalog device (per record: it depends only on the catalog's facts)."""
    return _DEVICES.get((hardware,), memory_gb, lambda: DeviceSpec.from_hardware(hardware, memory_gb=memory_gb))


def spec_of(model: Model) -> ModelSpec | None:
    """The sizing view of a catalog model (per record), None when its parameter count is unknown."""
    return _SPECS.get((model,), None, lambda: ModelSpec.from_model(model))


def _family(hardware: Hardware) -> str:
    if hardware.kind is HardwareKind.APPLE:
        return "apple"
    if hardware.kind is HardwareKind.CPU:
        return "cpu"
    return hardware.vendor if hardware.vendor in ("nvidia", "amd") else "cpu"
