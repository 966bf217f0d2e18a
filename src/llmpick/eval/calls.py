"""Calling an endpoint: the SDK client for its kind, and one streamed chat call through that kind's adapter.

Apart from endpoints.py (what an endpoint is) so that the adapters, which build on those types, are imported
here and never from there.
"""

from __future__ import annotations

from typing import Any

from llmpick.eval import anthropic_api, openai_api
from llmpick.eval.endpoints import CallResult, Endpoint


async def call(
    client: Any, endpoint: Endpoint, messages: list[dict[str, str]], params: dict[str, Any], timeout: float
) -> CallResult:
    """One streamed chat call; raises CallError with a classified, key-free reason."""
    if endpoint.kind == "anthropic":
        return await anthropic_api.stream(client, endpoint, messages, params, timeout)
    return await openai_api.stream(client, endpoint, messages, params, timeout)


def make_client(endpoint: Endpoint, timeout: float, http_client: Any = None) -> Any:
    """The SDK client for an endpoint (``http_client``: a transport for tests, else the SDK's own)."""
    extra = {"http_client": http_client} if http_client is not None else {}
    if endpoint.kind == "anthropic":
        from anthropic import AsyncAnthropic  # the SDKs load only when a call is made

        return AsyncAnthropic(
            api_key=endpoint.api_key(), base_url=endpoint.base_url, max_retries=0, timeout=timeout, **extra
        )
    from openai import AsyncOpenAI

    return AsyncOpenAI(api_key=endpoint.api_key(), base_url=endpoint.base_url, max_retries=0, timeout=timeout, **extra)
