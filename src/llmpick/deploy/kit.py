"""A deployment kit: the files, commands and settings that turn a recommended route into a running system.

The recommendation JSON (``llmpick.recommendation/1``) is read as plain data with ``.get`` so a document from a
newer llmpick (fields are only ever added) still deploys. Each kit kind is one module that registers a builder
here; a builder gets the deployment context and returns a :class:`Part` (or ``None`` where it does not apply).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from llmpick.catalog.catalog import Catalog
from llmpick.catalog.schema import Model, Offering, Provider
from llmpick.errors import LlmpickError
from llmpick.profile import Profile

Scope = Literal["route", "kit"]
LOCAL = "local"
SELF_HOSTED = "self-hosted"
API_KINDS = ("saas-api", "hosted-open")


class DeployError(LlmpickError):
    """A recommendation that cannot be turned into a kit (no route, a rank it does not have, a bad document)."""


@dataclass(frozen=True)
class Setting:
    """One value written into the kit and where it came from (a route field, a catalog fact, a documented default)."""

    name: str
    value: str
    source: str


@dataclass
class Part:
    """One kit kind for one route (or for the whole kit): files under ``folder``, steps to run, settings explained."""

    kind: str
    title: str
    folder: str
    files: dict[str, str] = field(default_factory=dict)
    steps: list[str] = field(default_factory=list)
    settings: list[Setting] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    executable: set[str] = field(default_factory=set)

    def set(self, name: str, value: object, source: str) -> str:
        """Record a setting and return its text, so a builder writes and explains a value in one step."""
        text = _text(value)
        self.settings.append(Setting(name, text, source))
        return text


@dataclass(frozen=True)
class Target:
    """A route the kit deploys, with the catalog facts behind it."""

    route: dict[str, Any]
    slot: str  # folder of this route's parts: "route-1", or "private" / "api" in a hybrid plan
    role: Literal["private", "api"] | None = None
    share: float | None = None
    when: str | None = None
    model: Model | None = None
    provider: Provider | None = None
    offering: Offering | None = None

    @property
    def deployment(self) -> str:
        return str(self.route.get("deployment") or "")

    @property
    def model_id(self) -> str:
        return str(self.route.get("model") or "model")

    @property
    def label(self) -> str:
        where = self.route.get("provider") or self.route.get("runtime") or self.deployment
        return f"{self.route.get('rank', '?')}.{self.model_id}@{where}"

    @property
    def is_private(self) -> bool:
        return self.deployment in (LOCAL, SELF_HOSTED)

    def field(self, name: str) -> str:
        """How a README names the route field a setting came from."""
        return f"route #{self.route.get('rank', '?')} `{name}`"


@dataclass(frozen=True)
class Context:
    """Everything the builders read: the recommendation, the routes to deploy, the catalog, the profile if known."""

    rec: dict[str, Any]
    targets: list[Target]
    catalog: Catalog
    profile: Profile | None = None

    @property
    def precision(self) -> str:
        framework = self.rec.get("framework") or {}
        return str((framework.get("precision") or {}).get("choice") or "prompting")

    @property
    def hybrid(self) -> dict[str, Any] | None:
        hybrid = self.rec.get("hybrid")
        return hybrid if isinstance(hybrid, dict) and len(self.targets) > 1 else None

    def context_tokens(self, target: Target) -> tuple[int, str]:
        """The context to serve: the workload's, else a size the route carries, else the model's window."""
        if self.profile is not None:
            return self.profile.workload.needed_context, "profile `workload.context_tokens` (or input + output tokens)"
        for name in ("context_tokens", "served_context"):
            value = target.route.get(name)
            if isinstance(value, int) and value > 0:
                return value, target.field(name)
        window = target.route.get("context_window")
        if isinstance(window, int) and window > 0:
            return window, target.field("context_window") + " (the model's window; pass --profile to size it down)"
        return 4096, "default 4096 tokens (the route names no context; pass --profile)"

    def replicas(self, target: Target) -> tuple[int, str]:
        """Replicas from the capacity plan, when the recommendation carries one."""
        for value, source in (
            (target.route.get("replicas"), target.field("replicas")),
            ((target.route.get("capacity") or {}).get("replicas"), target.field("capacity.replicas")),
        ):
            if isinstance(value, int) and value > 0:
                return value, source
        return 1, "default 1 (the recommendation carries no replica count)"

    def concurrency(self, target: Target) -> tuple[int, str]:
        """Requests one server must hold at once: peak concurrency spread over the replicas."""
        capacity = target.route.get("capacity") or {}
        for key in ("concurrency_per_replica", "max_concurrency"):
            value = capacity.get(key)
            if isinstance(value, int) and value > 0:
                return value, target.field(f"capacity.{key}")
        if self.profile is not None:
            replicas, _ = self.replicas(target)
            peak = self.profile.workload.peak_concurrency
            return max(1, math.ceil(peak / replicas)), "profile `workload.peak_concurrency` ÷ replicas"
        return 4, "default 4 (llmpick's default peak concurrency; pass --profile)"


@dataclass(frozen=True)
class Kit:
    """The built kit: its parts in run order, the README, and every file by its path in the kit."""

    context: Context
    parts: list[Part]
    readme: str

    def files(self) -> dict[str, bytes]:
        out: dict[str, bytes] = {"README.md": self.readme.encode()}
        for part in self.parts:
            for name, text in part.files.items():
                out[f"{part.folder}/{name}"] = text.encode()
        return out

    def executables(self) -> set[str]:
        return {f"{part.folder}/{name}" for part in self.parts for name in part.executable}


Builder = Callable[[Context, Target], Part | None]
KitBuilder = Callable[[Context], Part | None]


@dataclass(frozen=True)
class Registered:
    kind: str
    scope: Scope
    func: Callable[..., Part | None]


REGISTRY: list[Registered] = []


def route_kit(kind: str) -> Callable[[Builder], Builder]:
    """Register a builder that runs once per deployed route."""

    def wrap(func: Builder) -> Builder:
        REGISTRY.append(Registered(kind, "route", func))
        return func

    return wrap


def kit_part(kind: str) -> Callable[[KitBuilder], KitBuilder]:
    """Register a builder that runs once for the whole kit (gateway, RAG, fine-tuning, eval)."""

    def wrap(func: KitBuilder) -> KitBuilder:
        REGISTRY.append(Registered(kind, "kit", func))
        return func

    return wrap


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9.\-]+", "-", text.lower()).strip("-") or "x"


def env_name(provider: str) -> str:
    """The environment variable that holds a provider's key (the same convention as `llmpick eval`)."""
    return re.sub(r"[^A-Z0-9]", "_", provider.upper()) + "_API_KEY"


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
