"""The OpenAI and Anthropic adapters against recorded response shapes; nothing leaves the machine.

Both SDKs now send through ``httpx2`` (which respx does not intercept), so the recorded responses are served
by an ``httpx2.MockTransport`` handed to the SDK client.
"""

from __future__ import annotations

import asyncio
import json

import httpx2
import pytest

from llmpick.eval.calls import call, make_client
from llmpick.eval.endpoints import CallError, Endpoint

KEY = "sk-proj-abcdefghijklmnopqrstuvwxyz0123"

OPENAI_STREAM = (
    "".join(
        f"data: {json.dumps(chunk)}\n\n"
        for chunk in [
            {
                "id": "chatcmpl-1",
                "object": "chat.completion.chunk",
                "created": 1,
                "model": "gpt-4o-mini-2024-07-18",
                "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}],
                "usage": None,
            },
            {
                "id": "chatcmpl-1",
                "object": "chat.completion.chunk",
                "created": 1,
                "model": "gpt-4o-mini-2024-07-18",
                "choices": [{"index": 0, "delta": {"content": "Paris"}, "finish_reason": None}],
                "usage": None,
            },
            {
                "id": "chatcmpl-1",
                "object": "chat.completion.chunk",
                "created": 1,
                "model": "gpt-4o-mini-2024-07-18",
                "choices": [{"index": 0, "delta": {"content": " it is."}, "finish_reason": None}],
                "usage": None,
            },
            {
                "id": "chatcmpl-1",
                "object": "chat.completion.chunk",
                "created": 1,
                "model": "gpt-4o-mini-2024-07-18",
                "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                "usage": None,
            },
            {
                "id": "chatcmpl-1",
                "object": "chat.completion.chunk",
                "created": 1,
                "model": "gpt-4o-mini-2024-07-18",
                "choices": [],
                "usage": {"prompt_tokens": 14, "completion_tokens": 3, "total_tokens": 17},
            },
        ]
    )
    + "data: [DONE]\n\n"
)

ANTHROPIC_STREAM = "".join(
    f"event: {event['type']}\ndata: {json.dumps(event)}\n\n"
    for event in [
        {
            "type": "message_start",
            "message": {
                "id": "msg_1",
                "type": "message",
                "role": "assistant",
                "content": [],
                "model": "claude-model",
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {"input_tokens": 21, "output_tokens": 1},
            },
        },
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "ping"},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Bonjour"}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": " !"}},
        {"type": "content_block_stop", "index": 0},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "end_turn", "stop_sequence": None},
            "usage": {"output_tokens": 5},
        },
        {"type": "message_stop"},
    ]
)

MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Capital of France?"}]


class Recorded:
    """Serves one recorded response for POSTs to one URL, and keeps the requests it saw."""

    def __init__(self, url: str, status: int, body: str | dict[str, object], headers: dict[str, str] | None = None):
        self.url, self.status, self.body, self.headers = url, status, body, headers or {}
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        assert str(request.url) == self.url, f"unexpected URL {request.url}"
        self.requests.append(request)
        if isinstance(self.body, dict):
            return httpx2.Response(self.status, json=self.body, headers=self.headers)
        return httpx2.Response(
            self.status, text=self.body, headers={"content-type": "text/event-stream", **self.headers}
        )

    def json(self, index: int = 0) -> dict[str, object]:
        return json.loads(self.requests[index].content)


def _run(endpoint: Endpoint, recorded: Recorded, params: dict[str, object] | None = None):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        client = make_client(endpoint, 5.0, httpx2.AsyncClient(transport=httpx2.MockTransport(recorded)))
        try:
            return await call(client, endpoint, MESSAGES, params or {"temperature": 0, "max_tokens": 20}, 5.0)
        finally:
            await client.close()

    return asyncio.run(go())


OPENAI_URL = "https://api.openai.com/v1/chat/completions"
ANTHROPIC_URL = "https://api.anthropic.com/v1/messages"
GPT = Endpoint("gpt", "openai", "gpt-4o-mini", "https://api.openai.com/v1", "OPENAI_API_KEY")
CLAUDE = Endpoint("claude", "anthropic", "claude-model", "https://api.anthropic.com", "ANTHROPIC_API_KEY")


@pytest.fixture(autouse=True)
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)


def test_openai_stream_with_reported_usage() -> None:
    recorded = Recorded(OPENAI_URL, 200, OPENAI_STREAM)
    result = _run(GPT, recorded)
    assert result.text == "Paris it is."
    assert (result.input_tokens, result.output_tokens, result.usage_source) == (14, 3, "reported")
    assert result.finish_reason == "stop" and result.ttft_s is not None and result.ttft_s >= 0
    sent = recorded.json()
    assert sent["stream"] is True and sent["stream_options"] == {"include_usage": True}
    assert sent["messages"] == MESSAGES and sent["model"] == "gpt-4o-mini"
    assert recorded.requests[0].headers["authorization"] == f"Bearer {KEY}"


def test_openai_401_is_classified_and_the_key_never_kept() -> None:
    masked = KEY[:8] + "*" * 10 + KEY[-4:]
    body = {
        "error": {
            "message": f"Incorrect API key provided: {masked}.",
            "type": "invalid_request_error",
            "code": "invalid_api_key",
        }
    }
    with pytest.raises(CallError) as info:
        _run(GPT, Recorded(OPENAI_URL, 401, body))
    assert info.value.kind == "auth" and info.value.status == 401 and not info.value.retryable
    assert KEY not in str(info.value) and masked not in str(info.value)


def test_openai_429_carries_retry_after() -> None:
    with pytest.raises(CallError) as info:
        _run(GPT, Recorded(OPENAI_URL, 429, {"error": {"message": "Rate limit reached"}}, {"retry-after": "2"}))
    assert info.value.kind == "rate-limited" and info.value.retry_after == 2.0 and info.value.retryable


def test_openai_500_is_retryable() -> None:
    with pytest.raises(CallError) as info:
        _run(GPT, Recorded(OPENAI_URL, 500, {"error": {"message": "internal"}}))
    assert info.value.kind == "server" and info.value.retryable


def test_anthropic_stream() -> None:
    recorded = Recorded(ANTHROPIC_URL, 200, ANTHROPIC_STREAM)
    result = _run(CLAUDE, recorded)
    assert result.text == "Bonjour !"
    assert (result.input_tokens, result.output_tokens, result.usage_source) == (21, 5, "reported")
    assert result.finish_reason == "end_turn"
    sent = recorded.json()
    assert sent["system"] == "Be brief." and sent["messages"] == [MESSAGES[1]]
    assert sent["max_tokens"] == 20 and sent["stream"] is True
    auth = recorded.requests[0].headers.get("x-api-key") or recorded.requests[0].headers["authorization"]
    assert auth in (KEY, f"Bearer {KEY}")


def test_anthropic_404_model() -> None:
    body = {"type": "error", "error": {"type": "not_found_error", "message": "model: claude-nope"}}
    with pytest.raises(CallError) as info:
        _run(CLAUDE, Recorded(ANTHROPIC_URL, 404, body))
    assert info.value.kind == "not-found" and "claude-nope" in info.value.message


def test_anthropic_malformed_stream() -> None:
    with pytest.raises(CallError) as info:
        _run(CLAUDE, Recorded(ANTHROPIC_URL, 200, 'event: message_stop\ndata: {"type": "message_stop"}\n\n'))
    assert info.value.kind == "malformed"


def test_anthropic_sends_temperature_and_top_p_and_notes_the_seed_it_cannot_send() -> None:
    recorded = Recorded(ANTHROPIC_URL, 200, ANTHROPIC_STREAM)
    result = _run(CLAUDE, recorded, {"temperature": 0.2, "top_p": 0.9, "seed": 7, "max_tokens": 20})
    sent = recorded.json()
    assert (sent["temperature"], sent["top_p"]) == (0.2, 0.9) and "seed" not in sent
    assert result.notes == ["seed ignored: the Anthropic Messages API has no seed parameter"]
    assert result.served_model == "claude-model"


def test_openai_stream_records_the_served_model() -> None:
    result = _run(GPT, Recorded(OPENAI_URL, 200, OPENAI_STREAM))
    assert result.served_model == "gpt-4o-mini-2024-07-18" and result.finish_reason == "stop"
