"""Turn a scored candidate into the output's Route, with every reason and caveat traced to a fact or rule."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmpick.catalog.catalog import Catalog
from llmpick.catalog.prices import upcoming_price_changes
from llmpick.engine.candidates import SELF_RUN, Candidate
from llmpick.engine.lifecycle import Standing, standing
from llmpick.engine.policy import Policy
from llmpick.engine.quality import rate, tier_gap
from llmpick.engine.result import Route
from llmpick.engine.scoring import Scored
from llmpick.engine.stages import Stage
from llmpick.profile import Level, Profile
from llmpick.sizing.quantization import get_format

if TYPE_CHECKING:
    from llmpick.engine.evaluation import Run


def to_route(candidate: Candidate, rank: int, scored: Scored, profile: Profile, run: Run, stage: Stage) -> Route:
    model = candidate.model
    est = candidate.estimate
    cost = candidate.cost
    catalog, policy = run.catalog, run.policy
    task = stage.tasks[0].value
    rating = rate(model, policy, catalog, task=task)
    now = standing(model, candidate.offering, run.as_of, self_run=candidate.deployment in SELF_RUN)
    return Route(
        rank=rank,
        model=model.id,
        name=model.name,
        openness=model.openness.value,
        license=model.license.spdx or model.license.name,
        tasks=[t.value for t in model.tasks],
        deployment=candidate.deployment,  # type: ignore[arg-type]
        provider=candidate.provider.id if candidate.provider else None,
        runtime=candidate.runtime,
        hardware=candidate.hardware.id if candidate.hardware else None,
        hardware_count=candidate.hardware_count,
        acquisition=candidate.acquisition,  # type: ignore[arg-type]
        replicas=candidate.replicas if candidate.deployment in SELF_RUN else None,
        capacity_requests_per_day=round(candidate.capacity_requests_per_day)
        if candidate.capacity_requests_per_day is not None and candidate.capacity_requests_per_day < 1e12
        else None,
        quantization=est.quantization if est else None,
        memory_gb=round(est.memory_gb, 1) if est else None,
        context_window=model.capabilities.context_window,
        decode_tokens_per_s=_round(candidate.decode_tokens_per_s),
        time_to_first_token_s=_round(candidate.time_to_first_token_s, 2),
        monthly_cost_usd=round(cost.total_usd, 2) if cost and cost.total_usd is not None else None,
        cost_breakdown=list(cost.lines) if cost else [],
        quality_tier=rating.tier,
        quality_rated=rating.known,
        status=now.status,  # type: ignore[arg-type]
        shutdown_on=now.shutdown_on.isoformat() if now.shutdown_on else None,
        score=round(scored.total, 3),
        scores=scored.dimensions,
        reasons=_reasons(candidate, scored, profile, catalog, policy, task),
        caveats=_caveats(candidate, profile, run, task, now),
        supersedes=list(model.supersedes),
        sources=_sources(candidate),
    )


def _round(value: float | None, digits: int = 1) -> float | None:
    return round(value, digits) if value is not None else None


def _reasons(
    candidate: Candidate, scored: Scored, profile: Profile, catalog: Catalog, policy: Policy, task: str
) -> list[str]:
    model = candidate.model
    reasons: list[str] = []
    rating = rate(model, policy, catalog, task=task)
    if rating.known:
        reasons.append(f"quality: {rating.basis}")
    cost = candidate.cost
    if cost is not None and cost.total_usd is not None:
        reasons.append(f"about ${cost.total_usd:,.2f} a month at {profile.workload.requests_per_day:,.0f} requests/day")
    if candidate.estimate is not None:
        est = candidate.estimate
        on = (
            f"{candidate.hardware_count}× {candidate.hardware.name}"
            if candidate.hardware and (candidate.hardware_count or 1) > 1
            else (candidate.hardware.name if candidate.hardware else "")
        )
        reasons.append(
            f"fits {on} at {est.quantization} ({est.memory_gb:.1f} of {est.available_gb:.0f} GB) with {candidate.runtime}"
        )
        reasons.append(
            f"about {est.decode_tokens_per_s:.0f} tokens/s single-stream (estimate: {est.decode_range[0]:.0f}–{est.decode_range[1]:.0f})"
        )
    elif candidate.decode_tokens_per_s is not None and candidate.offering and candidate.offering.speed:
        src = candidate.offering.sources[candidate.offering.speed.source].url
        reasons.append(
            f"about {candidate.decode_tokens_per_s:.0f} output tokens/s at {candidate.provider.name if candidate.provider else '?'} ({src})"
        )
    if candidate.deployment in SELF_RUN and candidate.capacity_requests_per_day is not None and est is not None:
        sets = candidate.replicas
        carried = candidate.capacity_requests_per_day * (sets if candidate.deployment == "self-hosted" else 1)
        if carried < 1e12:
            reasons.append(
                f"capacity: about {carried:,.0f} requests/day"
                + (f" on {sets} set(s)" if candidate.deployment == "self-hosted" else " on this one machine")
                + f" for the {profile.workload.requests_per_day:,.0f} planned"
            )
    if candidate.deployment in SELF_RUN and candidate.acquisition != "rented":
        reasons.append("the data stays on machines you control")
    elif candidate.deployment == "self-hosted":
        reasons.append("the data stays on GPU instances you rent and control")
    if candidate.owned_hardware:
        reasons.append("runs on hardware you already have")
    reasons.extend(candidate.notes)
    if candidate.provider is not None:
        reasons.extend(_provider_reasons(candidate, profile))
    if model.supersedes:
        older = [catalog.models[m].name for m in model.supersedes if m in catalog.models]
        reasons.append(f"current model that supersedes {', '.join(older)}")
    if model.license.commercial_use and model.is_open:
        reasons.append(f"licence: {model.license.name} allows commercial use")
    strongest = sorted(scored.dimensions.items(), key=lambda kv: -kv[1] * scored.weights.get(kv[0], 0))[:2]
    reasons.append("strongest on " + " and ".join(f"{dim} ({value:.2f})" for dim, value in strongest))
    return [r for r in reasons if r]


def _provider_reasons(candidate: Candidate, profile: Profile) -> list[str]:
    assert candidate.provider is not None
    compliance = candidate.provider.compliance
    held = [
        name
        for name, on in (
            ("SOC 2", compliance.soc2),
            ("ISO 27001", compliance.iso27001),
            ("HIPAA BAA", compliance.hipaa_baa),
            ("GDPR DPA", compliance.gdpr_dpa),
            ("zero data retention", compliance.zero_data_retention),
        )
        if on
    ]
    out = []
    if held:
        out.append(f"{candidate.provider.name}: {', '.join(held)}")
    if (
        profile.team.needs_vendor_support
        and candidate.provider.support
        and candidate.provider.support.enterprise_support
    ):
        out.append(
            f"{candidate.provider.name} offers enterprise support"
            + (f" ({candidate.provider.support.sla})" if candidate.provider.support.sla else "")
        )
    return out


def _caveats(candidate: Candidate, profile: Profile, run: Run, task: str, now: Standing) -> list[str]:
    model = candidate.model
    policy, catalog = run.policy, run.catalog
    caveats: list[str] = []
    successor = f"; move to {now.successor}" if now.successor else ""
    if now.shutdown_on is not None and 0 <= (now.shutdown_on - run.as_of).days <= policy.lifecycle.warn_days:
        caveats.append(
            f"{model.name} shuts down{' here' if now.where == 'this offering' else ''} on {now.shutdown_on}{successor}"
        )
    elif now.status == "deprecated":
        since = f" since {model.release.deprecated_on}" if model.release.deprecated_on else ""
        caveats.append(f"{model.name} is deprecated{since}{successor}")
    rating = rate(model, policy, catalog, task=task)
    if not rating.known:
        caveats.append(
            f"unrated: no benchmark figure for {task} in the catalog — try it on your own prompts (llmpick eval)"
        )
    elif (tier_gap(rating.tier, profile.quality.value) or 0) > 0:
        caveats.append(f"rates {rating.tier}, one tier below the {profile.quality.value} quality asked for")
    caveats.extend(_price_caveats(candidate, profile, run))
    cost = candidate.cost
    if cost is not None:
        caveats.extend(cost.unknown)
        budget = profile.budget.monthly_usd
        if budget is not None and cost.total_usd is None:
            caveats.append(f"monthly cost unknown, so the ${budget:,.0f} budget cannot be checked")
    target = run.speed
    if candidate.decode_tokens_per_s is None:
        caveats.append(
            "output speed unknown for this route"
            + (
                " — ranked below routes with a measured speed for this latency-bound use"
                if target.latency_bound
                else ""
            )
        )
    elif 0 < candidate.decode_tokens_per_s < target.min_tokens_per_s:
        caveats.append(
            f"about {candidate.decode_tokens_per_s:.0f} tokens/s is below the {target.tier} target "
            f"(≥ {target.min_tokens_per_s:g}, {target.source})"
        )
    lic = model.license
    if model.is_open and lic.mau_limit:
        caveats.append(f"{lic.name}: above {lic.mau_limit:,} monthly active users you need a separate licence")
    if model.is_open and lic.attribution:
        caveats.append(f"licence duty: {lic.attribution}")
    if model.is_open and lic.acceptable_use_policy:
        caveats.append(f"the {lic.name} comes with an acceptable-use policy")
    if candidate.deployment in SELF_RUN and profile.team.ml_expertise is Level.NONE:
        caveats.append("team.ml_expertise is none: running models yourself needs someone who can operate them")
    if candidate.acquisition == "bought" and candidate.hardware and candidate.hardware.purchase:
        units = (candidate.hardware_count or 1) * (candidate.replicas if candidate.deployment == "self-hosted" else 1)
        caveats.append(
            f"assumes buying {units}× {candidate.hardware.name} (${candidate.hardware.purchase.usd * units:,.0f})"
        )
    if profile.team.needs_vendor_support and candidate.provider is None:
        caveats.append("team.needs_vendor_support: self-run routes have community support only")
    if candidate.estimate is not None and get_format(candidate.estimate.quantization).below_4bit:
        caveats.append("only fits below 4-bit quantization: expect a noticeable loss of quality")
    return caveats


def _price_caveats(candidate: Candidate, profile: Profile, run: Run) -> list[str]:
    """Dated price changes within the lifecycle warning window, and prices that depend on the hour."""
    if candidate.offering is None or candidate.price is None:
        return []
    out: list[str] = []
    changes = upcoming_price_changes(
        candidate.offering, run.as_of, run.policy.lifecycle.warn_days, prompt_tokens=profile.workload.input_tokens
    )
    out.extend(f"price change announced: {change.describe()}" for change in changes)
    if candidate.price.time_of_day:
        out.append(f"time-of-day pricing: {candidate.price.time_of_day}")
    return out


def _sources(candidate: Candidate) -> list[str]:
    urls: list[str] = []
    for record in (candidate.model, candidate.provider, candidate.offering, candidate.hardware):
        if record is None:
            continue
        for source in record.sources.values():
            if source.url not in urls:
                urls.append(source.url)
    if candidate.price is not None and candidate.price.source and candidate.price.source not in urls:
        urls.append(candidate.price.source)
    return urls
