"""Recommendations the deploy tests build kits from: real engine output, and small hand-made documents."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from llmpick.catalog.catalog import Catalog
from llmpick.deploy.build import build
from llmpick.deploy.kit import Kit
from llmpick.engine import recommend
from llmpick.engine.result import Recommendation, Route
from llmpick.profile import Profile

ROOT = Path(__file__).resolve().parents[1]
VERDICT = {"choice": "x", "reasons": []}


def rec_for(profile: Profile, catalog: Catalog) -> dict[str, Any]:
    return recommend(profile, catalog).to_json_dict()


def route(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "rank": 1,
        "model": "smollm2-135m-instruct",
        "name": "SmolLM2 135M Instruct",
        "openness": "open-source",
        "license": "Apache-2.0",
        "tasks": ["text"],
        "deployment": "local",
        "runtime": "llama-cpp",
        "hardware": "cpu-only",
        "quantization": "gguf-q4_0",
        "context_window": 8192,
        "score": 0.5,
    }
    return {**base, **fields}


def document(
    routes: list[dict[str, Any]], precision: str = "prompting", hybrid: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A valid ``llmpick.recommendation/1`` document around the given routes."""
    rec = {
        "schema": "llmpick.recommendation/1",
        "catalog_as_of": "2026-11-23",
        "catalog_version": "test",
        "profile_name": "deploy test",
        "framework": {
            "openness": {**VERDICT, "choice": "open-source"},
            "task": {"tasks": ["text"]},
            "precision": {**VERDICT, "choice": precision},
            "deployment": {**VERDICT, "choice": routes[0]["deployment"]},
            "speed": {**VERDICT, "choice": "moderate"},
        },
        "recommendations": routes,
        "hybrid": hybrid,
    }
    Recommendation.model_validate(_known(rec))  # the contract, plus any fields a newer llmpick adds
    return rec


def _known(rec: dict[str, Any]) -> dict[str, Any]:
    """The document without route fields this version's contract does not define yet (kits read them with .get)."""
    out = copy.deepcopy(rec)
    out["recommendations"] = [{k: v for k, v in r.items() if k in Route.model_fields} for r in out["recommendations"]]
    return out


def hybrid_document(api_base_model: str = "gpt-oss-20b", provider: str = "groq") -> dict[str, Any]:
    """A hybrid plan: 40 % sensitive requests on the local SmolLM2 server, the rest on an API route."""
    private = route()
    api = route(
        rank=2,
        model=api_base_model,
        name=api_base_model,
        openness="open-weight",
        deployment="hosted-open",
        provider=provider,
        runtime=None,
        hardware=None,
        quantization=None,
    )
    plan = {
        "routes": [
            {"when": "requests with HR data", "sensitive": True, "share": 0.4, "use": private},
            {"when": "everything else", "sensitive": False, "share": 0.6, "use": api},
        ],
        "reasons": [],
    }
    return document([private, api], hybrid=plan)


def kit_files(rec: dict[str, Any], catalog: Catalog, **kwargs: Any) -> Kit:
    return build(json.dumps(rec), catalog, **kwargs)


def write_kit(kit: Kit, folder: Path) -> Path:
    for name, data in kit.files().items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if name in kit.executables():
            path.chmod(0o755)
    return folder
