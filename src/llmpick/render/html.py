"""The recommendation as one self-contained HTML file: inline CSS, inline SVG charts, no script, no request.

The same building blocks (templates/_result.html, templates/report.css) render the web app's result page.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from llmpick import __version__
from llmpick.engine.result import Exclusion, Recommendation
from llmpick.errors import LlmpickError
from llmpick.profile import Profile, profile_to_yaml
from llmpick.render import charts
from llmpick.render.text import money, speed, where


@dataclass
class ChartView:
    name: str
    svg: Any  # markupsafe.Markup
    caption: str
    links: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ResultContext:
    rec: Recommendation
    charts: list[ChartView]
    exclusion_groups: list[tuple[str, list[Exclusion]]]


CAPTIONS = {
    "cost": "Monthly cost against requests a day for the top routes (dashed: self-run); "
    "the dotted line is your planned volume.",
    "breakdown": "What each route's monthly cost is made of.",
    "scores": "Each route's score per dimension (0–1) and overall.",
}


def group_exclusions(excluded: list[Exclusion]) -> list[tuple[str, list[Exclusion]]]:
    """Exclusions by their first rule, largest group first."""
    groups: dict[str, list[Exclusion]] = defaultdict(list)
    for ex in excluded:
        groups[ex.rules[0] if ex.rules else "other"].append(ex)
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def result_context(
    rec: Recommendation, volume: float | None = None, chart_links: dict[str, list[tuple[str, str]]] | None = None
) -> ResultContext:
    from markupsafe import Markup

    views = []
    for name in charts.CHARTS:
        svg = charts.chart(rec, name, volume)
        if svg is not None:
            views.append(ChartView(name, Markup(svg), _caption(rec, name), (chart_links or {}).get(name, [])))  # noqa: S704
    return ResultContext(rec, views, group_exclusions(rec.excluded))


def _caption(rec: Recommendation, name: str) -> str:
    be = rec.break_even
    if name != "cost" or be is None:
        return CAPTIONS[name]
    if be.requests_per_day:
        return CAPTIONS[name] + (
            f" The black dashed line marks the break-even at about {be.requests_per_day:,.0f} requests a day: "
            f"above it {be.self_hosted_route} costs less than {be.api_route}."
        )
    return CAPTIONS[name] + f" {be.self_hosted_route} and {be.api_route} do not cross in this range."


@cache
def environment() -> Any:
    """The Jinja2 environment of the report templates (autoescaped)."""
    try:
        import jinja2
    except ImportError:
        raise LlmpickError("the HTML report needs Jinja2: pip install 'llmpick[web]'") from None
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("llmpick.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    add_filters(env)
    return env


_URL = re.compile(r"https?://[^\s;,<>\"']+")


def source_href(text: str) -> str | None:
    """The web address in a source note ('genai-prices 0.2.3 (openai/x); https://…' → 'https://…'), if any."""
    found = _URL.search(str(text))
    return found.group(0).rstrip(").") if found else None


def add_filters(env: Any) -> None:
    env.filters["source_href"] = source_href
    env.filters["money"] = money
    env.filters["speed"] = speed
    env.filters["where"] = where


def render_html(rec: Recommendation, profile: Profile | None = None) -> str:
    """A self-contained HTML report of the recommendation (and the profile, when given)."""
    volume = profile.workload.requests_per_day if profile is not None else None
    return str(
        environment()
        .get_template("report.html")
        .render(
            rec=rec,
            ctx=result_context(rec, volume),
            profile_yaml=profile_to_yaml(profile) if profile is not None else None,
            version=__version__,
            generated=dt.date.today().isoformat(),
        )
    )
