"""Monthly cost of each route — API, self-hosted, local — its breakdown, cost curves and break-even.

Money is computed in Decimal and returned as floats rounded to cents. A price that is not known
makes the total ``None`` and is named in ``unknown``; it is never guessed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from llmpick.memo import RecordMemo
from llmpick.sizing.capacity import plan_sets, seconds_per_request
from llmpick.sizing.defaults import cost_defaults
from llmpick.sizing.lines import CostLine, CurvePoint

if TYPE_CHECKING:
    from llmpick.catalog.prices import PriceQuote
    from llmpick.catalog.schema import Hardware
    from llmpick.profile import CostAssumptions, Workload
    from llmpick.sizing.speed import Estimate

CENT = Decimal("0.01")
MILLION = Decimal(1_000_000)


Basis = Callable[[], str]


class CostPart(NamedTuple):
    """One line of a monthly cost before its basis is written: a thousand routes are costed, at many volumes for
    curves and break-even, and only the routes shown need their lines spelled out (`CostBreakdown.lines`)."""

    item: str
    usd: float
    basis: Basis


def _line(*, item: str, usd: float, basis: Basis) -> CostPart:
    return CostPart(item, usd, basis)


def _d(value: float | int | Decimal) -> Decimal:
    return value if isinstance(value, Decimal) else _decimal(value)


@lru_cache(maxsize=65536, typed=True)  # typed: 1 and 1.0 are printed differently in a basis
def _decimal(value: float | int) -> Decimal:
    """The number as written (0.1 stays 0.1): a route is costed with a few dozen of the same figures."""
    return Decimal(str(value))


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _usd(value: Decimal) -> float:
    return float(_cents(value))


Notes = list[str] | Callable[[], list[str]]


@dataclass(frozen=True)
class CostBreakdown:
    """A route's monthly cost: total (None when a needed price is unknown), its parts, what is missing.

    `lines` and `notes` (how quantities were derived: replicas, busy hours) are written out on first read."""

    total_usd: float | None
    parts: list[CostPart]
    unknown: list[str] = field(default_factory=list)
    units: int | None = None  # GPUs / devices priced
    explained: Notes = field(default_factory=list)

    @cached_property
    def lines(self) -> list[CostLine]:
        return [CostLine(item=part.item, usd=part.usd, basis=part.basis()) for part in self.parts]

    @cached_property
    def notes(self) -> list[str]:
        return self.explained() if callable(self.explained) else list(self.explained)

    @property
    def known_usd(self) -> float:
        """Sum of the lines that are priced: a lower bound when ``total_usd`` is None."""
        return _usd(sum((_d(part.usd) for part in self.parts), Decimal(0)))


@dataclass(frozen=True)
class Assumptions:
    """The cost defaults after the profile's overrides; ``sources`` says where each value comes from."""

    gpu_utilization: float
    ops_staff_usd_per_month: float
    ops_staff_usd_per_extra_node: float
    amortisation_months: int
    power_usd_per_kwh: float
    redundancy: bool
    reserved_pricing: bool
    storage_usd_per_gb_month: float
    storage_extra_gb: float
    egress_usd_per_gb: float
    egress_bytes_per_output_token: float
    hours_per_month: float
    days_per_month: float
    local_duty_cycle: float
    host_power_w: float
    device_power_w: dict[str, float]
    sources: dict[str, str] = field(default_factory=dict)
    overridden: tuple[str, ...] = ()

    @cached_property
    def key(self) -> tuple[object, ...]:
        """Every value a cost reads, hashable (`sources` only names where the defaults come from)."""
        return tuple(
            tuple(sorted(value.items())) if isinstance(value, dict) else value
            for name, value in vars(self).items()
            if name in _ASSUMPTION_FIELDS and name != "sources"
        )

    def describe(self) -> list[str]:
        """One line per assumption that shapes a cost: value, and the profile or the source behind it."""
        lines = []
        for name in (
            "gpu_utilization",
            "ops_staff_usd_per_month",
            "ops_staff_usd_per_extra_node",
            "amortisation_months",
            "power_usd_per_kwh",
            "redundancy",
            "reserved_pricing",
            "storage_usd_per_gb_month",
            "egress_usd_per_gb",
        ):
            value = getattr(self, name)
            shown = f"{value:.0%}" if name == "gpu_utilization" else (f"${value:,.2f}" if "usd" in name else str(value))
            origin = "set in the profile" if name in self.overridden else f"default, {self.sources.get(name, '')}"
            lines.append(f"{name} = {shown} ({origin})")
        return lines


_ASSUMPTION_FIELDS = frozenset(f.name for f in fields(Assumptions))

OVERRIDABLE = (
    "gpu_utilization",
    "ops_staff_usd_per_month",
    "ops_staff_usd_per_extra_node",
    "amortisation_months",
    "power_usd_per_kwh",
    "redundancy",
    "reserved_pricing",
)


def resolve_assumptions(profile_assumptions: CostAssumptions | None) -> Assumptions:
    """Defaults from ``data/defaults.yaml``, with the profile's non-null ``assumptions`` on top."""
    defaults = cost_defaults()
    values: dict[str, Any] = {}
    for f in fields(Assumptions):
        if f.name in ("sources", "overridden"):
            continue
        values[f.name] = defaults[f.name].value
    overridden = []
    if profile_assumptions is not None:
        for name in OVERRIDABLE:
            given = getattr(profile_assumptions, name, None)
            if given is not None:
                values[name] = given
                overridden.append(name)
    values["device_power_w"] = {k: float(v) for k, v in values["device_power_w"].items()}
    return Assumptions(**values, sources={k: d.source for k, d in defaults.items()}, overridden=tuple(overridden))


# ---------------------------------------------------------------- API routes

_UNIT_TASKS = {
    "speech-to-text": "audio",
    "text-to-speech": "chars",
    "image-generation": "images",
    "embeddings": "embed",
}


def _task_name(task: Any) -> str:
    return str(getattr(task, "value", task))


def api_monthly_cost(
    quote: PriceQuote, workload: Workload, tasks: list[str], assumptions: Assumptions
) -> CostBreakdown:
    """Cost of an API route at the workload's volume.

    Tokens: input (the cacheable share at the cached-input price) + output, the batch share of requests
    at batch prices; speech-to-text: audio minutes × per-minute price; text-to-speech: characters;
    image generation: images; embeddings: input tokens only. The first task whose unit the quote prices
    decides the unit.
    """
    requests = _d(workload.requests_per_day) * _d(assumptions.days_per_month)
    where = f" ({quote.source})" if quote.source else ""
    units = _units(tuple(tasks))
    for unit in units:
        if _UNIT_PRICED[unit](quote):
            return _unit_cost(unit, quote, workload, requests, where)
    return CostBreakdown(
        None, [], [f"no {'/'.join(sorted(units))} price for this offering{where or ' in genai-prices or the catalog'}"]
    )


@lru_cache(maxsize=256)
def _units(tasks: tuple[Any, ...]) -> tuple[str, ...]:
    """The units the tasks are priced in, in task order (text when none is given)."""
    return tuple(dict.fromkeys(_UNIT_TASKS.get(_task_name(t), "tokens") for t in tasks or ["text"]))


_UNIT_PRICED: dict[str, Callable[[PriceQuote], bool]] = {
    "audio": lambda q: q.per_audio_minute is not None,
    "chars": lambda q: q.per_million_chars is not None,
    "images": lambda q: q.per_image is not None,
    "embed": lambda q: q.input_per_mtok is not None,
    "tokens": lambda q: q.has_token_prices,
}


def _unit_cost(unit: str, quote: PriceQuote, workload: Workload, requests: Decimal, where: str) -> CostBreakdown:
    """The month's cost in the unit the quote prices (see `api_monthly_cost`)."""
    if unit == "tokens":
        return _token_cost(quote, workload, requests, where)
    if unit == "audio":
        minutes, per_minute = requests * _d(workload.audio_minutes_per_request), quote.per_audio_minute
        assert per_minute is not None
        usd, basis = minutes * _d(per_minute), lambda: f"{minutes:,.0f} min × ${per_minute:g}/min{where}"
        return _total([_line(item="audio transcribed", usd=_usd(usd), basis=basis)])
    if unit == "chars":
        per = workload.characters_per_request
        chars, per_million = (
            requests * _d(per if per is not None else 4 * workload.output_tokens),
            quote.per_million_chars,
        )
        assert per_million is not None
        usd, basis = chars / MILLION * _d(per_million), lambda: f"{chars:,.0f} characters × ${per_million:g}/M{where}"
        return _total([_line(item="characters spoken", usd=_usd(usd), basis=basis)])
    if unit == "images":
        images, per_image = requests * _d(workload.images_per_request), quote.per_image
        assert per_image is not None
        usd, basis = images * _d(per_image), lambda: f"{images:,.0f} images × ${per_image:g}{where}"
        return _total([_line(item="images generated", usd=_usd(usd), basis=basis)])
    tokens, per_mtok = requests * _d(workload.input_tokens), quote.input_per_mtok
    assert unit == "embed" and per_mtok is not None
    usd, basis = tokens / MILLION * _d(per_mtok), lambda: f"{tokens / MILLION:,.2f}M tokens × ${per_mtok:g}/M{where}"
    return _total([_line(item="input tokens embedded", usd=_usd(usd), basis=basis)])


def _token_cost(quote: PriceQuote, workload: Workload, requests: Decimal, where: str) -> CostBreakdown:
    assert quote.input_per_mtok is not None and quote.output_per_mtok is not None
    v = _token_volumes(
        requests,
        workload.input_tokens,
        workload.output_tokens,
        workload.batch_fraction,
        workload.cacheable_input_fraction,
    )
    p_in, p_out = _d(quote.input_per_mtok), _d(quote.output_per_mtok)
    bill = _Bill()
    notes: list[str] = []
    fresh = v.fresh
    bill.add("input tokens", fresh * p_in, lambda: f"{fresh:,.2f}M × ${p_in}/M{where}")
    if v.cache > 0:
        cache, cached = v.cache, v.cached
        cached_price = _d(quote.cached_input_per_mtok) if quote.cached_input_per_mtok is not None else p_in
        if quote.cached_input_per_mtok is None:
            notes.append("no cached-input price known: cached tokens counted at the full input price")
        bill.add(
            "cached input tokens",
            cached * cached_price,
            lambda: f"{cached:,.2f}M ({cache:.0%} cacheable) × ${cached_price}/M",
        )
    out_live = v.out_live
    bill.add("output tokens", out_live * p_out, lambda: f"{out_live:,.2f}M × ${p_out}/M")
    if v.batch > 0:
        batch, batch_in, batch_out = v.batch, v.batch_in, v.batch_out
        b_in = _d(quote.batch_input_per_mtok) if quote.batch_input_per_mtok is not None else p_in
        b_out = _d(quote.batch_output_per_mtok) if quote.batch_output_per_mtok is not None else p_out
        if quote.batch_input_per_mtok is None or quote.batch_output_per_mtok is None:
            notes.append("no batch price known: batch requests counted at the standard price")
        bill.add(
            "batch input tokens",
            batch_in * b_in,
            lambda: f"{batch_in:,.2f}M ({batch:.0%} of requests by batch) × ${b_in}/M",
        )
        bill.add("batch output tokens", batch_out * b_out, lambda: f"{batch_out:,.2f}M × ${b_out}/M")
    return _total(bill.lines, notes=notes, subtotal=bill.cents)


class _Bill:
    """Lines written with their cents summed as they go: the total is the sum of the rounded lines (as a reader
    adds them up), without reading each line's float back into a Decimal."""

    __slots__ = ("lines", "cents")

    def __init__(self) -> None:
        self.lines: list[CostPart] = []
        self.cents = Decimal(0)

    def add(self, item: str, usd: Decimal, basis: Basis) -> None:
        rounded = _cents(usd)
        self.cents += rounded
        self.lines.append(CostPart(item, float(rounded), basis))


class _TokenVolumes(NamedTuple):
    """A month's tokens in millions, split by how they are billed: the same for every API route at a volume."""

    batch: Decimal  # share of requests sent by batch
    cache: Decimal  # share of input that is cacheable
    fresh: Decimal  # live input not cached
    cached: Decimal  # live input cached
    out_live: Decimal
    batch_in: Decimal
    batch_out: Decimal


@lru_cache(maxsize=4096, typed=True)
def _token_volumes(
    requests: Decimal, input_tokens: int, output_tokens: int, batch_fraction: float, cacheable_fraction: float
) -> _TokenVolumes:
    batch = _d(batch_fraction)
    cache = _d(cacheable_fraction)
    input_m = requests * _d(input_tokens) / MILLION
    output_m = requests * _d(output_tokens) / MILLION
    live = 1 - batch
    fresh = input_m * live * (1 - cache) if cache > 0 else input_m * live
    cached = input_m * live * cache
    return _TokenVolumes(batch, cache, fresh, cached, output_m * live, input_m * batch, output_m * batch)


def _total(
    lines: list[CostPart],
    *,
    unknown: list[str] | None = None,
    units: int | None = None,
    notes: Notes | None = None,
    subtotal: Decimal | None = None,
) -> CostBreakdown:
    """The breakdown, its total the sum of the lines as rounded to cents (`subtotal`: that sum, when known)."""
    unknown = unknown or []
    if subtotal is None and not unknown:
        subtotal = sum((_d(line.usd) for line in lines), Decimal(0))
    total = None if unknown or subtotal is None else _usd(subtotal)
    return CostBreakdown(total, lines, unknown, units, notes or [])


# ---------------------------------------------------------------- self-hosted routes

GPUS_PER_NODE = 8  # a server holds up to eight GPUs (HGX/DGX boards); more GPUs means more servers to run


@dataclass(frozen=True)
class RentQuote:
    """One per-GPU hourly rate for a GPU type, with who rents it and where the figure comes from."""

    usd_per_gpu_hour: float
    label: str  # on-demand | reserved (billed all month)
    provider: str | None
    source: str
    all_month: bool


def _rents(hardware: Hardware) -> list[Any]:
    """The hardware's rent records: a list per provider where the catalog has one, else its single rent."""
    many = getattr(hardware, "rents", None)
    if many:
        return list(many)
    one = getattr(hardware, "rent", None)
    return [one] if one is not None else []


def _rent_cloud(rent: Any) -> str | None:
    return getattr(rent, "cloud", None) or (rent.provider if rent.provider in ("aws", "azure", "gcp") else None)


def rents_in_cloud(hardware: Hardware, cloud: str) -> bool:
    """Whether the GPU can be rented at all (any cloud), or in the named hyperscaler."""
    rents = [r for r in _rents(hardware) if r.on_demand_usd_per_hour is not None]
    if cloud not in ("aws", "azure", "gcp"):
        return bool(rents)
    return any(_rent_cloud(r) == cloud for r in rents)


_RENTS: RecordMemo[tuple[RentQuote | None, tuple[str, ...]]] = RecordMemo()


def pick_rent(hardware: Hardware, cloud: str, reserved: bool) -> tuple[RentQuote | None, list[str]]:
    """The rate to cost rented GPUs at: the named cloud's own rent where there is one, else the cheapest;
    reserved where asked and published (billed every hour of the month), on-demand otherwise (and said so).
    Per hardware record: every rented route is costed at many volumes."""
    quote, notes = _RENTS.get((hardware,), (cloud, reserved), lambda: _pick_rent(hardware, cloud, reserved))
    return quote, list(notes)


def _pick_rent(hardware: Hardware, cloud: str, reserved: bool) -> tuple[RentQuote | None, tuple[str, ...]]:
    notes: list[str] = []
    rents = [r for r in _rents(hardware) if r.on_demand_usd_per_hour is not None or r.reserved_usd_per_hour is not None]
    if cloud in ("aws", "azure", "gcp"):
        own = [r for r in rents if _rent_cloud(r) == cloud]
        rents = own or rents
    if not rents:
        return None, tuple(notes)
    if reserved:
        with_reserved = [r for r in rents if r.reserved_usd_per_hour is not None]
        if with_reserved:
            best = min(with_reserved, key=lambda r: r.reserved_usd_per_hour)
            return RentQuote(
                float(best.reserved_usd_per_hour),
                "reserved (billed all month)",
                best.provider,
                hardware.sources[best.source].url,
                True,
            ), tuple(notes)
        notes.append(f"assumptions.reserved_pricing: no reserved rate for {hardware.id} in the catalog, on-demand used")
    on_demand = [r for r in rents if r.on_demand_usd_per_hour is not None]
    if not on_demand:
        return None, tuple(notes)
    best = min(on_demand, key=lambda r: r.on_demand_usd_per_hour)
    return RentQuote(
        float(best.on_demand_usd_per_hour), "on-demand", best.provider, hardware.sources[best.source].url, False
    ), tuple(notes)


def _service_hours(workload: Workload, assumptions: Assumptions) -> Decimal:
    """The hours a month a served model is up: the month's hours × the share of the day the service runs."""
    return _d(assumptions.hours_per_month) * _d(workload.hours_per_day) / 24


def operations_cost(gpus: int, assumptions: Assumptions) -> tuple[Decimal, Basis]:
    """Staff time to run servers: the first server's share, plus a smaller share for each further one."""
    nodes = max(1, math.ceil(gpus / GPUS_PER_NODE))
    first, extra = _d(assumptions.ops_staff_usd_per_month), _d(assumptions.ops_staff_usd_per_extra_node)
    usd = first + extra * (nodes - 1)
    origin = (
        "set in the profile"
        if {"ops_staff_usd_per_month", "ops_staff_usd_per_extra_node"} & set(assumptions.overridden)
        else "default, see assumptions"
    )

    def basis() -> str:
        more = (
            f" + {nodes - 1} × ${assumptions.ops_staff_usd_per_extra_node:,.0f} per further server" if nodes > 1 else ""
        )
        return f"{nodes} server(s) of up to {GPUS_PER_NODE} GPUs: ${assumptions.ops_staff_usd_per_month:,.0f} for the first{more} ({origin})"

    return usd, basis


def self_hosted_monthly_cost(
    est: Estimate,
    hardware: Hardware,
    workload: Workload,
    assumptions: Assumptions,
    *,
    acquisition: str = "rented",
    cloud: str = "any",
    max_sets: int | None = None,
    operated: bool = True,
) -> CostBreakdown:
    """GPU sets needed (peak and volume, N+1 if asked) × GPUs per set, by how they are had:
    rented (× hours × $/GPU-hour), owned (power only) or bought (purchase amortised + power);
    plus storage for the weights, egress and operations staff that grows with the servers run.
    ``max_sets``: owned GPUs make at most this many sets; a workload that needs more cannot be carried.
    ``operated``: charge operations staff (False for a card in a personal or team machine, not a service)."""
    plan = plan_sets(est, workload, assumptions.gpu_utilization)
    replicas = plan.sets
    if replicas < 1:
        reasons = plan.reasons()
        return CostBreakdown(None, [], reasons, None, reasons)
    sets = replicas + (1 if assumptions.redundancy else 0)
    if max_sets is not None and replicas > max_sets:
        why = f"the workload needs {replicas} sets of {est.count}× {hardware.id}; your GPUs make {max_sets}"
        return CostBreakdown(None, [], [why], None, [*plan.reasons(), why])
    if max_sets is not None:
        sets = min(sets, max_sets)
    # Everything but power and egress depends on the set count, not the volume: a route costed at many volumes
    # (curves, break-even) or by many profiles meets the same few set counts, so those lines are made once.
    fixed = _SET_COSTS.get(
        (hardware,),
        (
            est.count,
            round(est.weights_gb, 1),
            sets,
            acquisition,
            cloud,
            operated,
            workload.hours_per_day,
            assumptions.key,
        ),
        lambda: _set_costs(est, hardware, workload, assumptions, sets, acquisition, cloud, operated),
    )
    egress = _egress(
        workload.requests_per_day,
        workload.output_tokens,
        assumptions.days_per_month,
        assumptions.egress_bytes_per_output_token,
        assumptions.egress_usd_per_gb,
    )
    lines = [*fixed.before, egress, *fixed.after]
    subtotal = fixed.subtotal + _d(egress.usd)
    if acquisition in ("owned", "bought"):
        up_hours = _service_hours(workload, assumptions)
        power = _server_power(est, hardware, workload, assumptions, sets, fixed.gpus, up_hours, acquisition)
        lines.insert(0, power)
        subtotal += _d(power.usd)
    total = None if fixed.unknown else _usd(subtotal)
    notes = fixed.notes
    return CostBreakdown(total, lines, list(fixed.unknown), fixed.gpus, lambda: [*plan.reasons(), *notes])


class _SetCosts(NamedTuple):
    """A self-run route's lines that depend on its set count alone (see `self_hosted_monthly_cost`)."""

    gpus: int
    before: tuple[CostPart, ...]  # rental or purchase, and storage: the lines before egress
    after: tuple[CostPart, ...]  # operations staff
    subtotal: Decimal  # the sum of those lines
    unknown: tuple[str, ...]
    notes: tuple[str, ...]


_SET_COSTS: RecordMemo[_SetCosts] = RecordMemo(limit=20_000)  # routes × the few set counts volumes need


def _set_costs(
    est: Estimate,
    hardware: Hardware,
    workload: Workload,
    assumptions: Assumptions,
    sets: int,
    acquisition: str,
    cloud: str,
    operated: bool,
) -> _SetCosts:
    gpus = sets * est.count
    notes: list[str] = []  # after the replicas' reasons, written when the notes are read
    if assumptions.redundancy:
        notes.append(f"+1 spare set for N+1 redundancy: {sets} sets")
    before: list[CostPart] = []
    unknown: list[str] = []
    if acquisition == "bought":
        if hardware.purchase is None:
            unknown.append(f"no purchase price for {hardware.id} in the catalog")
        else:
            src, price = hardware.sources[hardware.purchase.source].url, hardware.purchase.usd
            before.append(
                _line(
                    item="hardware (amortised)",
                    usd=_usd(_d(price) * gpus / _d(assumptions.amortisation_months)),
                    basis=lambda: f"{gpus} × ${price:,.0f} ÷ {assumptions.amortisation_months} months ({src})",
                )
            )
    elif acquisition != "owned":
        quote, rent_notes = pick_rent(hardware, cloud, assumptions.reserved_pricing)
        notes.extend(rent_notes)
        if quote is None:
            unknown.append(f"no rental price for {hardware.id} in the catalog")
        else:
            rent = quote
            up_hours = _service_hours(workload, assumptions)
            hours = _d(assumptions.hours_per_month) if rent.all_month else up_hours
            at = f" at {rent.provider}" if rent.provider else ""
            before.append(
                _line(
                    item="GPU rental",
                    usd=_usd(_d(gpus) * hours * _d(rent.usd_per_gpu_hour)),
                    basis=lambda: (
                        f"{sets} set(s) × {est.count} × {hardware.id} = {gpus} GPUs × {hours:,.0f} h × "
                        f"${rent.usd_per_gpu_hour:g}/GPU-h {rent.label}{at} ({rent.source})"
                    ),
                )
            )
    storage_gb = _d(sets) * (_d(round(est.weights_gb, 1)) + _d(assumptions.storage_extra_gb))
    before.append(
        _line(
            item="storage",
            usd=_usd(storage_gb * _d(assumptions.storage_usd_per_gb_month)),
            basis=lambda: (
                f"{storage_gb:,.0f} GB (weights + {assumptions.storage_extra_gb:g} GB per set) × ${assumptions.storage_usd_per_gb_month:g}/GB-month"
            ),
        )
    )
    after: list[CostPart] = []
    if operated:
        ops, ops_basis = operations_cost(gpus, assumptions)
        after.append(_line(item="operations staff", usd=_usd(ops), basis=ops_basis))
    else:
        notes.append("a card in a personal or team machine, not a service: no operations staff charged")
    subtotal = sum((_d(line.usd) for line in (*before, *after)), Decimal(0))
    return _SetCosts(gpus, tuple(before), tuple(after), subtotal, tuple(unknown), tuple(notes))


@lru_cache(maxsize=4096, typed=True)
def _egress(
    requests_per_day: float,
    output_tokens: int,
    days_per_month: float,
    bytes_per_output_token: float,
    usd_per_gb: float,
) -> CostPart:
    """The responses sent out in a month: the same line for every self-run route at a volume."""
    out_gb = _d(requests_per_day) * _d(days_per_month) * _d(output_tokens) * _d(bytes_per_output_token) / Decimal(1e9)
    return _line(
        item="egress",
        usd=_usd(out_gb * _d(usd_per_gb)),
        basis=lambda: f"{out_gb:,.1f} GB of responses × ${usd_per_gb:g}/GB",
    )


def single_gpu_monthly_cost(
    hardware: Hardware,
    workload: Workload,
    assumptions: Assumptions,
    *,
    acquisition: str = "rented",
    cloud: str = "any",
    operated: bool = True,
) -> CostBreakdown:
    """One GPU kept up for the service's hours (a speech or image model whose throughput is not sized): its rent,
    or its power at full draw (owned), plus operations staff for a server. The notes say capacity is unknown."""
    up_hours = _service_hours(workload, assumptions)
    lines: list[CostPart] = []
    unknown: list[str] = []
    notes = ["one GPU kept up; how many requests it carries is not sized for this kind of model"]
    if acquisition == "rented":
        quote, rent_notes = pick_rent(hardware, cloud, assumptions.reserved_pricing)
        notes.extend(rent_notes)
        if quote is None:
            unknown.append(f"no rental price for {hardware.id} in the catalog")
        else:
            rent = quote
            hours = _d(assumptions.hours_per_month) if rent.all_month else up_hours
            lines.append(
                _line(
                    item="GPU rental",
                    usd=_usd(hours * _d(rent.usd_per_gpu_hour)),
                    basis=lambda: (
                        f"1 × {hardware.id} × {hours:,.0f} h × ${rent.usd_per_gpu_hour:g}/GPU-h "
                        f"{rent.label} ({rent.source})"
                    ),
                )
            )
    else:
        watts = _device_watts(hardware, assumptions)
        lines.append(
            _line(
                item="power",
                usd=_usd(_d(watts) / 1000 * up_hours * _d(assumptions.power_usd_per_kwh)),
                basis=lambda: f"{watts:g} W × {up_hours:,.0f} h × ${assumptions.power_usd_per_kwh:g}/kWh (owned)",
            )
        )
    if operated:
        ops, ops_basis = operations_cost(1, assumptions)
        lines.append(_line(item="operations staff", usd=_usd(ops), basis=ops_basis))
    return _total(lines, unknown=unknown, units=1, notes=notes)


def _server_power(
    est: Estimate,
    hardware: Hardware,
    workload: Workload,
    assumptions: Assumptions,
    sets: int,
    gpus: int,
    up_hours: Decimal,
    acquisition: str,
) -> CostPart:
    """Electricity for GPUs you own or bought: busy hours at full power, the rest of the hours they stay on at
    idle power where the catalog has an idle figure (otherwise idle draw is left out, and the basis says so —
    the same rule as a local machine)."""
    watts = _device_watts(hardware, assumptions)
    idle = getattr(hardware.spec, "idle_w", None)
    had = "GPUs owned: no rent" if acquisition == "owned" else "bought: no rent"
    rate = _d(assumptions.power_usd_per_kwh)
    per_request = seconds_per_request(est, workload)
    busy_share = min(_d(workload.requests_per_day) * _d(per_request) / _d(workload.hours_per_day * 3600) / sets, _d(1))
    busy = up_hours * busy_share
    if idle:
        kwh = _d(gpus) * (busy * _d(watts) + (up_hours - busy) * _d(idle)) / 1000

        def basis() -> str:
            return (
                f"{gpus} × ({watts:g} W × {busy:,.0f} busy h + {idle:g} W idle × {up_hours - busy:,.0f} h) "
                f"× ${assumptions.power_usd_per_kwh:g}/kWh ({had})"
            )
    else:
        kwh = _d(gpus) * _d(watts) * busy / 1000

        def basis() -> str:
            return (
                f"{gpus} × {watts:g} W × {busy:,.0f} busy h × ${assumptions.power_usd_per_kwh:g}/kWh "
                f"(no idle figure for {hardware.id} in the catalog: idle draw not counted; {had})"
            )

    return _line(item="power", usd=_usd(kwh * rate), basis=basis)


def _device_watts(hardware: Hardware, assumptions: Assumptions) -> float:
    kind = hardware.kind.value
    watts = hardware.spec.tdp_w or assumptions.device_power_w.get(kind, 300.0)
    if kind in ("consumer-gpu", "workstation-gpu"):
        watts += assumptions.host_power_w
    return float(watts)


# ---------------------------------------------------------------- local routes


def local_monthly_cost(
    hardware: Hardware,
    workload: Workload,
    assumptions: Assumptions,
    *,
    owned: bool = True,
    units: int = 1,
    est: Estimate | None = None,
    capacity_requests_per_day: float | None = None,
) -> CostBreakdown:
    """A machine of your own: power while it works (+ its purchase over the amortisation period unless owned).

    Busy hours come from the estimate (requests × seconds each) when given, else from the duty-cycle default.
    ``capacity_requests_per_day``: what the machines carry; beyond it the cost is unknown (the route cannot carry
    the volume), so cost curves end where the hardware runs out.
    """
    if units < 1:
        return CostBreakdown(None, [], ["units must be at least 1"])
    if capacity_requests_per_day is not None and workload.requests_per_day > capacity_requests_per_day * units:
        why = (
            f"{units} × {hardware.name} carries about {capacity_requests_per_day * units:,.0f} requests/day; "
            f"{workload.requests_per_day:,.0f} asked"
        )
        return CostBreakdown(None, [], [why], units, [why])
    lines: list[CostPart] = []
    unknown: list[str] = []
    notes: list[str] = []
    up_hours = _d(workload.hours_per_day) * _d(assumptions.days_per_month)
    if est is not None:
        busy = (
            _d(workload.requests_per_day)
            * _d(assumptions.days_per_month)
            * _d(seconds_per_request(est, workload))
            / 3600
        )
        busy = min(busy, up_hours * units)
        sized = est

        def busy_text() -> str:
            return f"{busy:,.0f} busy h (requests × {seconds_per_request(sized, workload):.1f} s each)"
    else:
        busy = up_hours * _d(assumptions.local_duty_cycle) * units

        def busy_text() -> str:
            return f"{busy:,.0f} busy h ({assumptions.local_duty_cycle:.0%} of {up_hours:,.0f} h)"

    watts = _device_watts(hardware, assumptions)
    kwh = busy * _d(watts) / 1000
    lines.append(
        _line(
            item="power",
            usd=_usd(kwh * _d(assumptions.power_usd_per_kwh)),
            basis=lambda: f"{watts:g} W × {busy_text()} × ${assumptions.power_usd_per_kwh:g}/kWh",
        )
    )
    idle_w = getattr(hardware.spec, "idle_w", None)
    if not owned and idle_w:
        idle_hours = max(up_hours * units - busy, Decimal(0))
        lines.append(
            _line(
                item="idle power",
                usd=_usd(idle_hours * _d(idle_w) / 1000 * _d(assumptions.power_usd_per_kwh)),
                basis=lambda: f"{idle_w:g} W × {idle_hours:,.0f} idle h of the {up_hours:,.0f} h it stays on",
            )
        )
    if owned:
        notes.append(f"{hardware.name} already owned: no purchase cost")
    elif hardware.purchase is None:
        unknown.append(f"no purchase price for {hardware.id} in the catalog")
    else:
        src, price = hardware.sources[hardware.purchase.source].url, hardware.purchase.usd
        monthly = _d(price) * units / _d(assumptions.amortisation_months)
        lines.append(
            _line(
                item="hardware (amortised)",
                usd=_usd(monthly),
                basis=lambda: f"{units} × ${price:,.0f} ÷ {assumptions.amortisation_months} months ({src})",
            )
        )
    notes.append("a desktop or laptop running a local runtime: no operations staff charged (servers are)")
    return _total(lines, unknown=unknown, units=units, notes=notes)


# ---------------------------------------------------------------- curves and break-even


def cost_curve(route_cost: Callable[[float], float | None], volumes: list[float]) -> list[CurvePoint]:
    """The route's monthly cost at each volume (requests/day); volumes where it is unknown are left out."""
    points = []
    for volume in volumes:
        usd = route_cost(volume)
        if usd is not None:
            points.append(CurvePoint(requests_per_day=volume, monthly_cost_usd=round(usd, 2)))
    return points


def break_even(
    api_cost: Callable[[float], float | None],
    self_hosted_cost: Callable[[float], float | None],
    lo: float,
    hi: float,
    steps: int = 120,
) -> float | None:
    """Requests/day above which the self-hosted route costs less than the API route; None if not in [lo, hi].

    Scans a geometric grid, then bisects the first interval where the API stops being cheaper
    (self-hosted cost is a step function of GPU sets, so the crossing can sit on a step). 120 steps over the
    curves' five decades is a step of 10% in volume; 240 found the same crossing for every shipped profile at
    twice the cost (each step costs both routes), a window narrower than a step can be missed by either.
    """
    if hi <= 0 or hi < lo:
        return None
    start = max(lo, hi * 1e-6, 1e-6)

    def diff(v: float) -> float | None:
        a, s = api_cost(v), self_hosted_cost(v)
        if a is None or s is None:
            return None
        return a - s

    first = diff(start)
    if first is not None and first >= 0:
        return None  # self-hosted already cheaper at the bottom of the range: no crossing in it
    ratio = (hi / start) ** (1 / steps) if hi > start else 1.0
    prev_v, prev_d = start, first
    for i in range(1, steps + 1):
        v = start * ratio**i if i < steps else hi
        d = diff(v)
        if d is None:
            prev_v, prev_d = v, d
            continue
        if prev_d is not None and prev_d < 0 <= d:
            a, b = prev_v, v
            for _ in range(60):
                mid = math.sqrt(a * b)
                dm = diff(mid)
                if dm is None:
                    break
                if dm >= 0:
                    b = mid
                else:
                    a = mid
                if b - a <= max(1e-6, b * 1e-6):
                    break
            return b
        prev_v, prev_d = v, d
    return None
