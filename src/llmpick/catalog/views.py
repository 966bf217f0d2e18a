"""The catalog's presentation shapes shared by `llmpick catalog` and the web app: a model's summary row and its
full detail with each offering's lifecycle and price on a given day (public JSON shapes: add keys, never rename)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from llmpick.catalog.catalog import Catalog
from llmpick.catalog.lifecycle import model_status, offering_status
from llmpick.catalog.prices import offering_price, upcoming_price_changes
from llmpick.catalog.schema import Model


def model_summary(model: Model, catalog: Catalog) -> dict[str, Any]:
    """The JSON shape of a model in `catalog list` (a public contract: add keys, never rename)."""
    params = model.parameters
    return {
        "id": model.id,
        "name": model.name,
        "vendor": model.vendor,
        "family": model.family,
        "openness": model.openness.value,
        "license": model.license.spdx or model.license.name,
        "license_name": model.license.name,
        "commercial_use": model.license.commercial_use,
        "tasks": [t.value for t in model.tasks],
        "params_b": params.total_b if params else None,
        "active_params_b": params.active_b if params else None,
        "context_window": model.capabilities.context_window,
        "release_date": model.release.date.isoformat() if model.release.date else None,
        "status": model_status(model, catalog.as_of).status.value,
        "curation": model.curation,
        "successor": model.release.successor,
        "providers": sorted({o.provider for o in catalog.offerings_of(model.id)}),
        "sources": {key: {"url": s.url, "as_of": s.as_of.isoformat()} for key, s in model.sources.items()},
    }


def model_detail(model: Model, catalog: Catalog, at: dt.date | None = None) -> dict[str, Any]:
    """Every fact, plus each offering's lifecycle and price on day `at` (default: the catalog's as-of date)
    with the dated price changes in the 90 days after it."""
    day = at or catalog.as_of
    detail = model.model_dump(mode="json")
    detail["openness"] = model.openness.value
    detail["at"] = day.isoformat()
    detail["status_at"] = model_status(model, day).status.value
    detail["offerings"] = []
    for offering in catalog.offerings_of(model.id):
        quote = offering_price(offering, day)
        life = offering_status(offering, model, day)
        detail["offerings"].append(
            {
                "provider": offering.provider,
                "api_model_id": offering.api_model_id,
                "price": None
                if quote is None
                else {k: v for k, v in quote.__dict__.items() if v not in (None, "", False)},
                "speed": offering.speed.model_dump(mode="json") if offering.speed else None,
                "lifecycle": {
                    "status": life.status.value,
                    "deprecated_on": life.deprecated_on.isoformat() if life.deprecated_on else None,
                    "shutdown_on": life.shutdown_on.isoformat() if life.shutdown_on else None,
                    "successor": life.successor,
                },
                "upcoming_price_changes": [
                    {"on": c.on.isoformat(), "description": c.describe()} for c in upcoming_price_changes(offering, day)
                ],
                "curation": offering.curation,
            }
        )
    return detail
