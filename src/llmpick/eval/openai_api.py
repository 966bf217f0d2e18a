"""Streamed chat completions through the official ``openai`` SDK (any OpenAI-compatible server)."""

from __future__ import annotations

import asyncio
from typing import Any

from llmpick.eval.endpoints import CallError, CallResult, Endpoint, clock, estimate_tokens
from llmpick.eval.errors import classify


async def stream(
    client: Any, endpoint: Endpoint, messages: list[dict[str, str]], params: dict[str, Any], timeout: float
) -> CallResult:
    import openai

    secrets = [client.api_key]
    try:
        return await asyncio.wait_for(_stream(client, endpoint, messages, params), timeout)
    except CallError:
        raise
    except (TimeoutError, openai.APITimeoutError):
        raise CallError("timeout", f"no complete answer within {timeout:g} s") from None
    except Exception as exc:  # every SDK or parse failure becomes a classified, per-cell error
        raise classify(exc, secrets) from None


async def _stream(
    client: Any, endpoint: Endpoint, messages: list[dict[str, str]], params: dict[str, Any]
) -> CallResult:
    start = clock()
    ttft: float | None = None
    pieces: list[str] = []
    chunks = 0
    usage: Any = None
    finish: str | None = None
    saw_choice = False
    response = await client.chat.completions.create(
        model=endpoint.model, messages=messages, stream=True, stream_options={"include_usage": True}, **params
    )
    async for chunk in response:
        if getattr(chunk, "usage", None):
            usage = chunk.usage
        for choice in chunk.choices or []:
            saw_choice = True
            text = choice.delta.content if choice.delta else None
            if text:
                if ttft is None:
                    ttft = clock() - start
                pieces.append(text)
                chunks += 1
            finish = choice.finish_reason or finish
    latency = clock() - start
    if not saw_choice:
        raise CallError("malformed", "the response carried no choices")
    text = "".join(pieces)
    if usage is not None and usage.completion_tokens is not None:
        return CallResult(text, latency, ttft, usage.prompt_tokens, usage.completion_tokens, "reported", finish)
    # The server reports no usage on streams (llama.cpp's does not): one content chunk is one token there;
    # the prompt is estimated from its length.
    prompt = estimate_tokens("".join(m["content"] for m in messages))
    return CallResult(text, latency, ttft, prompt, chunks, "counted", finish)
