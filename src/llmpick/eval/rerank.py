"""Measured figures back into the advice: re-rank a recommendation's routes with an eval run's results.

Only measured QUALITY enters the ranking: the lower bound of the 95 % Wilson interval of the route's
quality pass rate (quality checks only; latency and cost are separate dimensions, never mixed in), so a
handful of lucky answers does not outrank a benchmark. Each route's total is recomputed with the engine's
own weights for the profile (``llmpick.engine.scoring.weights_for``), the same weighted mean the engine ranks
by. A route that was not evaluated (no credential, unreachable, no usable check) keeps its catalog estimate
and its place; an evaluated route moves above another only on its score, and never above a route whose
quality is higher (measured, or the catalog's where unmeasured). The framework's verdicts are recomputed
for the new top route. Measured speed and cost are shown next to each route; measured decode speed is
recorded for sizing only on request, and only for a model whose server confirmed its name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from llmpick.engine.result import Recommendation, Route
from llmpick.errors import LlmpickError
from llmpick.eval.report import SCHEMA, EndpointSummary, EvalResults, money
from llmpick.sizing.measured import decode_file, measured_decode, record_decode  # noqa: F401 - public here too

UNKNOWN_QUALITY_CAVEAT = "quality is unknown"


def load_results(path: Path) -> EvalResults:
    """Read the JSON written by ``llmpick eval --format json``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LlmpickError(f"{path}: eval results file not found") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise LlmpickError(f"{path}: not JSON ({exc}); write it with `llmpick eval … --format json -o FILE`") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise LlmpickError(f"{path}: not llmpick eval results (expected schema {SCHEMA!r})")
    try:
        return EvalResults.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise LlmpickError(f"{path}: {'.'.join(map(str, first['loc']))}: {first['msg']}") from None


def _weights(profile: Any) -> dict[str, float]:
    """The engine's weights for this profile (its raised dimensions included); the base weights without one."""
    from llmpick.engine.policy import load_policy
    from llmpick.engine.scoring import weights_for

    policy = load_policy()
    if profile is None:
        return dict(policy.weights.base)
    return dict(weights_for(profile, policy)[0])


def match(route: Route, results: EvalResults) -> EndpointSummary | None:
    """The endpoint that stood for exactly this route (rank, model, deployment, provider, runtime, hardware)."""
    for summary in results.endpoints:
        ref = summary.route
        if ref is not None and (ref.rank, ref.model, ref.deployment, ref.provider, ref.runtime, ref.hardware) == (
            route.rank,
            route.model,
            route.deployment,
            route.provider,
            route.runtime,
            route.hardware,
        ):
            return summary
    return None


def measured_quality(summary: EndpointSummary) -> float | None:
    """The figure ranking uses: the Wilson lower bound of the quality pass rate; None when not evaluated."""
    return summary.quality.low if summary.quality is not None and summary.quality.n else None


def measured_note(summary: EndpointSummary, suite: str) -> str:
    if summary.quality is None:
        return f"not evaluated on suite {suite!r}: {summary.not_evaluated or 'no usable result'}"
    parts = [f"quality {summary.quality.text()}"]
    if len(summary.quality_by_task) > 1:
        parts.append("; ".join(f"{task} {rate.text()}" for task, rate in summary.quality_by_task.items()))
    if summary.latency_p50_s is not None:
        parts.append(f"latency p50 {summary.latency_p50_s:.1f} s")
    if summary.ttft_p50_s is not None:
        parts.append(f"TTFT {summary.ttft_p50_s:.2f} s")
    if summary.tokens_per_s is not None:
        parts.append(f"{summary.tokens_per_s:.0f} tok/s on the machine that served the eval")
    if summary.monthly_cost_usd is not None:
        parts.append(f"{money(summary.monthly_cost_usd)}/month at the profile's request sizes")
    if summary.errors or summary.check_errors:
        kinds = [f"{k}×{v}" for k, v in summary.error_kinds.items()]
        if summary.check_errors:
            kinds.append(f"checks not evaluated×{summary.check_errors}")
        parts.append("errors: " + ", ".join(kinds))
    return f"measured on suite {suite!r}: " + ", ".join(parts)


def apply_eval(recommendation: Recommendation, results: EvalResults, profile: Any = None) -> Recommendation:
    """A copy of the recommendation re-ranked by measured quality where a route was evaluated.

    ``profile``: the profile the recommendation was made for (its weights and verdicts); without it the
    policy's base weights are used and the framework's verdicts are only annotated.
    """
    weights = _weights(profile)
    originals = recommendation.recommendations
    routes = [r.model_copy(deep=True) for r in originals]
    quality: dict[int, float] = {}
    evaluated = 0
    for route, original in zip(routes, originals, strict=True):
        summary = match(original, results)
        if summary is None:
            route.caveats.append("not evaluated on your prompts: quality is the catalog's estimate")
        else:
            measured = measured_quality(summary)
            route.reasons.insert(0, measured_note(summary, results.suite))
            if measured is not None:
                evaluated += 1
                _apply_quality(route, original, measured, weights, summary)
            else:
                route.caveats.append(f"not evaluated: {summary.not_evaluated}; the catalog's estimates stand")
        quality[id(route)] = route.scores.get("quality", 0.0)
    order = _reorder(routes, quality)
    for rank, route in enumerate(order, start=1):
        route.rank = rank
    notes = [
        f"routes re-ranked by measured quality from eval run {results.run_id} of suite {results.suite!r}"
        + ("" if results.complete else " (an incomplete run)")
        + f": {evaluated} of {len(routes)} route(s) evaluated"
    ]
    if evaluated == 0:
        notes[0] = f"eval run {results.run_id} of suite {results.suite!r} matched no evaluated route: order unchanged"
    elif evaluated < len(routes):
        notes.append(
            "the comparison is uneven: unevaluated routes keep the catalog's quality estimate; evaluate them too"
        )
    framework = _framework(recommendation, order, profile)
    return recommendation.model_copy(
        update={
            "recommendations": order,
            "framework": framework,
            "assumptions": [*recommendation.assumptions, *notes],
        }
    )


def _apply_quality(
    route: Route, original: Route, measured: float, weights: dict[str, float], summary: EndpointSummary
) -> None:
    """Replace the quality dimension and recompute the total with the engine's weighted mean."""
    route.scores["quality"] = round(measured, 3)
    total = sum(weights.get(d, 0.0) for d in route.scores) or 1.0
    delta = weights.get("quality", 0.0) * (route.scores["quality"] - original.scores.get("quality", 0.0))
    route.score = round(original.score + delta / total, 4)
    route.caveats = [c for c in route.caveats if UNKNOWN_QUALITY_CAVEAT not in c]
    route.caveats.append(
        f"quality measured on {summary.quality.n if summary.quality else 0} answer(s) of your prompts "
        "(ranked by the lower end of its 95% interval), in place of the catalog estimate"
    )


def _reorder(routes: list[Route], quality: dict[int, float]) -> list[Route]:
    """From the engine's order, move a route up past another only when its new score is higher AND its
    quality is at least as high: a model that fails more never rises above one that passes more."""
    order = list(routes)
    changed = True
    while changed:  # each swap removes one score inversion, so this ends
        changed = False
        for i in range(len(order) - 1):
            above, below = order[i], order[i + 1]
            if below.score > above.score and quality[id(below)] >= quality[id(above)]:
                order[i], order[i + 1] = below, above
                changed = True
    return order


def _route_id(route: Route) -> tuple[object, ...]:
    return (route.model, route.deployment, route.provider, route.runtime, route.hardware)


def _framework(recommendation: Recommendation, order: list[Route], profile: Any) -> Any:
    framework = recommendation.framework
    if (
        not order
        or not recommendation.recommendations
        or _route_id(order[0]) == _route_id(recommendation.recommendations[0])
    ):
        return framework  # the same route (not just the same model: it may be listed once per deployment) leads
    top = order[0]
    where = top.provider or top.runtime or "?"
    label = f"{top.model} via {where}" + (f" on {top.hardware}" if top.hardware else "")
    if profile is not None:
        from llmpick.engine.verdicts import deployment_verdict, openness_verdict

        return framework.model_copy(
            update={
                "openness": openness_verdict(profile, top.openness, top.model),
                "deployment": deployment_verdict(profile, top.deployment, label),
            }
        )
    note = f"after re-ranking with measured quality the best route is {label}"
    return framework.model_copy(
        update={
            "openness": framework.openness.model_copy(update={"reasons": [*framework.openness.reasons, note]}),
            "deployment": framework.deployment.model_copy(update={"reasons": [*framework.deployment.reasons, note]}),
        }
    )


# --- measured decode speed on known hardware --------------------------------------------------------------


def record_from_results(results: EvalResults, path: Path | None = None) -> tuple[int, list[str]]:
    """Record the decode speed of evaluated local/self-hosted routes on known hardware, only where every
    answer came from the model asked for; returns (how many recorded, why the others were refused)."""
    count, refused = 0, []
    for summary in results.endpoints:
        ref = summary.route
        if ref is None or ref.hardware is None or ref.runtime is None or summary.tokens_per_s is None:
            continue
        if ref.deployment not in ("local", "self-hosted"):
            continue
        if summary.served_model_ok is not True:
            refused.append(
                f"{summary.name}: speed not recorded: asked for {summary.model!r}, the server answered as "
                f"{', '.join(summary.served_models) or 'an unnamed model'}"
            )
            continue
        record_decode(
            ref.hardware,
            ref.runtime,
            ref.model,
            summary.tokens_per_s,
            suite=results.suite,
            measured_at=results.generated_at,
            path=path,
        )
        count += 1
    return count, refused
