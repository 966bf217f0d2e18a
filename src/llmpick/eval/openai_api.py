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


# A chunk of more characters than this on average is not one token: the count is then an estimate.
ONE_TOKEN_CHARS = 8


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
    served: str | None = None
    response = await client.chat.completions.create(
        model=endpoint.model, messages=messages, stream=True, stream_options={"include_usage": True}, **params
    )
    async for chunk in response:
        served = getattr(chunk, "model", None) or served
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
    if not text.strip():
        # llama.cpp interrupted by a newer request, or a model that said nothing: never a success
        raise CallError("empty", f"the answer was empty (finish_reason {finish or 'missing'})")
    if usage is not None and usage.completion_tokens is not None:
        return CallResult(text, latency, ttft, usage.prompt_tokens, usage.completion_tokens, "reported", finish, served)
    # No usage on streams (llama.cpp's server reports none): where chunks are single tokens, counting them is
    # exact for the output; otherwise both counts are estimates. The prompt is always an estimate here
    # (the chat template's tokens are not seen).
    prompt = estimate_tokens("".join(m["content"] for m in messages))
    if len(text) / max(chunks, 1) <= ONE_TOKEN_CHARS:
        return CallResult(text, latency, ttft, prompt, chunks, "counted", finish, served)
    return CallResult(text, latency, ttft, prompt, estimate_tokens(text), "estimated", finish, served)
