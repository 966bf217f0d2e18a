"""Charts as self-contained SVG, drawn in Python: no JavaScript, no chart library, nothing fetched.

Each function returns an ``<svg>`` string (or ``None`` when the recommendation has no data for it),
safe to inline in HTML: every label is XML-escaped and no element ids are used, so several charts
can share a page. :func:`svg_to_png` converts one to PNG when the optional ``cairosvg`` is installed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

from llmpick.engine.result import CostCurve, Recommendation, Route
from llmpick.errors import LlmpickError
from llmpick.render.text import where

PALETTE = ["#2563eb", "#d97706", "#059669", "#dc2626", "#7c3aed", "#0891b2", "#be185d", "#4d7c0f"]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
TEXT = "#1f2937"
GRID = "#e5e7eb"
SELF_RUN = ("self-hosted", "local")
CHARTS: dict[str, str] = {
    "cost": "monthly cost against volume",
    "breakdown": "cost breakdown",
    "scores": "scores by dimension",
}


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _num(value: object) -> str:
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def el(tag: str, content: str | None = None, *, raw: str = "", **attrs: object) -> str:
    """One SVG element; attribute names use _ for - (stroke_width → stroke-width); content is escaped."""
    text = "".join(f' {k.rstrip("_").replace("_", "-")}="{_e(_num(v))}"' for k, v in attrs.items() if v is not None)
    if content is None and not raw:
        return f"<{tag}{text}/>"
    return f"<{tag}{text}>{raw}{_e(content) if content is not None else ''}</{tag}>"


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{_e(title)}" class="chart" font-family="{_e(FONT)}" font-size="12">'
    )
    background = el("rect", x=0, y=0, width=width, height=height, fill="#ffffff")
    return head + el("title", title) + background + "".join(body) + "</svg>"


def short_number(value: float) -> str:
    """1200 → 1.2k, 3_000_000 → 3M."""
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:.3g}{suffix}"
    return f"{value:.3g}"


def short_usd(value: float) -> str:
    return "$" + short_number(value)


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


class _Axis:
    """Maps data values to pixels, on a log or linear scale, and proposes ticks."""

    def __init__(self, low: float, high: float, start: float, end: float, log: bool) -> None:
        self.log = log
        if log:
            low, high = math.log10(low), math.log10(high)
        if high <= low:
            high = low + 1
        self.low, self.high, self.start, self.end = low, high, start, end

    def __call__(self, value: float) -> float:
        v = math.log10(max(value, 1e-12)) if self.log else value
        return self.start + (v - self.low) / (self.high - self.low) * (self.end - self.start)

    def ticks(self) -> list[float]:
        if self.log:
            return [10.0**e for e in range(math.ceil(self.low - 1e-9), math.floor(self.high + 1e-9) + 1)]
        span = self.high - self.low
        step = 10 ** math.floor(math.log10(span / 5)) if span > 0 else 1
        for factor in (1, 2, 5, 10):
            if span / (step * factor) <= 6:
                step *= factor
                break
        first = math.ceil(self.low / step) * step
        return [first + i * step for i in range(int((self.high - first) / step) + 1)]


def _grid(
    x: _Axis, y: _Axis, box: tuple[float, float, float, float], fx: Callable[[float], str], fy: Callable[[float], str]
) -> list[str]:
    x0, y0, x1, y1 = box
    out = []
    for t in x.ticks():
        out.append(el("line", x1=x(t), y1=y0, x2=x(t), y2=y1, stroke=GRID))
        out.append(el("text", fx(t), x=x(t), y=y1 + 16, text_anchor="middle", fill=TEXT))
    for t in y.ticks():
        out.append(el("line", x1=x0, y1=y(t), x2=x1, y2=y(t), stroke=GRID))
        out.append(el("text", fy(t), x=x0 - 6, y=y(t) + 4, text_anchor="end", fill=TEXT))
    out.append(el("rect", x=x0, y=y0, width=x1 - x0, height=y1 - y0, fill="none", stroke="#9ca3af"))
    return out


def cost_curve_chart(
    rec: Recommendation, volume: float | None = None, *, width: int = 760, height: int = 380
) -> str | None:
    """Monthly cost against requests a day for the top routes; break-even and the planned volume marked."""
    curves = [c for c in rec.cost_curves if c.points]
    xs = [p.requests_per_day for c in curves for p in c.points if p.requests_per_day > 0]
    ys = [p.monthly_cost_usd for c in curves for p in c.points if p.monthly_cost_usd > 0]
    if not xs or not ys:
        return None
    labels = [(f"{c.rank}. {c.label}" if c.rank else c.label) + " · " + c.deployment for c in curves]
    columns = 1 if max(len(label) for label in labels) > 48 else 2
    left, right, top = 72, 24, 28
    bottom = 48 + 20 * math.ceil(len(curves) / columns)
    x0, x1, y1 = left, width - right, height - bottom
    x = _Axis(min(xs), max(xs), x0, x1, log=max(xs) / min(xs) > 20)
    y_log = max(ys) / min(ys) > 50
    y = _Axis(min(ys) if y_log else 0, max(ys) * (1 if y_log else 1.08), y1, top, log=y_log)
    body = _grid(x, y, (x0, top, x1, y1), short_number, short_usd)
    body.append(
        el(
            "text",
            "requests a day" + (" (log scale)" if x.log else ""),
            x=(x0 + x1) / 2,
            y=y1 + 36,
            text_anchor="middle",
            fill=TEXT,
        )
    )
    body.append(
        el(
            "text",
            "monthly cost, USD" + (" (log)" if y_log else ""),
            transform=f"translate(16 {(top + y1) / 2}) rotate(-90)",
            text_anchor="middle",
            fill=TEXT,
        )
    )
    for i, curve in enumerate(curves):
        color = PALETTE[i % len(PALETTE)]
        dash = "7 4" if curve.deployment in SELF_RUN else None
        pts = [
            (x(p.requests_per_day), y(p.monthly_cost_usd))
            for p in curve.points
            if p.requests_per_day > 0 and (p.monthly_cost_usd > 0 or not y_log)
        ]
        series = [
            el("title", labels[i]),
            el(
                "polyline",
                fill="none",
                stroke=color,
                stroke_width=2.5,
                stroke_dasharray=dash,
                points=" ".join(f"{a:.1f},{b:.1f}" for a, b in pts),
            ),
        ]
        series += [el("circle", cx=a, cy=b, r=3, fill=color) for a, b in pts]
        body.append(el("g", raw="".join(series), class_="series"))
        lx = x0 + (i % columns) * (x1 - x0) / columns
        ly = y1 + 58 + (i // columns) * 20
        body.append(
            el("line", x1=lx, y1=ly - 4, x2=lx + 22, y2=ly - 4, stroke=color, stroke_width=3, stroke_dasharray=dash)
        )
        body.append(el("text", _clip(labels[i], 90 // columns), x=lx + 28, y=ly, fill=TEXT))
    mid = (x0 + x1) / 2
    if volume and min(xs) <= volume <= max(xs):
        vx = x(volume)
        body.append(el("line", x1=vx, y1=top, x2=vx, y2=y1, stroke="#6b7280", stroke_width=1.5, stroke_dasharray="2 3"))
        body.append(
            el(
                "text",
                f"your volume: {short_number(volume)}/day",
                x=vx - 4 if vx > mid else vx + 4,
                y=y1 - 8,
                text_anchor="end" if vx > mid else "start",
                fill="#4b5563",
            )
        )
    be = rec.break_even
    if be is not None and be.requests_per_day and min(xs) <= be.requests_per_day <= max(xs):
        bx = x(be.requests_per_day)
        cost = _cost_at(curves, be.api_route, be.requests_per_day, x.log)
        parts = [
            el(
                "title",
                f"break-even: {be.self_hosted_route} costs less than {be.api_route} "
                f"above about {be.requests_per_day:,.0f} requests a day",
            ),
            el("line", x1=bx, y1=top, x2=bx, y2=y1, stroke="#111827", stroke_width=1.5, stroke_dasharray="5 4"),
        ]
        if cost is not None and cost > 0:
            parts.append(el("circle", cx=bx, cy=y(cost), r=6, fill="none", stroke="#111827", stroke_width=2))
        parts.append(
            el(
                "text",
                f"break-even ≈ {short_number(be.requests_per_day)} req/day",
                x=bx - 6 if bx > mid else bx + 6,
                y=top + 28,
                text_anchor="end" if bx > mid else "start",
                font_weight=600,
                fill="#111827",
            )
        )
        body.append(el("g", raw="".join(parts), class_="break-even"))
    return _svg(width, height, f"Monthly cost against volume, {rec.profile_name}", body)


def _cost_at(curves: Sequence[CostCurve], label: str, volume: float, log_x: bool) -> float | None:
    """The cost of the curve labelled ``label`` at ``volume``, interpolated as it is drawn."""
    for curve in curves:
        if curve.label != label:
            continue
        points = sorted((p.requests_per_day, p.monthly_cost_usd) for p in curve.points)
        for (xa, ya), (xb, yb) in zip(points, points[1:], strict=False):
            if xa <= volume <= xb and xb > xa:
                if log_x and xa > 0:
                    t = (math.log10(volume) - math.log10(xa)) / (math.log10(xb) - math.log10(xa))
                else:
                    t = (volume - xa) / (xb - xa)
                return ya + t * (yb - ya)
    return None


def _route_label(route: Route) -> str:
    return _clip(f"{route.rank}. {route.name} · {where(route)}", 38)


def cost_breakdown_chart(rec: Recommendation, *, top: int = 5, width: int = 760) -> str | None:
    """Each route's monthly cost as a stacked bar of its cost lines."""
    routes = [r for r in rec.recommendations[:top] if any(c.usd > 0 for c in r.cost_breakdown)]
    if not routes:
        return None
    items = list(dict.fromkeys(c.item for r in routes for c in r.cost_breakdown if c.usd > 0))
    colors = {item: PALETTE[i % len(PALETTE)] for i, item in enumerate(items)}
    left, right, bar, gap = 280, 90, 22, 12
    height = 16 + len(routes) * (bar + gap) + 16 + math.ceil(len(items) / 3) * 20
    largest = max(sum(max(c.usd, 0) for c in r.cost_breakdown) for r in routes)
    scale = (width - left - right) / largest if largest > 0 else 0
    body: list[str] = []
    for i, route in enumerate(routes):
        top_y = 16 + i * (bar + gap)
        body.append(el("text", _route_label(route), x=left - 8, y=top_y + bar / 2 + 4, text_anchor="end", fill=TEXT))
        px, total = float(left), 0.0
        for line in route.cost_breakdown:
            if line.usd <= 0:
                continue
            w = line.usd * scale
            total += line.usd
            tip = el("title", f"{line.item}: ${line.usd:,.2f} ({line.basis})")
            body.append(el("rect", raw=tip, x=px, y=top_y, width=max(w, 0.5), height=bar, fill=colors[line.item]))
            px += w
        body.append(el("text", f"{short_usd(total)}/mo", x=px + 6, y=top_y + bar / 2 + 4, fill=TEXT, font_weight=600))
    legend_y = 16 + len(routes) * (bar + gap) + 12
    for i, item in enumerate(items):
        lx, ly = 16 + (i % 3) * (width - 32) / 3, legend_y + (i // 3) * 20
        body.append(el("rect", x=lx, y=ly, width=12, height=12, fill=colors[item]))
        body.append(el("text", _clip(item, 34), x=lx + 18, y=ly + 10, fill=TEXT))
    return _svg(width, height, f"Monthly cost breakdown, {rec.profile_name}", body)


def score_chart(rec: Recommendation, *, top: int = 5, width: int | None = None) -> str | None:
    """A grid of the routes' per-dimension scores (0–1), each cell a bar with its value."""
    routes = [r for r in rec.recommendations[:top] if r.scores]
    if not routes:
        return None
    dims = [*dict.fromkeys(d for r in routes for d in r.scores), "overall"]
    left, head, row_h = 280, 44, 28
    width = width or max(760, left + 16 + 76 * len(dims))
    cell = (width - left - 16) / len(dims)
    height = head + row_h * len(routes) + 12
    body: list[str] = []
    for j, dim in enumerate(dims):
        body.append(
            el(
                "text",
                _clip(dim, 11),
                x=left + j * cell + cell / 2,
                y=head - 12,
                text_anchor="middle",
                fill=TEXT,
                font_weight=600,
            )
        )
    for i, route in enumerate(routes):
        ry = head + i * row_h
        body.append(el("text", _route_label(route), x=left - 8, y=ry + row_h / 2 + 4, text_anchor="end", fill=TEXT))
        for j, dim in enumerate(dims):
            value = route.score if dim == "overall" else route.scores.get(dim)
            cx, cw = left + j * cell + 4, cell - 8
            body.append(el("rect", x=cx, y=ry + 4, width=cw, height=row_h - 8, fill="#f3f4f6"))
            if value is None:
                body.append(el("text", "—", x=cx + cw / 2, y=ry + row_h / 2 + 4, text_anchor="middle", fill="#9ca3af"))
                continue
            share = min(max(value, 0.0), 1.0)
            tip = el("title", f"{route.name} — {dim}: {value:.2f}")
            color = "#111827" if dim == "overall" else _heat(share)
            body.append(el("rect", raw=tip, x=cx, y=ry + 4, width=cw * share, height=row_h - 8, fill=color))
            body.append(
                el(
                    "text",
                    f"{value:.2f}",
                    x=cx + 4,
                    y=ry + row_h / 2 + 4,
                    font_size=11,
                    fill="#ffffff" if share > 0.45 else TEXT,
                )
            )
    return _svg(width, height, f"Scores by dimension, {rec.profile_name}", body)


def _heat(share: float) -> str:
    """Red (0) → amber → green (1)."""
    stops = [(0.0, (220, 38, 38)), (0.5, (217, 119, 6)), (1.0, (5, 150, 105))]
    for (s0, c0), (s1, c1) in zip(stops, stops[1:], strict=False):
        if share <= s1:
            t = (share - s0) / (s1 - s0)
            r, g, b = (round(a + (bb - a) * t) for a, bb in zip(c0, c1, strict=True))
            return f"#{r:02x}{g:02x}{b:02x}"
    return "#059669"


def chart(rec: Recommendation, name: str, volume: float | None = None) -> str | None:
    """One chart by name (see CHARTS)."""
    if name == "cost":
        return cost_curve_chart(rec, volume)
    if name == "breakdown":
        return cost_breakdown_chart(rec)
    if name == "scores":
        return score_chart(rec)
    raise LlmpickError(f"unknown chart {name!r} (known: {', '.join(CHARTS)})")


def svg_to_png(svg: str, scale: float = 2.0) -> bytes:
    """PNG of an SVG chart, through cairosvg (optional: pip install cairosvg, and the system's libcairo2)."""
    try:
        import cairosvg  # type: ignore[import-untyped]
    except (ImportError, OSError) as exc:  # OSError: cairosvg present but libcairo missing
        raise LlmpickError(
            f"PNG export needs cairosvg and the cairo library ({exc.__class__.__name__}): "
            "pip install cairosvg; apt-get install libcairo2 — or use the SVG"
        ) from None
    png = cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale, unsafe=False)
    assert isinstance(png, bytes)
    return png
