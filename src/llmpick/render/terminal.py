"""The recommendation in the terminal, with rich: verdicts, ranked routes, hybrid plan, main exclusions."""

from __future__ import annotations

from collections import Counter

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from llmpick.engine.result import Recommendation
from llmpick.render.text import money, where


def render_terminal(rec: Recommendation, console: Console) -> None:
    fw = rec.framework
    console.print(
        Text(f"llmpick — {rec.profile_name}", style="bold"),
        Text(
            f"  catalog {rec.catalog_version} (facts as of {rec.catalog_as_of}; evaluated on {rec.as_of})", style="dim"
        ),
    )
    verdicts = [
        ("Openness", fw.openness.choice, fw.openness.reasons),
        ("Task", ", ".join(fw.task.tasks), fw.task.reasons + fw.task.pipeline),
        ("Precision", f"{fw.precision.choice}  [{' → '.join(fw.precision.steps)}]", fw.precision.reasons),
        ("Deployment", fw.deployment.choice, fw.deployment.reasons),
        ("Speed", fw.speed.choice, fw.speed.reasons),
    ]
    for title, choice, reasons in verdicts:
        body = Group(Text(choice, style="bold cyan"), *[Text(f"• {r}") for r in reasons[:4]])
        console.print(Panel(body, title=title, title_align="left", expand=True))
    if rec.recommendations:
        table = Table(title="Ranked routes", show_lines=False, expand=True)
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("model", ratio=3)
        table.add_column("openness · licence", ratio=2)
        table.add_column("deployment · where", ratio=4)
        table.add_column("$/month", justify="right", no_wrap=True)
        table.add_column("tok/s", justify="right", no_wrap=True)
        table.add_column("score", justify="right", no_wrap=True)
        for r in rec.recommendations:
            tps = "?" if r.decode_tokens_per_s is None else f"{r.decode_tokens_per_s:,.0f}"
            table.add_row(
                str(r.rank),
                r.name,
                f"{r.openness} · {r.license}",
                f"{r.deployment} · {where(r)}",
                money(r.monthly_cost_usd),
                tps,
                f"{r.score:.2f}",
            )
        console.print(table)
        for r in rec.recommendations[:3]:
            lines = [Text(f"• {x}") for x in r.reasons[:5]] + [Text(f"⚠ {x}", style="yellow") for x in r.caveats[:4]]
            console.print(Panel(Group(*lines), title=f"{r.rank}. {r.name}", title_align="left"))
    for plan in rec.pipeline:
        lines = [
            Text(f"{r.rank}. {r.name} — {r.deployment} · {where(r)} — {money(r.monthly_cost_usd)}/month")
            for r in plan.routes
        ]
        console.print(Panel(Group(*lines), title=f"Pipeline stage: {plan.stage}", title_align="left"))
    if rec.hybrid:
        lines = [
            Text(
                f"{h.when}: {h.use.name} via {where(h.use)} — {money(h.use.monthly_cost_usd)}/month",
                style="bold" if h.sensitive else "",
            )
            for h in rec.hybrid.routes
        ]
        lines += [Text(f"• {r}") for r in rec.hybrid.reasons]
        console.print(Panel(Group(*lines), title="Hybrid plan", title_align="left"))
    if rec.break_even:
        console.print(Panel("\n".join(rec.break_even.reasons), title="Self-hosting break-even", title_align="left"))
    if rec.infeasible:
        lines = [Text(r) for r in rec.infeasible.reasons]
        lines += [
            Text(
                "relax: " + (x if isinstance(x, str) else f"{x.constraint} — {x.change} ({x.unlocks} routes)"),
                style="yellow",
            )
            for x in rec.infeasible.relax
        ]
        console.print(Panel(Group(*lines), title="No route fits", title_align="left", border_style="red"))
    if rec.excluded:
        counts = Counter(rule for ex in rec.excluded for rule in ex.rules)
        summary = ", ".join(f"{rule}: {n}" for rule, n in counts.most_common())
        console.print(
            Text(
                f"Excluded {len(rec.excluded)} routes — {summary}  (--format markdown or json lists each with its reason)",
                style="dim",
            )
        )
