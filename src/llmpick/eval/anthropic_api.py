"""Streamed messages through the ``anthropic`` SDK."""

from __future__ import annotations

import asyncio
import inspect
from functools import cache
from typing import Any

from llmpick.eval.endpoints import CallError, CallResult, Endpoint, clock
from llmpick.eval.errors import classify

DEFAULT_MAX_TOKENS = 1024  # Anthropic requires max_tokens


@cache
def _accepted() -> frozenset[str]:
    from anthropic.resources.messages import AsyncMessages

    return frozenset(inspect.signature(AsyncMessages.create).parameters)


async def stream(
    client: Any, endpoint: Endpoint, messages: list[dict[str, str]], params: dict[str, Any], timeout: float
) -> CallResult:
    import anthropic

    try:
        return await asyncio.wait_for(_stream(client, endpoint, messages, params), timeout)
    except CallError:
        raise
    except (TimeoutError, anthropic.APITimeoutError):
        raise CallError("timeout", f"no complete answer within {timeout:g} s") from None
    except Exception as exc:
        raise classify(exc, [client.api_key]) from None


async def _stream(
    client: Any, endpoint: Endpoint, messages: list[dict[str, str]], params: dict[str, Any]
) -> CallResult:
    system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
    chat = [m for m in messages if m["role"] != "system"]
    # Sampling parameters: as arguments where this SDK version takes them, else in the request body
    # (the Messages API still reads them). Anthropic has no seed: say so instead of dropping it silently.
    args: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    notes: list[str] = []
    for name in ("temperature", "top_p"):
        if params.get(name) is not None:
            (args if name in _accepted() else extra)[name] = params[name]
    if extra:
        args["extra_body"] = extra
    if params.get("seed") is not None:
        notes.append("seed ignored: the Anthropic Messages API has no seed parameter")
    if params.get("stop"):
        args["stop_sequences"] = params["stop"]
    if system:
        args["system"] = system
    start = clock()
    ttft: float | None = None
    pieces: list[str] = []
    input_tokens: int | None = None
    output_tokens: int | None = None
    finish: str | None = None
    started = False
    served: str | None = None
    response = await client.messages.create(
        model=endpoint.model,
        messages=chat,
        max_tokens=params.get("max_tokens") or DEFAULT_MAX_TOKENS,
        stream=True,
        **args,
    )
    async for event in response:
        if event.type == "message_start":
            started = True
            input_tokens = event.message.usage.input_tokens
            served = getattr(event.message, "model", None)
        elif event.type == "content_block_delta" and getattr(event.delta, "type", "") == "text_delta":
            if ttft is None:
                ttft = clock() - start
            pieces.append(event.delta.text)
        elif event.type == "message_delta":
            output_tokens = event.usage.output_tokens
            finish = event.delta.stop_reason or finish
        elif event.type == "error":
            raise CallError("server", str(getattr(event, "error", "error event in stream")))
    if not started:
        raise CallError("malformed", "the stream had no message_start event")
    latency = clock() - start
    text = "".join(pieces)
    if not text.strip():
        raise CallError("empty", f"the answer was empty (stop_reason {finish or 'missing'})")
    return CallResult(text, latency, ttft, input_tokens, output_tokens, "reported", finish, served, notes)
