"""Measured figures back into the advice: re-rank a recommendation's routes with an eval run's results.

Measured quality (mean score, or pass rate), decode speed and API cost replace the catalog's estimates
in each evaluated route's per-dimension scores; the total is adjusted with the policy's base weights;
every figure that was measured is named in the route's reasons. Measured decode speed on known local
hardware is also recorded (a small JSON file) so sizing can show it next to its estimate.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from pydantic import ValidationError

from llmpick.engine.result import CostLine, Recommendation, Route
from llmpick.errors import LlmpickError
from llmpick.eval.report import SCHEMA, EndpointSummary, EvalResults
from llmpick.sizing.measured import decode_file, measured_decode, record_decode  # noqa: F401 - public here too

DEFAULT_WEIGHTS = {
    "quality": 3,
    "cost": 3,
    "speed": 2,
    "privacy": 1,
    "control": 1,
    "operations": 1,
    "support": 0.5,
    "freshness": 0.5,
}
DEFAULT_SPEED_NEED = {"ultra-fast": 250.0, "fast": 50.0, "moderate": 15.0, "slow": 0.0}


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


def _weights() -> dict[str, float]:
    try:
        from llmpick.engine.policy import load_policy

        return dict(load_policy().weights.base)
    except Exception:  # the policy file is optional for this estimate
        return dict(DEFAULT_WEIGHTS)


def _speed_need(tier: str) -> float:
    try:
        from llmpick.engine.policy import load_policy

        return float(load_policy().speed_tiers[tier].min_tokens_per_s)
    except Exception:
        return DEFAULT_SPEED_NEED.get(tier, 50.0)


def speed_score(tps: float, need: float) -> float:
    """The engine's speed curve: full marks well above the tier's need, a square-root fall below it."""
    if need <= 0:
        return min(1.0, 0.6 + tps / 250)
    return min(1.0, (tps / need) ** 0.5) if tps < need else min(1.0, 0.8 + 0.2 * min(tps / need, 3) / 3)


def cost_score(monthly: float, cheapest: float) -> float:
    """The engine's cost curve: the cheapest scores 1, ten times it 0.5, a hundred times 0."""
    return max(0.0, min(1.0, 1 - math.log10(max(monthly, 1.0) / cheapest) / 2))


def match(route: Route, results: EvalResults) -> EndpointSummary | None:
    for summary in results.endpoints:
        ref = summary.route
        if (
            ref is not None
            and ref.rank == route.rank
            and ref.model == route.model
            and ref.deployment == route.deployment
        ):
            return summary
    return None


def measured_note(summary: EndpointSummary, suite: str) -> str:
    parts = []
    if summary.pass_rate is not None:
        parts.append(f"{summary.pass_rate:.0%} pass ({summary.passed}/{summary.checked + summary.errors})")
    if summary.mean_score is not None:
        parts.append(f"score {summary.mean_score:.2f}")
    if summary.latency_p50_s is not None:
        parts.append(f"p50 {summary.latency_p50_s:.1f} s")
    if summary.ttft_p50_s is not None:
        parts.append(f"TTFT {summary.ttft_p50_s:.2f} s")
    if summary.tokens_per_s is not None:
        parts.append(f"{summary.tokens_per_s:.0f} tok/s")
    if summary.cost_per_request_usd is not None:
        parts.append(f"${summary.cost_per_request_usd:.5f}/request")
    if summary.errors:
        parts.append(
            f"{summary.errors} failed call(s): " + ", ".join(f"{k}×{v}" for k, v in summary.error_kinds.items())
        )
    return f"measured on suite {suite!r}: " + ", ".join(parts or ["no figures"])


def apply_eval(
    recommendation: Recommendation, results: EvalResults, weights: dict[str, float] | None = None
) -> Recommendation:
    """A copy of the recommendation, its routes re-ranked with the measured figures where a route was evaluated."""
    weights = weights or _weights()
    need = _speed_need(recommendation.framework.speed.choice)
    routes = [r.model_copy(deep=True) for r in recommendation.recommendations]
    measured = {id(r): match(orig, results) for r, orig in zip(routes, recommendation.recommendations, strict=True)}
    for route in routes:
        summary = measured[id(route)]
        if summary is None:
            route.caveats.append("not evaluated on your prompts: quality, speed and cost are catalog estimates")
            continue
        _apply_figures(route, summary, need, results)
    _rescore_cost(routes)
    for route, original in zip(routes, recommendation.recommendations, strict=True):
        total = sum(weights.get(d, 0) for d in route.scores) or 1.0
        delta = sum(
            weights.get(d, 0) * (route.scores[d] - original.scores.get(d, route.scores[d])) for d in route.scores
        )
        route.score = round(original.score + delta / total, 4)
    routes.sort(key=lambda r: (measured[id(r)] is None, -r.score))
    for rank, route in enumerate(routes, start=1):
        route.rank = rank
    note = f"routes re-ranked with measured figures from eval run {results.run_id} of suite {results.suite!r}" + (
        "" if results.complete else " (an incomplete run)"
    )
    return recommendation.model_copy(
        update={"recommendations": routes, "assumptions": [*recommendation.assumptions, note]}
    )


def _apply_figures(route: Route, summary: EndpointSummary, need: float, results: EvalResults) -> None:
    replaced = []
    quality = summary.mean_score if summary.mean_score is not None else summary.pass_rate
    if summary.ok == 0 and summary.errors:
        quality = 0.0
    if quality is not None:
        route.scores["quality"] = round(quality, 3)
        replaced.append("quality")
    if summary.tokens_per_s is not None:
        route.decode_tokens_per_s = round(summary.tokens_per_s, 1)
        route.scores["speed"] = round(speed_score(summary.tokens_per_s, need), 3)
        replaced.append("speed")
    if summary.ttft_p50_s is not None:
        route.time_to_first_token_s = round(summary.ttft_p50_s, 3)
    if summary.monthly_cost_usd is not None and route.deployment in ("saas-api", "hosted-open"):
        route.monthly_cost_usd = round(summary.monthly_cost_usd, 2)
        route.cost_breakdown = [
            CostLine(item="API usage (measured)", usd=route.monthly_cost_usd, basis=summary.monthly_basis or "measured")
        ]
        replaced.append("cost")
    route.reasons.insert(0, measured_note(summary, results.suite))
    if replaced:
        route.caveats.append(
            f"{', '.join(replaced)} measured on {summary.cells} call(s) of your prompts, "
            "in place of the catalog estimate"
        )
    if summary.errors and summary.ok == 0:
        route.caveats.append("every evaluated call failed: " + ", ".join(summary.error_kinds))


def _rescore_cost(routes: list[Route]) -> None:
    costs = [r.monthly_cost_usd for r in routes if r.monthly_cost_usd is not None]
    if not costs:
        return
    cheapest = max(min(costs), 1.0)
    for route in routes:
        if route.monthly_cost_usd is not None and "cost" in route.scores:
            route.scores["cost"] = round(cost_score(route.monthly_cost_usd, cheapest), 3)


# --- measured decode speed on known hardware --------------------------------------------------------------


def record_from_results(results: EvalResults, path: Path | None = None) -> int:
    """Record the decode speed of every evaluated local/self-hosted route on known hardware; returns how many."""
    count = 0
    for summary in results.endpoints:
        ref = summary.route
        if ref is None or ref.hardware is None or ref.runtime is None or summary.tokens_per_s is None:
            continue
        if ref.deployment not in ("local", "self-hosted"):
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
    return count
