"""What every view needs: the catalog, the decision store and the page templates (on ``app.state``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request

from llmpick.catalog.catalog import Catalog
from llmpick.store.decisions import DecisionStore


@dataclass
class AppState:
    catalog: Catalog
    store: DecisionStore
    templates: Any  # fastapi.templating.Jinja2Templates
    db_label: str


def state(request: Request) -> AppState:
    return request.app.state.llmpick  # type: ignore[no-any-return]
