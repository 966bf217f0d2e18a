"""The run: every (test × endpoint × repeat) cell, asynchronously, each committed to the store when done.

Per-endpoint concurrency limits (one call in flight for local servers unless told otherwise, so their
queue is not timed as the model's first token), a timeout per call, retries with exponential backoff on
429/5xx and unreachable servers (Retry-After honoured up to MAX_RETRY_AFTER_S), streaming to time the
first token. A failure stays in its cell. Only successful answers are cached, and only when the cache is on;
the judge's verdicts are cached the same way and its calls share one concurrency limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from llmpick.eval import assertions
from llmpick.eval.calls import call, make_client
from llmpick.eval.endpoints import CallError, CallResult, Endpoint, clock, redact
from llmpick.eval.errors import MAX_RETRY_AFTER_S
from llmpick.eval.store import Store, cache_key
from llmpick.eval.suite import Suite, Test


@dataclass(frozen=True)
class RunOptions:
    concurrency: int | None = None  # None: 1 for local servers, REMOTE_CONCURRENCY for the others
    repeat: int = 1
    timeout_s: float = 60.0
    retries: int = 3
    backoff_s: float = 0.5
    use_cache: bool = True
    progress: bool = True


REMOTE_CONCURRENCY = 4
JUDGE = "(judge)"
# response_format variants tried in order for an OpenAI-compatible judge: the OpenAI standard, the
# llama-cpp-python form, then none (a server that rejects both still gets the JSON-only instruction).
JUDGE_FORMATS: list[dict[str, Any] | None] = [
    {"type": "json_schema", "json_schema": {"name": "verdict", "schema": assertions.VERDICT_SCHEMA}},
    {"type": "json_object", "schema": assertions.VERDICT_SCHEMA},
    None,
]


def concurrency_for(endpoint: Endpoint, options: RunOptions) -> int:
    if endpoint.concurrency:
        return endpoint.concurrency
    if options.concurrency:
        return options.concurrency
    return 1 if endpoint.local else REMOTE_CONCURRENCY


@dataclass(frozen=True)
class Cell:
    test: Test
    endpoint: Endpoint
    repeat: int


def run_key(suite: Suite, endpoints: list[Endpoint], options: RunOptions) -> str:
    """Identity of a run: the same suite, endpoints and repeat count resume the same unfinished run."""
    blob = json.dumps(
        [suite.fingerprint(), sorted(json.dumps(e.describe(), sort_keys=True) for e in endpoints), options.repeat],
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


class Runner:
    def __init__(
        self,
        suite: Suite,
        endpoints: list[Endpoint],
        store: Store,
        options: RunOptions,
        judge: Endpoint | None = None,
        on_cell: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        names = [e.name for e in endpoints]
        if len(set(names)) != len(names):
            raise ValueError(f"endpoint names must be unique: {names}")
        self.suite, self.endpoints, self.store, self.options, self.judge = suite, endpoints, store, options, judge
        self.on_cell = on_cell
        if judge is not None and judge.name in names:
            raise ValueError(f"endpoint name {judge.name!r} is reserved for the judge")
        every = [*endpoints, *([judge] if judge else [])]
        self._limits = {e.name: asyncio.Semaphore(concurrency_for(e, options)) for e in every}
        self._clients: dict[str, Any] = {}
        self._judge_format = 0 if judge is not None and judge.kind == "openai" else len(JUDGE_FORMATS) - 1
        self._judge_settled = self._judge_format == len(JUDGE_FORMATS) - 1
        self._judge_lock = asyncio.Lock()

    def cells(self) -> list[Cell]:
        return [Cell(t, e, k) for k in range(self.options.repeat) for t in self.suite.tests for e in self.endpoints]

    async def run(self, run_id: int) -> int:
        """Run every cell not yet stored for this run; returns how many were run now."""
        done = self.store.done(run_id)
        todo = [c for c in self.cells() if (c.test.id, c.endpoint.name, c.repeat) not in done]
        with _progress(self.options.progress, len(self.cells()), len(self.cells()) - len(todo)) as advance:

            async def one(cell: Cell) -> None:
                values = await self._cell(cell)
                if self.store.save_cell(run_id, values) and self.on_cell:
                    self.on_cell(values)
                advance()

            try:
                await asyncio.gather(*(one(c) for c in todo))
            finally:
                await self._close()
        if len(self.store.done(run_id)) >= len(self.cells()):
            self.store.finish_run(run_id)
        return len(todo)

    # one cell ---------------------------------------------------------------------------------------------
    async def _cell(self, cell: Cell) -> dict[str, Any]:
        base = {
            "test_id": cell.test.id,
            "endpoint": cell.endpoint.name,
            "repeat": cell.repeat,
            "task": self.suite.task_of(cell.test),
        }
        try:
            return {**base, **await self._measure(cell)}
        except CallError as exc:
            return {
                **base,
                "status": "error",
                "error_kind": exc.kind,
                "error": self._scrub(str(exc), cell.endpoint),
                "attempts": exc.attempts,
                "notes": exc.notes or None,
            }
        except Exception as exc:  # a bug or surprise stays in this cell
            return {
                **base,
                "status": "error",
                "error_kind": "internal",
                "error": self._scrub(f"{type(exc).__name__}: {exc}", cell.endpoint),
            }

    async def _measure(self, cell: Cell) -> dict[str, Any]:
        messages = self.suite.messages(cell.test)
        params = self.suite.params_for(cell.test).model_dump(exclude_none=True)
        key = cache_key(cell.endpoint.model, cell.endpoint.base_url, messages, params, cell.repeat)
        hit = self.store.cached(key) if self.options.use_cache else None
        attempts = 0
        queue_s: float | None = None
        if hit is not None:
            result = CallResult(**hit)
        else:
            result, attempts, queue_s = await self._call(cell.endpoint, messages, params)
            if self.options.use_cache:  # --no-cache neither reads nor writes; failed calls never get here
                self.store.cache(key, asdict(result))
        cost = cell.endpoint.cost(result.input_tokens, result.output_tokens)
        prompt = "\n".join(m["content"] for m in messages if m["role"] != "system")
        answer = assertions.Answer(result.text, result.latency_s, result.ttft_s, cost, prompt)
        outcomes = await assertions.evaluate(self.suite.checks(cell.test), answer, self._judge_fn())
        if result.finish_reason == "length":  # cut off at max_tokens: the answer is incomplete, so it fails
            outcomes.append(
                assertions.Outcome("complete", False, 0.0, "answer cut off at max_tokens (finish_reason length)")
            )
        verdict = assertions.summarise(outcomes)
        return {
            "status": "ok",
            "task": self.suite.task_of(cell.test),
            "finish_reason": result.finish_reason,
            "served_model": result.served_model,
            "queue_s": queue_s,
            "notes": result.notes or None,
            "quality_passed": verdict.quality_passed,
            "check_errors": verdict.errors,
            "output": result.text,
            "latency_s": result.latency_s,
            "ttft_s": result.ttft_s,
            "tokens_per_s": result.tokens_per_s,
            "input_tokens": result.input_tokens,
            "output_tokens": result.output_tokens,
            "usage_source": result.usage_source,
            "cost_usd": cost,
            "passed": verdict.passed,
            "score": verdict.score,
            "cached": hit is not None,
            "attempts": attempts,
            "assertions": [o.to_dict() for o in outcomes],
        }

    async def _call(
        self, endpoint: Endpoint, messages: list[dict[str, str]], params: dict[str, Any], retries: int | None = None
    ) -> tuple[CallResult, int, float]:
        """(result, attempts, seconds queued for a free slot on our side before the successful attempt)."""
        retries = self.options.retries if retries is None else retries
        attempt = 0
        notes: list[str] = []
        while True:
            attempt += 1
            try:
                waiting = clock()
                async with self._limits[endpoint.name]:
                    queued = clock() - waiting
                    client = self._client(endpoint)
                    result = await call(client, endpoint, messages, params, self.options.timeout_s)
                    result.notes = [*notes, *result.notes]
                    return result, attempt, queued
            except CallError as exc:
                if not exc.retryable or attempt > retries:
                    exc.attempts = attempt
                    exc.notes = [*notes, *exc.notes]
                    raise
                delay = self.options.backoff_s * 2 ** (attempt - 1) * (1 + random.random() / 4)
                asked = exc.retry_after or 0.0
                if asked > MAX_RETRY_AFTER_S:
                    notes.append(
                        f"the server asked to wait {asked:g} s (Retry-After); waited the cap of {MAX_RETRY_AFTER_S:g} s"
                    )
                await asyncio.sleep(max(delay, min(asked, MAX_RETRY_AFTER_S)))

    def _client(self, endpoint: Endpoint) -> Any:
        if endpoint.name not in self._clients:
            self._clients[endpoint.name] = make_client(endpoint, self.options.timeout_s)
        return self._clients[endpoint.name]

    def _judge_fn(self) -> assertions.JudgeFn | None:
        judge = self.judge
        if judge is None:
            return None

        async def ask(messages: list[dict[str, str]]) -> str:
            params: dict[str, Any] = {"temperature": 0, "max_tokens": 200}
            key = cache_key(judge.model, judge.base_url, messages, params, 0)
            if self.options.use_cache and (hit := self.store.cached(key)) is not None:
                return str(hit["text"])
            if self._judge_settled:
                form = JUDGE_FORMATS[self._judge_format]
                result, _, _ = await self._call(
                    judge, messages, {**params, "response_format": form} if form else params
                )
            else:
                result = await self._probe_judge(judge, messages, params)
            if self.options.use_cache:
                self.store.cache(key, asdict(result))
            return result.text

        return ask

    async def _probe_judge(self, judge: Endpoint, messages: list[dict[str, str]], params: dict[str, Any]) -> CallResult:
        """The first judge call finds the structured-output form the server takes (the others wait for it):
        a form it rejects (400/422, or a 500 as llama-cpp-python answers json_schema) is not retried."""
        async with self._judge_lock:
            while not self._judge_settled:
                form = JUDGE_FORMATS[self._judge_format]
                last = self._judge_format == len(JUDGE_FORMATS) - 1
                asked = {**params, "response_format": form} if form else params
                try:
                    result, _, _ = await self._call(judge, messages, asked, retries=None if last else 0)
                except CallError as exc:
                    if not last and exc.kind in ("bad-request", "server"):
                        self._judge_format += 1
                        continue
                    raise
                self._judge_settled = True
                return result
        form = JUDGE_FORMATS[self._judge_format]
        result, _, _ = await self._call(judge, messages, {**params, "response_format": form} if form else params)
        return result

    def _scrub(self, text: str, endpoint: Endpoint) -> str:
        secrets = []
        for e in (endpoint, self.judge):
            if e is not None and e.api_key_env:
                with contextlib.suppress(CallError):
                    secrets.append(e.api_key())
        return redact(text, secrets)

    async def _close(self) -> None:
        for client in self._clients.values():
            with contextlib.suppress(Exception):
                await client.close()
        self._clients.clear()


class _progress:
    """A rich progress bar on stderr (or nothing), as a context manager yielding `advance()`."""

    def __init__(self, enabled: bool, total: int, completed: int) -> None:
        self.enabled, self.total, self.completed = enabled, total, completed
        self._bar: Any = None

    def __enter__(self) -> Callable[[], None]:
        if not self.enabled:
            return lambda: None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._bar = Progress(
            TextColumn("eval"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self._bar.start()
        task = self._bar.add_task("cells", total=self.total, completed=self.completed)
        return lambda: self._bar.advance(task)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def execute(
    suite: Suite,
    endpoints: list[Endpoint],
    store: Store,
    options: RunOptions,
    judge: Endpoint | None = None,
    extra_config: dict[str, Any] | None = None,
) -> tuple[int, bool]:
    """Open (or resume) the run in the store and run it to the end: (run id, resumed)."""
    key = run_key(suite, endpoints, options)
    config = {
        "endpoints": [e.describe() for e in endpoints],
        "repeat": options.repeat,
        "suite": json.loads(suite.fingerprint()),
        **(extra_config or {}),
    }
    run_id, resumed = store.open_run(key, suite.name, config)
    asyncio.run(Runner(suite, endpoints, store, options, judge).run(run_id))
    return run_id, resumed
