"""Pick the routes to deploy, run every registered kit builder, and lay out the kit's files."""

from __future__ import annotations

import json
from typing import Any

from llmpick.catalog.catalog import Catalog
from llmpick.deploy.kit import REGISTRY, Context, DeployError, Kit, Part, Target
from llmpick.profile import Profile

SCHEMA_PREFIX = "llmpick.recommendation/"
# The order parts appear in (and are run in): servers first, then what sits on them.
ORDER = [
    "llamacpp",
    "ollama",
    "lmstudio",
    "vllm",
    "sglang",
    "compose",
    "k8s",
    "api",
    "gateway",
    "rag",
    "finetune",
    "eval",
]


def build(
    rec: dict[str, Any] | str | bytes, catalog: Catalog, *, rank: int | None = None, profile: Profile | None = None
) -> Kit:
    """The kit for route ``rank`` of a recommendation (default: the hybrid plan's routes if any, else rank 1)."""
    data = _document(rec)
    ctx = Context(data, _targets(data, catalog, rank), catalog, profile)
    _load_builders()
    parts: list[Part] = []
    for entry in sorted(REGISTRY, key=lambda e: ORDER.index(e.kind) if e.kind in ORDER else len(ORDER)):
        if entry.scope == "route":
            parts += [p for t in ctx.targets if (p := entry.func(ctx, t)) is not None]
        elif (p := entry.func(ctx)) is not None:
            parts.append(p)
    from llmpick.deploy import readme

    return Kit(ctx, parts, readme.render(ctx, parts))


def _document(rec: dict[str, Any] | str | bytes) -> dict[str, Any]:
    if isinstance(rec, (str, bytes)):
        try:
            rec = json.loads(rec)
        except json.JSONDecodeError as exc:
            raise DeployError(f"the recommendation is not JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(rec, dict):
        raise DeployError("the recommendation must be a JSON object (llmpick recommend --format json)")
    schema = str(rec.get("schema") or "")
    if not schema.startswith(SCHEMA_PREFIX):
        raise DeployError(
            f"schema: expected {SCHEMA_PREFIX}1 (from `llmpick recommend --format json`), got {schema or 'none'!r}"
        )
    if not isinstance(rec.get("recommendations"), list):
        raise DeployError("recommendations: missing or not a list")
    return rec


def _targets(rec: dict[str, Any], catalog: Catalog, rank: int | None) -> list[Target]:
    routes: list[dict[str, Any]] = [r for r in rec["recommendations"] if isinstance(r, dict)]
    if rank is not None:
        chosen = next((r for r in routes if r.get("rank") == rank), None)
        if chosen is None:
            ranks = ", ".join(str(r.get("rank")) for r in routes) or "none"
            raise DeployError(f"rank: the recommendation has no route #{rank} (ranks: {ranks})")
        return [_target(chosen, f"route-{rank}", catalog)]
    hybrid = rec.get("hybrid")
    plan = hybrid.get("routes") if isinstance(hybrid, dict) else None
    if plan:
        targets, api_count = [], 0
        for entry in plan:
            sensitive = bool(entry.get("sensitive"))
            api_count += 0 if sensitive else 1
            slot = "private" if sensitive else ("api" if api_count == 1 else f"api-{api_count}")
            targets.append(
                _target(
                    entry["use"],
                    slot,
                    catalog,
                    "private" if sensitive else "api",
                    entry.get("share"),
                    entry.get("when"),
                )
            )
        return targets
    if not routes:
        reasons = "; ".join((rec.get("infeasible") or {}).get("reasons") or []) or "no route"
        raise DeployError(f"the recommendation has no route to deploy ({reasons})")
    return [_target(routes[0], f"route-{routes[0].get('rank', 1)}", catalog)]


def _target(
    route: dict[str, Any], slot: str, catalog: Catalog, role: Any = None, share: Any = None, when: Any = None
) -> Target:
    model_id, provider_id = route.get("model"), route.get("provider")
    offering = (
        next((o for o in catalog.offerings_of(str(model_id)) if o.provider == provider_id), None)
        if provider_id
        else None
    )
    return Target(
        route=route,
        slot=slot,
        role=role,
        share=share if isinstance(share, (int, float)) else None,
        when=when if isinstance(when, str) else None,
        model=catalog.models.get(str(model_id)),
        provider=catalog.providers.get(str(provider_id)) if provider_id else None,
        offering=offering,
    )


def _load_builders() -> None:
    """Import every kit module once: importing registers its builder (order = the README's run order)."""
    from llmpick.deploy import (  # noqa: F401
        api,
        compose,
        eval_suite,
        gateway,
        haystack,
        k8s,
        llamacpp,
        lmstudio,
        ollama,
        peft,
        sglang,
        vllm,
    )
