"""What changed between a stored recommendation and a fresh one: best route, prices, retired models, routes."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from llmpick.catalog.catalog import Catalog
from llmpick.engine.result import Recommendation


class PriceChange(BaseModel):
    route: str
    old_usd: float | None
    new_usd: float | None
    change_pct: float | None = Field(None, description="(new - old) / old × 100; null when either side is unknown")


class ModelStatusChange(BaseModel):
    model: str
    was_in_routes: bool
    status: str = Field(description="deprecated, retired or removed (no longer in the catalog)")
    successor: str | None = None
    note: str


class Diff(BaseModel):
    old_catalog: str
    new_catalog: str
    old_best: str | None
    new_best: str | None
    best_changed: bool
    old_best_usd: float | None = Field(None, description="monthly cost of the old best route")
    new_best_usd: float | None = Field(None, description="monthly cost of the new best route")
    price_changes: list[PriceChange] = Field(default_factory=list)
    models_changed: list[ModelStatusChange] = Field(default_factory=list)
    routes_added: list[str] = Field(default_factory=list)
    routes_removed: list[str] = Field(default_factory=list)
    summary: list[str] = Field(default_factory=list, description="the changes in plain words, most important first")

    @property
    def unchanged(self) -> bool:
        return not (
            self.best_changed or self.price_changes or self.models_changed or self.routes_added or self.routes_removed
        )


def route_key(route: dict[str, Any]) -> str:
    """A stable label for a route across runs: model and where it runs."""
    if route.get("provider"):
        where = route["provider"]
    else:
        hw = route.get("hardware")
        count = route.get("hardware_count")
        on = f" on {count}× {hw}" if hw and count and count > 1 else (f" on {hw}" if hw else "")
        quant = f" ({route['quantization']})" if route.get("quantization") else ""
        where = f"{route.get('runtime') or route.get('deployment')}{on}{quant}"
    return f"{route.get('model')} via {where}"


def diff_results(old: dict[str, Any], new: Recommendation, catalog: Catalog, *, tolerance_pct: float = 0.5) -> Diff:
    """Compare a stored result (its JSON) with a fresh recommendation made against ``catalog``."""
    old_routes = {route_key(r): r for r in old.get("recommendations") or []}
    new_routes = {route_key(r.model_dump(mode="json")): r.model_dump(mode="json") for r in new.recommendations}
    old_best = next(iter(old_routes), None)
    new_best = next(iter(new_routes), None)
    prices: list[PriceChange] = []
    for key in old_routes.keys() & new_routes.keys():
        before, after = old_routes[key].get("monthly_cost_usd"), new_routes[key].get("monthly_cost_usd")
        if before == after:
            continue
        pct = None if before in (None, 0) or after is None else (after - before) / before * 100
        if pct is not None and abs(pct) < tolerance_pct:
            continue
        prices.append(
            PriceChange(route=key, old_usd=before, new_usd=after, change_pct=None if pct is None else round(pct, 1))
        )
    prices.sort(key=lambda p: -abs(p.change_pct or 0))
    same_catalog = (old.get("catalog_version"), old.get("catalog_as_of")) == (new.catalog_version, new.catalog_as_of)
    changed = [] if same_catalog else _model_changes(old, catalog)  # a standing deprecation is no change
    diff = Diff(
        old_catalog=f"{old.get('catalog_version', '?')} ({old.get('catalog_as_of', '?')})",
        new_catalog=f"{new.catalog_version} ({new.catalog_as_of})",
        old_best=old_best,
        new_best=new_best,
        best_changed=old_best != new_best,
        old_best_usd=old_routes[old_best].get("monthly_cost_usd") if old_best else None,
        new_best_usd=new_routes[new_best].get("monthly_cost_usd") if new_best else None,
        price_changes=prices,
        models_changed=changed,
        routes_added=[k for k in new_routes if k not in old_routes],
        routes_removed=[k for k in old_routes if k not in new_routes],
    )
    diff.summary = _summary(diff)
    return diff


def _model_changes(old: dict[str, Any], catalog: Catalog) -> list[ModelStatusChange]:
    in_routes = {r.get("model") for r in old.get("recommendations") or []}
    hybrid = old.get("hybrid") or {}
    in_routes |= {h.get("use", {}).get("model") for h in hybrid.get("routes") or []}
    out: list[ModelStatusChange] = []
    for model_id in sorted(m for m in in_routes if m):
        model = catalog.models.get(model_id)
        if model is None:
            out.append(
                ModelStatusChange(
                    model=model_id,
                    was_in_routes=True,
                    status="removed",
                    note=f"{model_id} is no longer in catalog {catalog.version}",
                )
            )
            continue
        status = str(getattr(model.release.status, "value", model.release.status))
        if status == "active":
            continue
        when = model.release.retired_on if status == "retired" else model.release.deprecated_on
        successor = model.release.successor
        note = f"{model.name} is {status}" + (f" since {when.isoformat()}" if when else "")
        note += f"; its successor is {successor}" if successor else ""
        out.append(ModelStatusChange(model=model_id, was_in_routes=True, status=status, successor=successor, note=note))
    return out


def _summary(diff: Diff) -> list[str]:
    lines: list[str] = []
    if diff.best_changed:
        lines.append(
            f"new best route: {diff.new_best or 'none'}{_cost(diff.new_best, diff.new_best_usd)} "
            f"(was {diff.old_best or 'none'}{_cost(diff.old_best, diff.old_best_usd)})"
        )
    lines += [m.note for m in diff.models_changed]
    for p in diff.price_changes:
        if p.change_pct is None:
            lines.append(f"{p.route}: monthly cost {_usd(p.old_usd)} → {_usd(p.new_usd)}")
        else:
            lines.append(f"{p.route}: monthly cost {_usd(p.old_usd)} → {_usd(p.new_usd)} ({p.change_pct:+.1f}%)")
    lines += [f"new route: {r}" for r in diff.routes_added]
    lines += [f"route gone: {r}" for r in diff.routes_removed]
    if not lines:
        lines.append("nothing changed: same routes, same costs, no model retired")
    return lines


def _cost(route: str | None, usd: float | None) -> str:
    return f" at {_usd(usd)}/month" if route else ""


def _usd(value: float | None) -> str:
    return "unknown" if value is None else f"${value:,.2f}"
