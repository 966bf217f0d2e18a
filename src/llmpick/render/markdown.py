"""The recommendation as Markdown, for sharing in a ticket, a wiki or a pull request."""

from __future__ import annotations

from collections import defaultdict

from llmpick.engine.result import Recommendation, Route
from llmpick.render.text import money, speed, where


def render_markdown(rec: Recommendation, *, max_excluded: int = 30) -> str:
    fw = rec.framework
    out: list[str] = [f"# LLM recommendation: {_esc(rec.profile_name)}", ""]
    out.append(
        f"_Catalog {rec.catalog_version}, facts as of {rec.catalog_as_of}; lifecycle and prices evaluated on "
        f"{rec.as_of}. Schema `{rec.schema_}`._"
    )
    out += ["", "## The framework's verdicts", ""]
    verdicts = [
        ("Model openness", fw.openness.choice, fw.openness.reasons),
        ("Task use case", ", ".join(fw.task.tasks), fw.task.reasons + [f"pipeline — {p}" for p in fw.task.pipeline]),
        (
            "Precision & domain knowledge",
            f"{fw.precision.choice} (steps: {' → '.join(fw.precision.steps)})",
            fw.precision.reasons,
        ),
        ("Deployment & inference", fw.deployment.choice, fw.deployment.reasons),
        ("Speed tier", fw.speed.choice, fw.speed.reasons),
    ]
    for title, choice, reasons in verdicts:
        out.append(f"**{title}: {_esc(choice)}**")
        out += [f"- {_esc(r)}" for r in reasons]
        out.append("")
    if rec.recommendations:
        out += [
            "## Ranked routes",
            "",
            "| # | Model | Openness | Licence | Deployment | Where | Monthly cost | Speed | Score |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for r in rec.recommendations:
            out.append(
                f"| {r.rank} | {_esc(r.name)} | {r.openness} | {_esc(r.license)} | {r.deployment} | {_esc(where(r))} | "
                f"{money(r.monthly_cost_usd)} | {speed(r.decode_tokens_per_s)} | {r.score:.2f} |"
            )
        out.append("")
        for r in rec.recommendations:
            out += _route_details(r)
    if rec.pipeline:
        out += ["## The other stages of the pipeline", ""]
        for plan in rec.pipeline:
            out.append(f"**{_esc(plan.stage)}**")
            for r in plan.routes:
                out.append(
                    f"{r.rank}. {_esc(r.name)} — {r.deployment} via {_esc(where(r))}, {money(r.monthly_cost_usd)}/month"
                )
            out.append("")
    if rec.hybrid:
        out += ["## Hybrid plan", ""]
        for h in rec.hybrid.routes:
            tag = "sensitive" if h.sensitive else "non-sensitive"
            out.append(
                f"- **{_esc(h.when)}** ({tag}): {_esc(h.use.name)} via {_esc(where(h.use))} — {money(h.use.monthly_cost_usd)}/month"
            )
        out += [f"- {_esc(r)}" for r in rec.hybrid.reasons]
        if rec.hybrid.monthly_cost_usd is not None:
            out.append(f"- total about {money(rec.hybrid.monthly_cost_usd)} a month")
        out.append("")
    if rec.break_even:
        be = rec.break_even
        out += [
            "## Self-hosting break-even",
            "",
            f"- API: {_esc(be.api_route)}",
            f"- self-run: {_esc(be.self_hosted_route)}",
        ]
        out += [f"- {_esc(r)}" for r in be.reasons]
        out.append("")
    if rec.infeasible:
        out += ["## No route fits", ""]
        out += [f"- {_esc(r)}" for r in rec.infeasible.reasons]
        out += ["", "What to relax:", ""]
        for relax in rec.infeasible.relax:
            out.append(
                f"- {_esc(relax if isinstance(relax, str) else f'{relax.constraint}: {relax.change} (admits {relax.unlocks} route(s))')}"
            )
        out.append("")
    if rec.excluded:
        out += ["## Main exclusions, by rule", ""]
        by_rule: dict[str, list[str]] = defaultdict(list)
        for ex in rec.excluded:
            by_rule[ex.rules[0] if ex.rules else "other"].append(
                f"{ex.model} ({ex.provider or ex.deployment}): {ex.reasons[0]}"
            )
        shown = 0
        for rule_name in sorted(by_rule, key=lambda k: -len(by_rule[k])):
            items = by_rule[rule_name]
            out.append(f"**{rule_name}** — {len(items)} route(s)")
            for item in items[:3]:
                out.append(f"- {_esc(item)}")
                shown += 1
            out.append("")
            if shown >= max_excluded:
                break
    if rec.assumptions:
        out += ["## Assumptions", ""] + [f"- {_esc(a)}" for a in rec.assumptions] + [""]
    return "\n".join(out).rstrip() + "\n"


def _route_details(r: Route) -> list[str]:
    lines = [f"### {r.rank}. {_esc(r.name)} — {r.deployment} via {_esc(where(r))}", ""]
    lines += [f"- {_esc(reason)}" for reason in r.reasons]
    lines += [f"- ⚠ {_esc(caveat)}" for caveat in r.caveats]
    if r.cost_breakdown:
        lines.append(
            "- cost: " + "; ".join(f"{_esc(c.item)} {money(c.usd)} ({_esc(c.basis)})" for c in r.cost_breakdown)
        )
    if r.sources:
        lines.append("- sources: " + ", ".join(r.sources))
    lines.append("")
    return lines


def _esc(text: str) -> str:
    """Keep user text from breaking table cells or injecting HTML into rendered Markdown."""
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
