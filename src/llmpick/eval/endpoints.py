"""Where calls go: OpenAI-compatible APIs (official ``openai`` SDK with a base URL) and Anthropic (``anthropic`` SDK).

API keys are read from environment variables whose NAMES come from the configuration; a key is
never stored, logged or put into a report, and error texts are scrubbed of it before they are kept.
"""

from __future__ import annotations

import ipaddress
import os
import re
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Literal
from urllib.parse import urlparse

from llmpick.catalog.catalog import Catalog
from llmpick.engine.result import Recommendation, Route
from llmpick.eval.suite import EndpointConfig, ProviderOverride

Kind = Literal["openai", "anthropic"]
ErrorKind = Literal[
    "unreachable",
    "timeout",
    "auth",
    "not-found",
    "rate-limited",
    "server",
    "bad-request",
    "malformed",
    "config",
    "empty",
    "internal",
]
# Errors that say nothing about the model: our configuration or network. A route whose calls all failed
# this way is "not evaluated", never "measured quality 0".
OUR_SIDE: frozenset[str] = frozenset({"config", "auth", "unreachable", "not-found", "bad-request", "internal"})
DEFAULT_KEY_ENV = {"api.openai.com": "OPENAI_API_KEY", "api.anthropic.com": "ANTHROPIC_API_KEY"}
_NO_KEY = "not-needed"  # local servers take any key; the SDKs insist on one


@dataclass(frozen=True)
class RouteRef:
    """The recommendation route an endpoint stands for."""

    rank: int
    model: str
    deployment: str
    provider: str | None = None
    runtime: str | None = None
    hardware: str | None = None


@dataclass(frozen=True)
class Endpoint:
    name: str
    kind: Kind
    model: str
    base_url: str | None = None
    api_key_env: str | None = None
    concurrency: int | None = None
    input_per_mtok: float | None = None
    output_per_mtok: float | None = None
    price_source: str | None = None
    route: RouteRef | None = None
    local: bool = False  # a server on this machine or network: one call in flight by default (honest timings)

    def describe(self) -> dict[str, Any]:
        """What a report may show: never the key, only the variable's name."""
        return asdict(self)

    @classmethod
    def from_description(cls, data: dict[str, Any]) -> Endpoint:
        route = data.get("route")
        return cls(**{**data, "route": RouteRef(**route) if route else None})

    def key_problem(self) -> str | None:
        """Why this endpoint has no usable credential, or None."""
        if self.api_key_env is not None and not os.environ.get(self.api_key_env):
            return f"environment variable {self.api_key_env} is not set (it should hold the API key)"
        return None

    def api_key(self) -> str:
        if self.api_key_env is None:
            return _NO_KEY
        value = os.environ.get(self.api_key_env)
        if not value:
            raise CallError(
                "config", f"environment variable {self.api_key_env} is not set (it should hold the API key)"
            )
        return value

    def cost(self, input_tokens: int | None, output_tokens: int | None) -> float | None:
        if self.input_per_mtok is None or self.output_per_mtok is None or input_tokens is None or output_tokens is None:
            return None
        return (input_tokens * self.input_per_mtok + output_tokens * self.output_per_mtok) / 1e6


@dataclass
class CallResult:
    text: str
    latency_s: float
    ttft_s: float | None
    input_tokens: int | None
    output_tokens: int | None
    usage_source: Literal["reported", "counted", "estimated"]
    finish_reason: str | None = None
    served_model: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def tokens_per_s(self) -> float | None:
        if self.ttft_s is None or not self.output_tokens or self.output_tokens < 2:
            return None
        decode = self.latency_s - self.ttft_s
        return (self.output_tokens - 1) / decode if decode > 0 else None


@dataclass
class CallError(Exception):
    kind: ErrorKind
    message: str
    status: int | None = None
    retry_after: float | None = None
    attempts: int = 1
    secrets: list[str] = field(default_factory=list, repr=False)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @property
    def retryable(self) -> bool:
        return self.kind in ("rate-limited", "server", "unreachable")

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


def redact(text: str, secrets: list[str]) -> str:
    """Remove API keys (whole, or partly masked as providers echo them) from a message."""
    for secret in secrets:
        if secret and secret != _NO_KEY:
            text = text.replace(secret, "[redacted]")
    text = re.sub(r"\b(sk|key|xai|gsk|pk)[-_][A-Za-z0-9*_\-]{6,}", "[redacted]", text)
    return text


def estimate_tokens(text: str) -> int:
    """Rough count (4 characters a token) where a server reports no usage and no tokenizer is at hand."""
    return max(1, round(len(text) / 4)) if text else 0


def clock() -> float:
    return time.perf_counter()


# --- building endpoints -------------------------------------------------------------------------------------


def from_config(name: str, config: EndpointConfig) -> Endpoint:
    price = config.price
    host = urlparse(config.base_url or "").hostname
    default_env = DEFAULT_KEY_ENV.get(host or ("api.anthropic.com" if config.kind == "anthropic" else "api.openai.com"))
    return Endpoint(
        local=is_local_url(config.base_url),
        name=name,
        kind=config.kind,
        model=config.model,
        base_url=config.base_url,
        api_key_env=config.api_key_env or default_env,
        concurrency=config.concurrency,
        input_per_mtok=price.input_per_mtok if price else None,
        output_per_mtok=price.output_per_mtok if price else None,
        price_source="suite file" if price else None,
    )


def check_url(url: str, option: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValueError(f"{option}: {url!r} is not an http(s) URL (example: http://127.0.0.1:8080/v1)")
    return url


def is_local_url(url: str | None) -> bool:
    """A server on this machine or a private network (where one slot per server is the usual case)."""
    host = urlparse(url or "").hostname or ""
    if host in ("localhost", "0.0.0.0") or host.endswith(".local"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def parse_endpoint_option(text: str, key_envs: dict[str, str] | None = None) -> Endpoint:
    """``NAME=URL[#model]`` from the command line. An api.anthropic.com URL selects the Anthropic SDK.

    The key comes from ``--key-env NAME=VAR``; for api.openai.com and api.anthropic.com it defaults to
    OPENAI_API_KEY and ANTHROPIC_API_KEY, as their SDKs do.
    """
    name, sep, rest = text.partition("=")
    if not sep or not name or not rest:
        raise ValueError(f"--endpoint {text!r}: expected NAME=URL[#model]")
    url, _, model = rest.partition("#")
    check_url(url, f"--endpoint {name}")
    kind: Kind = "anthropic" if "anthropic.com" in url else "openai"
    host = urlparse(url).hostname or ""
    key_env = (key_envs or {}).get(name) or DEFAULT_KEY_ENV.get(host)
    return Endpoint(
        name=name, kind=kind, model=model or "default", base_url=url, api_key_env=key_env, local=is_local_url(url)
    )


def with_catalog_price(endpoint: Endpoint, catalog: Catalog | None) -> Endpoint:
    """An ``--endpoint`` on a catalog provider's API (same host) gets the offering's price, found by its API
    model id, so its cost checks and projections work as they do for mapped routes."""
    import dataclasses

    if catalog is None or endpoint.input_per_mtok is not None:
        return endpoint
    host = urlparse(endpoint.base_url or "").hostname
    providers = {
        p.id for p in catalog.providers.values() if p.api_base_url and urlparse(p.api_base_url).hostname == host
    }
    if not providers:
        return endpoint
    from llmpick.catalog.prices import offering_price

    for offering in catalog.offerings:
        if offering.provider in providers and offering.api_model_id == endpoint.model:
            quote = offering_price(offering, catalog.as_of)
            if quote is not None and quote.has_token_prices:
                return dataclasses.replace(
                    endpoint,
                    input_per_mtok=quote.input_per_mtok,
                    output_per_mtok=quote.output_per_mtok,
                    price_source=quote.source,
                )
    return endpoint


@dataclass(frozen=True)
class LocalTarget:
    """A base URL that serves local or self-hosted routes (all of them, or those of one model)."""

    url: str
    model: str  # catalog model id this URL serves
    served_model: str | None = None  # name the server knows the model by (default: the catalog id)

    @classmethod
    def parse(cls, text: str) -> LocalTarget:
        """``MODEL=URL[#served-model]``: one server per catalog model, so a measurement is never
        credited to a model that did not answer."""
        head, _, served = text.partition("#")
        model, sep, url = head.partition("=")
        if not sep or "://" in model or not model:
            raise ValueError(
                f"--local {text!r}: name the catalog model this server runs, as MODEL=URL[#served-model] "
                f"(for example --local smollm2-135m-instruct={head}#smollm2); one server cannot stand for "
                "every local route"
            )
        check_url(url, f"--local {model}")
        return cls(url=url, model=model, served_model=served or None)

    @property
    def expected_model(self) -> str:
        return self.served_model or self.model


@dataclass(frozen=True)
class Skipped:
    route: str
    reason: str


def route_label(route: Route) -> str:
    where = route.provider or route.runtime or route.deployment
    return f"{route.rank}.{route.model}@{where}"


def endpoints_for_routes(
    recommendation: Recommendation,
    catalog: Catalog | None,
    *,
    local: list[LocalTarget] | None = None,
    providers: dict[str, ProviderOverride] | None = None,
) -> tuple[list[Endpoint], list[Skipped]]:
    """Map each route of a recommendation to an endpoint, or say why it cannot be reached."""
    endpoints: list[Endpoint] = []
    skipped: list[Skipped] = []
    for route in recommendation.recommendations:
        try:
            endpoints.append(_endpoint_for(route, catalog, local or [], providers or {}))
        except _Unreachable as exc:
            skipped.append(Skipped(route_label(route), str(exc)))
    return endpoints, skipped


class _Unreachable(Exception):
    pass


def _ref(route: Route) -> RouteRef:
    return RouteRef(route.rank, route.model, route.deployment, route.provider, route.runtime, route.hardware)


def _endpoint_for(
    route: Route, catalog: Catalog | None, local: list[LocalTarget], overrides: dict[str, ProviderOverride]
) -> Endpoint:
    name = route_label(route)
    if route.deployment in ("local", "self-hosted") or route.provider is None:
        target = next((t for t in local if t.model == route.model), None)
        if target is None:
            raise _Unreachable(
                f"a {route.deployment} route: give its server with --local {route.model}=URL[#served-model]"
            )
        return Endpoint(name, "openai", target.expected_model, target.url, route=_ref(route), local=True)
    override = overrides.get(route.provider, ProviderOverride())
    provider = catalog.providers.get(route.provider) if catalog else None
    offering = (
        next((o for o in catalog.offerings_of(route.model) if o.provider == route.provider), None) if catalog else None
    )
    base_url = override.base_url or (provider.api_base_url if provider else None)
    if provider is None and override.base_url is None:
        raise _Unreachable(f"provider {route.provider!r} is not in the catalog; name its base_url under providers:")
    if base_url is None:
        raise _Unreachable(f"the catalog has no API base URL for {route.provider}; name one under providers:")
    kind: Kind
    if route.provider == "anthropic" or "anthropic.com" in base_url:
        kind = "anthropic"
    elif override.base_url or (provider is not None and provider.openai_compatible):
        kind = "openai"
    else:
        raise _Unreachable(f"{route.provider}'s API is not OpenAI-compatible; evaluate it through --endpoint")
    key_env = override.api_key_env or re.sub(r"[^A-Z0-9]", "_", route.provider.upper()) + "_API_KEY"
    price_in = price_out = None
    price_source = None
    if offering is not None and catalog is not None:  # an offering only comes from a catalog
        from llmpick.catalog.prices import offering_price

        quote = offering_price(offering, catalog.as_of)
        if quote is not None and quote.has_token_prices:
            price_in, price_out, price_source = quote.input_per_mtok, quote.output_per_mtok, quote.source
    model_id = offering.api_model_id if offering else route.model
    return Endpoint(
        name,
        kind,
        model_id,
        base_url,
        key_env,
        None,
        price_in,
        price_out,
        price_source,
        _ref(route),
        is_local_url(base_url),
    )
